"""The six-month coach review: opening (idempotent, announced once), the assembled figures, panel
recommendations, staff decisions, who sees what, and the decision shown to the next year."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from coaching import services as coaching
from coaching.models import Goal, ThirtyDayReport
from evaluation import coach_reviews
from evaluation.models import Answer, CoachReview, Invitation, Question, Response, Survey, SurveyRound
from evaluation.tasks import coach_reviews_open_task
from pac.models import OutboundEmail, Tag
from pac.workflow import TransitionError
from tests.applications.factories import ApplicationFactory
from tests.coaching.factories import active_pair
from tests.evaluation.factories import record
from tests.factories import ProgramYearFactory, UserFactory, panel_seat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def panel(program_year):
    return [panel_seat(program_year) for _ in range(3)]


@pytest.fixture
def due_pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=TODAY() - datetime.timedelta(days=190))


@pytest.fixture
def review(due_pair, panel):
    assert coach_reviews.reviews_open() == 1
    return CoachReview.objects.get()


def test_a_review_opens_six_months_after_the_first_pair_started_once(program_year, staff_user, due_pair, panel):
    active_pair(program_year, staff_user, started_on=TODAY() - datetime.timedelta(days=100))  # not yet due
    assert coach_reviews_open_task.delay().get() == 1
    review = CoachReview.objects.get()
    assert review.coach == due_pair.coach and review.role == "ct"
    assert review.due_on == due_pair.started_on + datetime.timedelta(days=182)
    announced = OutboundEmail.objects.filter(key__startswith=f"coach-review-open:{review.pk}:")
    assert sorted(e.to[0] for e in announced) == sorted([u.email for u in panel] + [staff_user.email])
    assert coach_reviews.reviews_open() == 0  # a second run (or a retried worker) does nothing
    assert CoachReview.objects.count() == 1 and announced.count() == 4
    assert PeriodicTask.objects.get(task="evaluation.tasks.coach_reviews_open_task").enabled


def test_the_review_assembles_goals_meetings_reports_surveys_and_observations(review, due_pair, staff_user):
    pair = due_pair
    coach = pair.coach.user
    start = pair.started_on
    for offset in (5, 40, 100):  # three of the seven calendar months so far have a meeting
        coaching.meeting_log(
            pair=pair,
            actor=coach,
            held_on=start + datetime.timedelta(days=offset),
            duration_minutes=60,
            modality="video",
            purpose="observation",
        )
    area = Tag.objects.filter(kind="class").first()
    coaching.goal_save(pair=pair, actor=coach, area=area, title="Wait time")
    met = coaching.goal_save(pair=pair, actor=coach, area=area, title="Open questions")
    Goal.objects.filter(pk=met.pk).update(status=Goal.Status.MET)
    reports = coaching.reports_ensure(pair=pair)
    ThirtyDayReport.objects.filter(pk=reports[0].pk).update(
        status="submitted", submitted_at=timezone.now(), was_late=False
    )
    ThirtyDayReport.objects.filter(pk=reports[1].pk).update(
        status="submitted", submitted_at=timezone.now(), was_late=True
    )
    record(pair, "pre", 4)
    survey = Survey.objects.get(name="Coach feedback")
    round_ = SurveyRound.objects.create(
        survey=survey,
        program_year=pair.program_year,
        coach=pair.coach,
        audiences=["mentee"],
        closes_on=TODAY(),
        sent_by=staff_user,
    )
    for n, (email, agree) in enumerate([("a@x.org", 5), ("b@x.org", 4), ("c@x.org", None)]):
        invitation = Invitation.objects.create(
            round=round_, audience="mentee", name=email, email=email, token_hash=f"{n:064d}"
        )
        if agree is None:
            continue
        response = Response.objects.create(invitation=invitation, via="link")
        for question in survey.questions.all():
            if question.kind == Question.Kind.AGREEMENT:
                Answer.objects.create(response=response, question=question, agreement=agree)
            elif question.kind == Question.Kind.TEXT:
                Answer.objects.create(response=response, question=question, text="Very thorough feedback")
    figures = coach_reviews.review_figures(review, include_free_text=True)
    assert figures.goals_set == 2 and figures.goals_met == 1
    assert figures.months_expected == len(coach_reviews.months_between(start, TODAY()))
    assert figures.months_met == 3
    assert figures.reports_due == len([r for r in reports if r.due_on < TODAY()])
    assert (figures.reports_on_time, figures.reports_late) == (1, 1)
    assert figures.reports_missing == figures.reports_due - 2
    assert (figures.invited, figures.answered) == (3, 2)
    first_question = figures.questions[0]
    assert first_question.n == 2 and first_question.mean == 4.5
    assert dict(first_question.counts) == {
        "Strongly disagree": 0,
        "Disagree": 0,
        "Neither agree nor disagree": 0,
        "Agree": 1,
        "Strongly agree": 1,
    }
    assert len(figures.free_text) == 4 and figures.observations[0].time_point == "pre"
    assert coach_reviews.review_figures(review, include_free_text=False).free_text == []


def test_panel_members_recommend_and_may_revise_until_staff_decide(review, panel, staff_user):
    item = coach_reviews.recommendation_record(
        review=review, member=panel[0], recommendation="continue", comments="Strong."
    )
    coach_reviews.recommendation_record(
        review=review, member=panel[0], recommendation="discontinue", comments="On reflection."
    )
    item.refresh_from_db()
    assert item.recommendation == "discontinue" and item.history.count() == 2
    with pytest.raises(TransitionError, match="Advisory Panel members"):
        coach_reviews.recommendation_record(
            review=review, member=UserFactory(), recommendation="continue", comments="x"
        )
    with pytest.raises(TransitionError, match="comments"):
        coach_reviews.recommendation_record(review=review, member=panel[1], recommendation="continue", comments=" ")
    coach_reviews.recommendation_record(review=review, member=panel[1], recommendation="continue", comments="Good.")
    coach_reviews.recommendation_record(review=review, member=panel[2], recommendation="continue", comments="Yes.")
    assert coach_reviews.majority(review) == "continue"
    with pytest.raises(TransitionError, match="Explain the decision"):
        coach_reviews.decision_record(review=review, actor=staff_user, decision="discontinue")
    with pytest.raises(TransitionError, match="EEC staff"):
        coach_reviews.decision_record(review=review, actor=panel[0], decision="continue")
    coach_reviews.decision_record(review=review, actor=staff_user, decision="continue")
    review.refresh_from_db()
    assert review.decision == "continue" and review.decided_by == staff_user
    with pytest.raises(TransitionError, match="already decided"):
        coach_reviews.recommendation_record(review=review, member=panel[0], recommendation="continue", comments="Late")


def test_the_review_page_forms(client, review, panel, staff_user):
    url = reverse("evaluation:coach_review", args=[review.pk])
    client.force_login(panel[0])
    bad = client.post(url, {"action": "recommend", "recommendation": "continue", "comments": ""})
    assert bad.status_code == 400 and 'value="continue"' in bad.content.decode()
    assert (
        client.post(url, {"action": "recommend", "recommendation": "continue", "comments": "Ready."}).status_code == 302
    )
    assert client.post(url, {"action": "decide", "decision": "continue"}).status_code == 403
    client.force_login(staff_user)
    page = client.get(url)
    assert "Ready." in page.content.decode() and page.context["majority"] == "continue"
    missing_note = client.post(url, {"action": "decide", "decision": "discontinue", "note": ""})
    assert missing_note.status_code == 400 and "Explain the decision" in missing_note.content.decode()
    assert client.post(url, {"action": "decide", "decision": "continue"}).status_code == 302
    review.refresh_from_db()
    assert review.decision == "continue"


@pytest.mark.parametrize(
    "who,expected",
    [
        ("staff", 200),
        ("panel", 200),
        ("coach", 403),
        ("mentee", 403),
        ("leader", 403),
        ("evaluator", 403),
        ("observer", 403),
        ("other_panel", 403),
        ("nobody", 403),
    ],
)
def test_who_sees_coach_reviews(client, review, due_pair, panel, staff_user, evaluator, observer, who, expected):
    other_year = ProgramYearFactory(
        name="2030–31", starts_on=datetime.date(2030, 9, 1), ends_on=datetime.date(2031, 6, 30)
    )
    users = {
        "staff": staff_user,
        "panel": panel[0],
        "coach": due_pair.coach.user,
        "mentee": due_pair.mentee.user,
        "leader": due_pair.leader.user,
        "evaluator": evaluator,
        "observer": observer,
        "other_panel": panel_seat(other_year),
        "nobody": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(reverse("evaluation:coach_reviews")).status_code == expected
    # the list as CSV: staff only, though the year's panel sees the page
    csv_status = client.get(reverse("evaluation:coach_reviews") + "?_export=csv").status_code
    assert csv_status == (200 if who == "staff" else 403)
    detail = client.get(reverse("evaluation:coach_review", args=[review.pk])).status_code
    assert detail == (200 if expected == 200 else 404)
    assert client.get(reverse("evaluation:coach_review", args=[999999])).status_code == 404


def test_the_review_list_is_flat_in_the_number_of_reviews(
    client, staff_user, program_year, panel, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            active_pair(program_year, staff_user, started_on=TODAY() - datetime.timedelta(days=200))
        coach_reviews.reviews_open()

    add(1)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("evaluation:coach_reviews")).status_code == 200
    add(4)
    with django_assert_max_num_queries(20) as large:
        assert client.get(reverse("evaluation:coach_reviews")).context["table"].paginator.count == 5
    assert len(small.captured_queries) == len(large.captured_queries)


def test_next_years_application_and_pairing_see_the_decision(client, review, panel, staff_user, due_pair):
    coach_reviews.decision_record(review=review, actor=staff_user, decision="discontinue", note="Reports were late.")
    this_year = review.program_year
    next_year = ProgramYearFactory(
        name="2031–32",
        starts_on=this_year.starts_on.replace(year=this_year.starts_on.year + 5),
        ends_on=this_year.ends_on.replace(year=this_year.ends_on.year + 5),
    )
    application = ApplicationFactory(program_year=next_year, role="ct", applicant=due_pair.coach)
    client.force_login(staff_user)
    page = client.get(reverse("applications:staff_detail", args=[application.reference]))
    assert page.status_code == 200
    assert f"{this_year} six-month review: <strong>do not continue</strong>" in page.content.decode()
    assert coach_reviews.prior_decisions([due_pair.coach_id], this_year) == {}  # not from the same year
    assert coach_reviews.prior_decisions([due_pair.coach_id], next_year)[due_pair.coach_id] == review
