"""Coaching writes against the database: meetings, goals and notes, 30-day reports and their
review. Each refusal raises TransitionError with the message the person sees."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from coaching import services
from coaching.models import Goal, GoalNote, Meeting, ThirtyDayReport
from pac.models import OutboundEmail, Tag
from pairings.models import Pair
from tests.coaching.factories import active_pair, meeting, refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pair(program_year, staff_user):
    """Active, with a leader, started 40 days ago: period 1 is overdue, period 2 is running."""
    return active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY, with_leader=True)


@pytest.fixture
def bare_pair(program_year, staff_user):
    """Active, no leader, started 40 days ago, in another region."""
    return active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY, region=2)


@pytest.fixture
def area(db):
    return Tag.objects.filter(kind=Tag.Kind.CLASS).first()


def log(pair, actor, **kw):
    fields = {
        "held_on": TODAY() - 2 * DAY,
        "duration_minutes": 60,
        "modality": Meeting.Modality.VIDEO,
        "purpose": Meeting.Purpose.OBSERVATION,
    }
    fields.update(kw)
    return services.meeting_log(pair=pair, actor=actor, **fields)


# --- meetings -------------------------------------------------------------------------------


def test_the_coach_logs_a_meeting(pair):
    m = log(pair, pair.coach.user, notes="  Watched circle time  ", next_steps=" Try wait time ")
    m.refresh_from_db()
    assert m.pair == pair and m.logged_by == pair.coach.user
    assert m.notes == "Watched circle time" and m.next_steps == "Try wait time"
    assert m.duration_outside_expectation is False
    assert m.leader_present is False and m.mentee_confirmed_at is None


def test_staff_may_log_a_meeting(pair, staff_user):
    assert log(pair, staff_user).logged_by == staff_user


@pytest.mark.parametrize("who", ["mentee", "leader"])
def test_mentee_and_leader_cannot_log_meetings(pair, who):
    with refused("Only the pair's coach logs meetings."):
        log(pair, getattr(pair, who).user)
    assert not Meeting.objects.exists()


def test_the_coach_of_another_pair_cannot_log_a_meeting(pair, bare_pair):
    with refused("Only the pair's coach logs meetings."):
        log(pair, bare_pair.coach.user)


def test_a_future_meeting_is_refused(pair):
    with refused("A meeting cannot be logged before it happens"):
        log(pair, pair.coach.user, held_on=TODAY() + DAY)
    log(pair, pair.coach.user, held_on=TODAY())  # today is fine


def test_a_meeting_before_the_pair_started_is_refused(pair):
    with refused(f"The pair started on {pair.started_on:%B %-d, %Y}"):
        log(pair, pair.coach.user, held_on=pair.started_on - DAY)
    log(pair, pair.coach.user, held_on=pair.started_on)  # the first day is fine


@pytest.mark.parametrize(("minutes", "outside"), [(45, True), (59, True), (60, False), (90, False), (91, True)])
def test_duration_outside_60_to_90_is_saved_and_flagged(pair, minutes, outside):
    m = log(pair, pair.coach.user, duration_minutes=minutes, duration_reason="Fire drill")
    m = Meeting.objects.get(pk=m.pk)
    assert m.duration_minutes == minutes
    assert m.duration_outside_expectation is outside
    assert m.duration_reason == "Fire drill"


def test_a_short_leader_check_in_is_not_flagged(pair):
    m = log(pair, pair.coach.user, duration_minutes=20, purpose=Meeting.Purpose.LEADER_CHECK_IN)
    assert m.duration_outside_expectation is False
    assert m.leader_present is True and m.is_leader_check_in


def test_leader_present_is_refused_when_the_pair_has_no_leader(bare_pair):
    with refused("This pair has no Program/Instructional Leader"):
        log(bare_pair, bare_pair.coach.user, leader_present=True)
    assert not Meeting.objects.exists()


def test_a_leader_check_in_is_refused_when_the_pair_has_no_leader(bare_pair):
    with refused("This pair has no Program/Instructional Leader"):
        log(bare_pair, bare_pair.coach.user, purpose=Meeting.Purpose.LEADER_CHECK_IN)


def test_leader_present_is_accepted_when_the_pair_has_a_leader(pair):
    assert log(pair, pair.coach.user, leader_present=True).leader_present is True


def test_an_ended_pair_takes_no_meetings(pair):
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED, ended_on=TODAY() - DAY)
    pair.refresh_from_db()
    with refused("This pair is not active"):
        log(pair, pair.coach.user)


def test_only_the_mentee_confirms_a_meeting_and_confirming_twice_keeps_the_first_time(pair, staff_user):
    m = log(pair, pair.coach.user)
    for actor in (pair.coach.user, pair.leader.user, staff_user):
        with refused("Only the mentee confirms that a meeting took place."):
            services.meeting_confirm(meeting=m, actor=actor)
    m.refresh_from_db()
    assert m.mentee_confirmed_at is None

    first = services.meeting_confirm(meeting=m, actor=pair.mentee.user).mentee_confirmed_at
    assert first is not None
    again = services.meeting_confirm(meeting=m, actor=pair.mentee.user)
    assert again.mentee_confirmed_at == first
    m.refresh_from_db()
    assert m.mentee_confirmed_at == first


def test_the_mentee_of_another_pair_cannot_confirm(pair, bare_pair):
    m = log(pair, pair.coach.user)
    with refused("Only the mentee confirms"):
        services.meeting_confirm(meeting=m, actor=bare_pair.mentee.user)


# --- goals --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coach", "mentee"])
def test_coach_or_mentee_sets_a_goal(pair, area, who):
    actor = getattr(pair, who).user
    goal = services.goal_save(pair=pair, actor=actor, area=area, title="Use open-ended questions")
    goal.refresh_from_db()
    assert goal.pair == pair and goal.created_by == actor and goal.status == Goal.Status.OPEN


def test_the_mentee_updates_the_coachs_goal(pair, area):
    goal = services.goal_save(pair=pair, actor=pair.coach.user, area=area, title="Goal")
    services.goal_save(pair=pair, actor=pair.mentee.user, goal=goal, status=Goal.Status.IN_PROGRESS, title="Goal 2")
    goal.refresh_from_db()
    assert goal.status == Goal.Status.IN_PROGRESS and goal.title == "Goal 2"
    assert goal.created_by == pair.coach.user
    assert goal.history.count() == 2


def test_leader_and_outsiders_cannot_set_goals(pair, bare_pair, area):
    for actor in (pair.leader.user, bare_pair.coach.user, bare_pair.mentee.user, UserFactory()):
        with refused("Goals are set by the coach and the mentee together."):
            services.goal_save(pair=pair, actor=actor, area=area, title="Nope")
    assert not Goal.objects.exists()


def test_a_goal_of_another_pair_cannot_be_edited_through_this_pair(pair, bare_pair, area):
    theirs = services.goal_save(pair=bare_pair, actor=bare_pair.coach.user, area=area, title="Theirs")
    with refused("That goal belongs to another pair."):
        services.goal_save(pair=pair, actor=pair.coach.user, goal=theirs, title="Mine now")
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_goal_notes(pair, area):
    goal = services.goal_save(pair=pair, actor=pair.coach.user, area=area, title="Goal")
    note = services.goal_note_add(goal=goal, actor=pair.mentee.user, text="  Tried it twice  ")
    assert note.text == "Tried it twice" and note.noted_on == TODAY() and note.author == pair.mentee.user
    dated = services.goal_note_add(goal=goal, actor=pair.coach.user, text="Earlier", noted_on=TODAY() - 5 * DAY)
    assert dated.noted_on == TODAY() - 5 * DAY
    with refused("Write the progress note."):
        services.goal_note_add(goal=goal, actor=pair.coach.user, text="   ")
    with refused("Goals are set by the coach and the mentee together."):
        services.goal_note_add(goal=goal, actor=pair.leader.user, text="From the leader")
    assert GoalNote.objects.filter(goal=goal).count() == 2


# --- 30-day reports: drafts -----------------------------------------------------------------------


def test_reports_ensure_makes_one_draft_per_started_period_and_is_idempotent(pair):
    created = services.reports_ensure(pair=pair)
    # started 40 days ago: period 1 (days 0-29) and period 2 (days 30-59) have started
    assert [r.period for r in created] == [1, 2]
    first, second = created
    assert first.status == ThirtyDayReport.Status.DRAFT
    assert (first.period_start, first.period_end, first.due_on) == (
        pair.started_on,
        pair.started_on + 29 * DAY,
        pair.started_on + 30 * DAY,
    )
    assert second.period_start == pair.started_on + 30 * DAY and second.due_on == pair.started_on + 60 * DAY
    assert services.reports_ensure(pair=pair) == []
    assert ThirtyDayReport.objects.filter(pair=pair).count() == 2
    # a later day adds only the new period
    later = services.reports_ensure(pair=pair, today=pair.started_on + 60 * DAY)
    assert [r.period for r in later] == [3]


def test_reports_ensure_does_nothing_for_a_proposed_or_unstarted_pair(pair):
    Pair.objects.filter(pk=pair.pk).update(started_on=None)
    pair.refresh_from_db()
    assert services.reports_ensure(pair=pair) == []


def test_the_draft_is_prefilled_with_the_periods_meetings(pair, area):
    meeting(
        pair,
        pair.started_on + 3 * DAY,
        purpose=Meeting.Purpose.OBSERVATION,
        modality=Meeting.Modality.VIDEO,
        duration_minutes=75,
        notes="Watched circle time",
        next_steps="Try wait time",
    )
    meeting(pair, pair.started_on + 35 * DAY, purpose=Meeting.Purpose.FOLLOW_UP, notes="Second period")
    goal = services.goal_save(pair=pair, actor=pair.coach.user, area=area, title="Ask open questions")
    GoalNote.objects.create(goal=goal, text="Tried it", author=pair.coach.user, noted_on=pair.started_on + 4 * DAY)

    first = services.reports_ensure(pair=pair)[0]
    day = pair.started_on + 3 * DAY
    actions = first.answers["actions"]
    assert f"{day:%b} {day.day}" in actions
    assert "Observation" in actions and "video call" in actions and "75 min" in actions
    assert "Watched circle time" in actions
    assert "Second period" not in actions  # that meeting belongs to period 2
    assert "Try wait time" in first.answers["next_steps"]
    assert "Ask open questions" in first.answers["progress"] and "Tried it" in first.answers["progress"]


# --- 30-day reports: submit, return, acknowledge ---------------------------------------------------


def full_answers():
    return {"actions": "Met twice", "progress": "On track", "next_steps": "Observe again", "support": ""}


def test_submit_refuses_empty_required_sections_by_title(pair):
    report = services.reports_ensure(pair=pair)[0]
    with refused("Fill in every section before submitting") as info:
        services.report_submit(report=report, actor=pair.coach.user)
    message = info.value.messages[0]
    for title in ("Actions taken", "Progress toward goals", "Next steps"):
        assert title in message
    assert "Support needed" not in message  # optional
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.DRAFT and report.submitted_at is None


def test_submit_names_only_the_sections_still_empty(pair):
    report = services.reports_ensure(pair=pair)[0]
    with refused() as info:
        services.report_submit(report=report, actor=pair.coach.user, answers={"actions": "x", "progress": "y"})
    assert "Next steps" in info.value.messages[0]
    assert "Actions taken" not in info.value.messages[0]


def test_a_late_submission_is_recorded_as_late(pair):
    report = services.reports_ensure(pair=pair)[0]  # due 10 days ago
    before = timezone.now()
    report = services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.SUBMITTED
    assert report.submitted_at >= before
    assert report.was_late is True
    assert report.answers["actions"] == "Met twice"


def test_a_report_cannot_be_submitted_before_its_period_ends(pair):
    report = services.reports_ensure(pair=pair)[1]  # the period running now: due in 20 days
    with refused("once the period has ended") as info:
        services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    assert f"submitted from {report.period_end + DAY:%B %-d}" in info.value.messages[0]
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.DRAFT and report.submitted_at is None


def test_a_report_can_be_submitted_the_day_after_its_period_ends(program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 29 * DAY)
    report = services.reports_ensure(pair=pair)[0]
    assert report.period_end == TODAY()  # its last day: not yet
    with refused("once the period has ended"):
        services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    ThirtyDayReport.objects.filter(pk=report.pk).update(period_end=TODAY() - DAY)
    report = services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    assert report.status == ThirtyDayReport.Status.SUBMITTED and report.was_late is False


def test_submitting_on_the_due_date_is_on_time(program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 30 * DAY)
    report = services.reports_ensure(pair=pair)[0]
    assert report.due_on == TODAY()
    report = services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    assert report.was_late is False


def test_a_submitted_report_can_no_longer_be_edited(pair):
    report = services.reports_ensure(pair=pair)[0]
    services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    with refused("This report is submitted; it can no longer be edited."):
        services.report_save(report=report, actor=pair.coach.user, answers={"actions": "changed"})


def test_report_save_keeps_only_template_sections(pair):
    report = services.reports_ensure(pair=pair)[0]
    report = services.report_save(report=report, actor=pair.coach.user, answers={"actions": " Met ", "bogus": "x"})
    assert report.answers["actions"] == "Met" and "bogus" not in report.answers


@pytest.mark.parametrize("who", ["mentee", "leader"])
def test_only_the_coach_files_the_report(pair, who, staff_user):
    report = services.reports_ensure(pair=pair)[0]
    for actor in (getattr(pair, who).user, staff_user):
        with refused("Only the pair's coach files its 30-day reports."):
            services.report_save(report=report, actor=actor, answers={"actions": "x"})
        with refused("Only the pair's coach files its 30-day reports."):
            services.report_submit(report=report, actor=actor, answers=full_answers())
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.DRAFT and report.answers.get("progress", "") == ""


def test_the_coach_of_another_pair_cannot_edit_the_report(pair, bare_pair):
    report = services.reports_ensure(pair=pair)[0]
    original = dict(report.answers)
    with refused("Only the pair's coach files its 30-day reports."):
        services.report_save(report=report, actor=bare_pair.coach.user, answers={"actions": "hijack"})
    with refused("Only the pair's coach files its 30-day reports."):
        services.report_submit(report=report, actor=bare_pair.coach.user, answers=full_answers())
    report.refresh_from_db()
    assert report.answers == original and report.status == ThirtyDayReport.Status.DRAFT


def _submitted(pair):
    report = services.reports_ensure(pair=pair)[0]
    return services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())


def test_return_needs_a_comment(pair, staff_user):
    report = _submitted(pair)
    with refused("Say what needs revising."):
        services.report_return(report=report, actor=staff_user, comment="   ")
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.SUBMITTED


def test_return_reopens_the_report_and_emails_the_coach(pair, staff_user, django_capture_on_commit_callbacks):
    report = _submitted(pair)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_return(report=report, actor=staff_user, comment="  Add evidence for goal 2.  ")
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.RETURNED and report.is_editable
    assert report.review_comment == "Add evidence for goal 2."
    assert report.reviewed_by == staff_user and report.reviewed_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [pair.coach.email.lower()]
    assert f"30-day report {report.period} was returned" in sent.subject
    assert "Add evidence for goal 2." in sent.body and f"/{report.pk}" in sent.body
    assert OutboundEmail.objects.get(key__startswith=f"report:{report.pk}:returned").status == "sent"


def test_a_returned_report_is_edited_and_resubmitted(pair, staff_user):
    report = _submitted(pair)
    services.report_return(report=report, actor=staff_user, comment="More detail")
    services.report_save(report=report, actor=pair.coach.user, answers={"progress": "On track, with evidence"})
    report = services.report_submit(report=report, actor=pair.coach.user)
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.SUBMITTED
    assert report.answers["progress"] == "On track, with evidence"
    services.report_acknowledge(report=report, actor=staff_user)
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.ACKNOWLEDGED


def test_acknowledge_only_a_submitted_report(pair, staff_user):
    report = services.reports_ensure(pair=pair)[0]
    with refused("This report is draft; only a submitted report is reviewed."):
        services.report_acknowledge(report=report, actor=staff_user)
    services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    services.report_return(report=report, actor=staff_user, comment="Fix")
    with refused("only a submitted report is reviewed"):
        services.report_acknowledge(report=report, actor=staff_user)
    services.report_submit(report=report, actor=pair.coach.user)
    report = services.report_acknowledge(report=report, actor=staff_user)
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.ACKNOWLEDGED
    assert report.reviewed_by == staff_user and not report.is_editable
    with refused("This report is acknowledged"):
        services.report_acknowledge(report=report, actor=staff_user)
    with refused("it can no longer be edited"):
        services.report_save(report=report, actor=pair.coach.user, answers={"actions": "late edit"})


def test_only_eec_staff_review_reports(pair, reviewer):
    report = _submitted(pair)
    for actor in (pair.coach.user, pair.mentee.user, pair.leader.user, reviewer):
        with refused("EEC staff review 30-day reports."):
            services.report_acknowledge(report=report, actor=actor)
        with refused("EEC staff review 30-day reports."):
            services.report_return(report=report, actor=actor, comment="x")
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.SUBMITTED and report.reviewed_by is None


def test_report_history_is_kept(pair, staff_user):
    report = services.reports_ensure(pair=pair)[0]
    assert report.history.count() == 1
    services.report_save(report=report, actor=pair.coach.user, answers={"actions": "v1"})
    assert report.history.count() == 2
    services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    services.report_return(report=report, actor=staff_user, comment="More")
    count = report.history.count()
    assert count >= 4
    statuses = list(report.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[0] == "draft" and "submitted" in statuses and statuses[-1] == "returned"
    old = report.history.order_by("history_date", "history_id")[1]
    assert old.answers["actions"] == "v1"


# --- selectors: month flags -------------------------------------------------------------------------


def test_month_flags_mark_months_without_a_meeting_or_check_in(program_year, staff_user):
    from coaching.selectors import month_flags

    D = datetime.date
    with_leader = active_pair(program_year, staff_user, started_on=D(2026, 9, 15), with_leader=True)
    no_leader = active_pair(program_year, staff_user, started_on=D(2026, 9, 15), region=2)
    meeting(with_leader, D(2026, 9, 20))  # coaching, leader absent
    meeting(with_leader, D(2026, 10, 8), purpose=Meeting.Purpose.LEADER_CHECK_IN, leader_present=True)
    meeting(no_leader, D(2026, 10, 31))
    flags = month_flags([with_leader, no_leader], today=D(2026, 11, 20))
    assert flags[with_leader.pk] == [(D(2026, 9, 1), False, True), (D(2026, 10, 1), True, False)]
    assert flags[no_leader.pk] == [(D(2026, 9, 1), True, False)]  # November is not over yet
