"""Formative interviews (issue 13): staff schedule, the interviewer records once, staff and the year's
Advisory Panel read them on the coach's six-month review, the protocol is versioned, My work shows
each person what is theirs, and the list keeps its query count as interviews grow."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation import coach_reviews
from evaluation.interviews import services
from evaluation.models import CoachReview, FormativeInterview, InterviewAnswer, InterviewProtocol, InterviewQuestion
from pac.models import OutboundEmail
from tests.coaching.factories import active_pair, refused
from tests.evaluation.factories import interview_day, recorded_interview, scheduled_interview
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory, panel_seat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=TODAY() - datetime.timedelta(days=190))


@pytest.fixture
def interviewer(program_year):
    return panel_seat(program_year)


def _answers(interview, open_text="We meet every week."):
    return {
        q.pk: q.choice_list[0] if q.kind == InterviewQuestion.Kind.CHOICE else open_text
        for q in interview.protocol.questions.all()
    }


# --- scheduling ---------------------------------------------------------------------------------


def test_staff_schedule_a_coach_interview_and_both_people_are_emailed(program_year, staff_user, pair, interviewer):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    assert interview.interviewee_role == "ct" and interview.coach == pair.coach and interview.pair is None
    assert interview.interviewer_capacity == "panel" and interview.protocol.audience == "coach"
    assert interview.status == "scheduled" and interview.scheduled_by == staff_user
    sent = {tuple(e.to): e for e in OutboundEmail.objects.all()}
    assert (interviewer.email,) in sent and (pair.coach.email,) in sent
    assert f"/evaluation/interviews/{interview.pk}/record/" in sent[(interviewer.email,)].body_text


def test_a_mentees_interview_informs_their_coachs_review(program_year, staff_user, pair, interviewer):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.mentee, interviewer=interviewer)
    assert interview.interviewee_role == "mentee" and interview.pair == pair and interview.coach == pair.coach
    assert interview.protocol.audience == "mentee"


def test_eec_staff_may_interview(program_year, staff_user, pair):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user)
    assert interview.interviewer_capacity == "staff"


def test_only_staff_schedule(program_year, staff_user, pair, interviewer):
    with refused("EEC staff schedule"):
        services.interview_schedule(
            actor=interviewer,
            program_year=program_year,
            interviewee=pair.coach,
            interviewer=interviewer,
            scheduled_on=interview_day(program_year),
        )


def test_the_interviewer_is_on_the_years_panel_or_staff(program_year, staff_user, pair):
    last_year = ProgramYearFactory(
        name="2025–26",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year - 1),
        ends_on=program_year.starts_on - datetime.timedelta(days=1),
    )
    for stranger in (UserFactory(), panel_seat(last_year)):
        with refused("Advisory Panel or be EEC staff"):
            scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=stranger)
    ended = panel_seat(program_year, term_ends_on=TODAY() - datetime.timedelta(days=1))
    with refused("Advisory Panel or be EEC staff"):
        scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=ended)


def test_no_one_interviews_within_their_own_coaching(program_year, staff_user, pair):
    coach_on_panel = panel_seat(program_year, pair.coach.user)
    leader_on_panel = panel_seat(program_year, pair.leader.user)
    with refused("part of the coaching"):
        scheduled_interview(program_year, staff_user, interviewee=pair.mentee, interviewer=coach_on_panel)
    with refused("part of the coaching"):
        scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=leader_on_panel)
    other = active_pair(program_year, staff_user)
    assert scheduled_interview(program_year, staff_user, interviewee=other.coach, interviewer=coach_on_panel)


def test_only_the_years_coaches_mentees_and_mas_are_interviewed(program_year, staff_user, pair, interviewer):
    with refused("neither a coach nor in an active pair"):
        scheduled_interview(program_year, staff_user, interviewee=PersonFactory(), interviewer=interviewer)
    with refused("neither a coach nor in an active pair"):
        scheduled_interview(program_year, staff_user, interviewee=pair.leader, interviewer=interviewer)


def test_an_unpaired_mentee_is_refused_with_the_reason(program_year, staff_user, interviewer):
    from tests.pairings.factories import accepted

    mentee = accepted("mentee", program_year).applicant
    with refused("neither a coach nor in an active pair"):
        scheduled_interview(program_year, staff_user, interviewee=mentee, interviewer=interviewer)


def test_the_date_is_in_the_program_year(program_year, staff_user, pair, interviewer):
    with refused("Choose a date in the"):
        scheduled_interview(
            program_year,
            staff_user,
            interviewee=pair.coach,
            interviewer=interviewer,
            on=program_year.ends_on.replace(year=program_year.ends_on.year + 1),
        )


def test_a_double_submit_schedules_once(program_year, staff_user, pair, interviewer):
    scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    with refused("already interviewing"):
        scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    assert FormativeInterview.objects.count() == 1


def test_without_an_active_protocol_staff_are_told_where_to_add_one(program_year, staff_user, pair, interviewer):
    InterviewProtocol.objects.filter(audience="coach").update(is_active=False)
    with refused("no active interview protocol for coaches"):
        scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)


# --- recording ----------------------------------------------------------------------------------


def test_the_interviewer_records_the_answers_once(program_year, staff_user, pair, interviewer):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    services.interview_record(
        interview=interview, actor=interviewer, held_on=interview.scheduled_on, answers=_answers(interview)
    )
    interview.refresh_from_db()
    assert interview.status == "recorded" and interview.recorded_by == interviewer and interview.held_on
    assert interview.answers.count() == interview.protocol.questions.count()
    assert interview.answers.filter(text="We meet every week.").count() == 2
    with refused("already recorded"):
        services.interview_record(
            interview=interview, actor=interviewer, held_on=interview.scheduled_on, answers=_answers(interview)
        )


@pytest.mark.parametrize(
    "change, message",
    [
        ("missing", "needs an answer"),
        ("bad choice", "choose one of the options"),
        ("too long", "under 5000 characters"),
        ("future", "cannot be in the future"),
        ("someone else", "Only the interviewer"),
    ],
)
def test_a_record_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    program_year, staff_user, pair, interviewer, change, message
):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    answers = _answers(interview)
    questions = list(interview.protocol.questions.order_by("order"))
    held_on, actor = interview.scheduled_on, interviewer
    if change == "missing":
        answers[questions[-1].pk] = "  "
    elif change == "bad choice":
        answers[questions[0].pk] = "Daily, of course"
    elif change == "too long":
        answers[questions[-1].pk] = "x" * 5001
    elif change == "future":
        held_on = TODAY() + datetime.timedelta(days=1)
    else:
        actor = staff_user
    with refused(message):
        services.interview_record(interview=interview, actor=actor, held_on=held_on, answers=answers)
    assert not InterviewAnswer.objects.exists()
    interview.refresh_from_db()
    assert interview.status == "scheduled"


def test_staff_cancel_with_a_reason_and_it_can_no_longer_be_recorded(program_year, staff_user, pair, interviewer):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    with refused("Say why"):
        services.interview_cancel(interview=interview, actor=staff_user, reason=" ")
    with refused("EEC staff cancel"):
        services.interview_cancel(interview=interview, actor=interviewer, reason="Ill")
    services.interview_cancel(interview=interview, actor=staff_user, reason="The coach is on leave")
    with refused("cancelled"):
        services.interview_record(
            interview=interview, actor=interviewer, held_on=interview.scheduled_on, answers=_answers(interview)
        )
    assert interview.history.count() == 2  # scheduled, then cancelled


# --- the protocol is versioned ------------------------------------------------------------------


def test_a_used_protocol_is_frozen_and_a_new_version_carries_on(program_year, staff_user, pair, interviewer):
    done = recorded_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    waiting = scheduled_interview(program_year, staff_user, interviewee=pair.mentee, interviewer=interviewer)
    other_coach = active_pair(program_year, staff_user).coach
    waiting_coach = scheduled_interview(program_year, staff_user, interviewee=other_coach, interviewer=interviewer)
    protocol = done.protocol
    question = protocol.questions.first()
    question.text = "Reworded after the fact"
    with pytest.raises(ValidationError, match="make a new version"):
        question.save()
    protocol.name = "Renamed"
    with pytest.raises(ValidationError, match="make a new version"):
        protocol.save()

    copy = services.protocol_new_version(protocol=InterviewProtocol.objects.get(pk=protocol.pk))
    assert copy.version == protocol.version + 1 and copy.is_active and copy.audience == "coach"
    assert copy.questions.count() == protocol.questions.count()
    protocol.refresh_from_db()
    assert not protocol.is_active
    copy_question = copy.questions.order_by("order").first()
    copy_question.text = "How often do you meet, and for how long?"
    copy_question.save()  # the new version is free to change
    waiting_coach.refresh_from_db()
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting_coach.protocol == copy  # still to be held: moves to the new version
    assert waiting.protocol.audience == "mentee"  # another audience's protocol is untouched
    assert done.protocol == protocol  # a recorded interview keeps the version it answered


# --- pages ----------------------------------------------------------------------------------------


def test_staff_schedule_from_the_page_and_the_interviewer_records_from_theirs(
    client, program_year, staff_user, pair, interviewer
):
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:interview_new"))
    assert page.status_code == 200
    assert pair.coach.full_name in page.content.decode() and f"{interviewer} (Advisory Panel)" in page.content.decode()
    response = client.post(
        reverse("evaluation:interview_new"),
        {
            "year": program_year.pk,
            "interviewee": pair.coach.pk,
            "interviewer": interviewer.pk,
            "scheduled_on": interview_day(program_year).isoformat(),
        },
    )
    interview = FormativeInterview.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluation:interview", args=[interview.pk])
    again = client.post(
        reverse("evaluation:interview_new"),
        {
            "year": program_year.pk,
            "interviewee": pair.coach.pk,
            "interviewer": interviewer.pk,
            "scheduled_on": interview_day(program_year).isoformat(),
        },
    )
    assert again.status_code == 400 and "already interviewing" in again.content.decode()

    client.force_login(interviewer)
    url = reverse("evaluation:interview_record", args=[interview.pk])
    form = client.get(url)
    assert form.status_code == 200 and "How often do you meet with your Mentee(s)?" in form.content.decode()
    questions = list(interview.protocol.questions.order_by("order"))
    data = {"held_on": interview.scheduled_on.isoformat()}
    data |= {f"q{q.pk}": q.choice_list[0] for q in questions if q.kind == "choice"}
    incomplete = client.post(url, data)
    assert incomplete.status_code == 400 and "Record the answer to this question." in incomplete.content.decode()
    assert incomplete.content.decode().count(" checked") == 3  # the three closed answers are kept
    data |= {f"q{q.pk}": "Steady progress; a planning hour would help." for q in questions if q.kind == "open"}
    done = client.post(url, data)
    assert done.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "recorded"
    detail = client.get(reverse("evaluation:interview", args=[interview.pk])).content.decode()
    assert "Steady progress; a planning hour would help." in detail
    assert client.get(url).status_code == 302  # recorded: back to the interview's page


def test_a_bad_value_on_the_pages_is_a_message_not_an_error(client, program_year, staff_user, pair, interviewer):
    client.force_login(staff_user)
    for data in (
        {"interviewee": "99999999", "interviewer": interviewer.pk, "scheduled_on": "2024-02-30"},
        {"interviewee": "x", "interviewer": "' OR 1=1 --", "scheduled_on": ""},
    ):
        response = client.post(reverse("evaluation:interview_new"), data)
        assert response.status_code == 400
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    blank = client.post(reverse("evaluation:interview_cancel", args=[interview.pk]), {"reason": ""}, follow=True)
    assert "Say why the interview is cancelled." in blank.content.decode()
    client.post(reverse("evaluation:interview_cancel", args=[interview.pk]), {"reason": "Moved away"})
    twice = client.post(reverse("evaluation:interview_cancel", args=[interview.pk]), {"reason": "Again"})
    assert twice.status_code == 403  # no longer scheduled: nothing to cancel
    assert client.get(reverse("evaluation:interview", args=[987654])).status_code == 404


def test_the_six_month_review_shows_the_coachs_and_mentees_interviews(
    client, program_year, staff_user, pair, interviewer, django_assert_max_num_queries
):
    recorded_interview(
        program_year, staff_user, interviewee=pair.coach, interviewer=interviewer, open_text="Coach says"
    )
    recorded_interview(
        program_year, staff_user, interviewee=pair.mentee, interviewer=staff_user, open_text="Mentee says"
    )
    cancelled = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user)
    services.interview_cancel(interview=cancelled, actor=staff_user, reason="Double booked")
    other = active_pair(program_year, staff_user, started_on=TODAY() - datetime.timedelta(days=190))
    recorded_interview(program_year, staff_user, interviewee=other.coach, interviewer=staff_user, open_text="Other")
    assert coach_reviews.reviews_open() == 2
    review = CoachReview.objects.get(coach=pair.coach)
    for viewer in (staff_user, panel_seat(program_year)):
        client.force_login(viewer)
        page = client.get(reverse("evaluation:coach_review", args=[review.pk])).content.decode()
        assert "Formative interviews" in page and "Coach says" in page and "Mentee says" in page
        assert "Other" not in page and "Double booked" not in page
    client.force_login(staff_user)
    url = reverse("evaluation:coach_review", args=[review.pk])
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for _ in range(3):
        recorded_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user)
    with django_assert_max_num_queries(60) as more:
        client.get(url)
    assert len(few.captured_queries) == len(more.captured_queries)


def test_a_panel_member_interviewed_about_the_coaching_does_not_read_their_own_record_on_the_review(
    client, program_year, staff_user, pair, interviewer
):
    recorded_interview(
        program_year, staff_user, interviewee=pair.coach, interviewer=interviewer, open_text="Coach says"
    )
    recorded_interview(
        program_year, staff_user, interviewee=pair.mentee, interviewer=staff_user, open_text="Mentee says"
    )
    coach_reviews.reviews_open()
    review = CoachReview.objects.get(coach=pair.coach)
    client.force_login(panel_seat(program_year, user=pair.mentee.user))
    page = client.get(reverse("evaluation:coach_review", args=[review.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mentee says" not in text  # their own interview: the rule refuses it on the review page too
    assert "Coach says" in text  # the coach's interview, as evaluation.view_interview allows


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_reads_in_a_fixed_number_of_queries(client, program_year, staff_user, size, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            p = active_pair(program_year, staff_user)
            recorded_interview(program_year, staff_user, interviewee=p.coach, interviewer=staff_user)
            scheduled_interview(program_year, staff_user, interviewee=p.mentee)

    add(size)
    client.force_login(staff_user)
    url = reverse("evaluation:interviews") + f"?year={program_year.pk}&status=&q="
    response = client.get(url)
    assert response.status_code == 200 and response.context["table"].paginator.count == 2 * size
    baseline = len(response.context["table"].page.object_list)
    assert baseline == 2 * size
    # the same number of queries at both sizes (fixed here, so a growing query fails at either size)
    with django_assert_num_queries(QUERIES_LIST):
        client.get(url)


QUERIES_LIST = 9  # render_table renders its template with the request too: the navigation is worked out once


def test_the_list_filters_and_ignores_what_it_does_not_understand(client, program_year, staff_user, pair):
    recorded_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user)
    scheduled_interview(program_year, staff_user, interviewee=pair.mentee)
    client.force_login(staff_user)
    url = reverse("evaluation:interviews")
    assert client.get(url, {"status": "recorded"}).context["table"].paginator.count == 1
    assert client.get(url, {"role": "mentee"}).context["table"].paginator.count == 1
    assert client.get(url, {"q": pair.mentee.last_name}).context["table"].paginator.count == 1
    assert client.get(url, {"q": pair.coach.last_name}).context["table"].paginator.count == 2  # and their Mentee's
    odd = client.get(url, {"status": "lost", "page": "-1"})
    assert odd.status_code == 200 and odd.context["table"].paginator.count == 2
    assert "Status" in odd.content.decode() and "Not understood" in odd.content.decode()


def _rows(response) -> list[FormativeInterview]:
    return [row.record for row in response.context["table"].page.object_list]


def test_the_list_sorts_by_a_column_and_shows_page_one_for_a_page_it_does_not_read(
    client, program_year, staff_user, pair
):
    later = scheduled_interview(program_year, staff_user, interviewee=pair.coach)
    later.scheduled_on += datetime.timedelta(days=20)
    later.save(update_fields=["scheduled_on"])
    sooner = scheduled_interview(program_year, staff_user, interviewee=pair.mentee)
    client.force_login(staff_user)
    url = reverse("evaluation:interviews")
    assert _rows(client.get(url, {"sort": "interview_on"})) == [sooner, later]
    assert _rows(client.get(url, {"sort": "-interview_on"})) == [later, sooner]
    by_name = sorted([later, sooner], key=lambda i: (i.interviewee.last_name, i.interviewee.first_name, i.pk))
    assert _rows(client.get(url, {"sort": "interviewee"})) == by_name
    odd = client.get(url, {"page": "abc"})
    assert odd.status_code == 200 and odd.context["table"].page.number == 1 and len(_rows(odd)) == 2
    assert "That page number was not understood" in odd.content.decode()


def test_staff_download_the_list_as_csv_without_the_open_answers(client, program_year, staff_user, pair):
    recorded_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user, open_text="Secret")
    scheduled_interview(program_year, staff_user, interviewee=pair.mentee)
    client.force_login(staff_user)
    url = reverse("evaluation:interviews")
    assert "Download CSV" in client.get(url).content.decode()
    response = client.get(url, {"_export": "csv", "status": "recorded"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    lines = response.content.decode().strip().splitlines()
    assert lines[0].split(",") == ["Date", "Interview with", "For the review of", "Interviewer", "Status"]
    assert len(lines) == 2 and pair.coach.full_name in lines[1] and "Recorded" in lines[1]
    everything = client.get(url, {"_export": "csv"}).content.decode()
    assert len(everything.strip().splitlines()) == 3
    assert "Secret" not in everything and "We meet" not in everything


def test_the_csv_is_refused_to_the_panel_and_interviewers(client, program_year, staff_user, pair, interviewer):
    scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    url = reverse("evaluation:interviews")
    for user in (interviewer, panel_seat(program_year)):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and "Download CSV" not in page.content.decode()
        assert client.get(url, {"_export": "csv"}).status_code == 403


def test_my_work_shows_the_interviewer_and_the_interviewee_what_is_theirs(
    client, program_year, staff_user, pair, interviewer
):
    interview = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    client.force_login(interviewer)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "To hold and record" in page and reverse("evaluation:interview_record", args=[interview.pk]) in page
    client.force_login(pair.coach.user)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Your interview" in page and str(interviewer) in page
    assert reverse("evaluation:interview_record", args=[interview.pk]) not in page
    client.force_login(pair.mentee.user)
    assert "Formative interviews" not in client.get(reverse("pac:my_work")).content.decode()
    services.interview_record(
        interview=interview, actor=interviewer, held_on=interview.scheduled_on, answers=_answers(interview)
    )
    client.force_login(interviewer)
    assert "To hold and record" not in client.get(reverse("pac:my_work")).content.decode()


def test_staff_edit_the_protocol_in_the_admin_and_make_a_new_version_of_a_used_one(
    client, program_year, staff_user, pair
):
    client.force_login(staff_user)
    protocol = InterviewProtocol.objects.get(audience="coach", is_active=True)
    changelist = reverse("admin:evaluation_interviewprotocol_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:evaluation_interviewprotocol_change", args=[protocol.pk])).status_code == 200
    recorded_interview(program_year, staff_user, interviewee=pair.coach, interviewer=staff_user)
    page = client.get(reverse("admin:evaluation_interviewprotocol_change", args=[protocol.pk]), follow=True)
    assert "cannot change" in page.content.decode()
    response = client.post(changelist, {"action": "new_version", "_selected_action": [protocol.pk]})
    copy = InterviewProtocol.objects.get(audience="coach", is_active=True)
    assert copy.version == protocol.version + 1
    assert response.status_code == 302 and response.url.endswith(f"/{copy.pk}/change/")
    for url in (
        reverse("admin:evaluation_formativeinterview_changelist"),
        reverse("admin:evaluation_formativeinterview_change", args=[FormativeInterview.objects.get().pk]),
        reverse("admin:evaluation_interviewprotocol_history", args=[copy.pk]),
    ):
        assert client.get(url).status_code == 200, url
