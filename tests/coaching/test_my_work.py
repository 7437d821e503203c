"""My work shows each person what they have to do next, worked out from the data when the page is
asked for: no Reminder row (the beat's sweep never ran in these tests). For each role, the query
count of My work is the same at two sizes of data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Stage
from coaching import services
from coaching.models import Meeting, Reminder, ThirtyDayReport, TrainingEvent
from evaluation.models import ScheduledObservation
from pac.models import OutboundEmail
from pairings import services as pairing
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.coaching.factories import active_pair, backdate, meeting
from tests.evaluation.factories import certified_observer
from tests.factories import PersonFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
MY_WORK = reverse("pac:my_work")


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(MY_WORK)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())  # as read: template line breaks are spaces


def second_pair_for(pair, staff, started_on):
    """Another active pair for the same coach (capacity 2)."""
    mentee = accepted("mentee", pair.program_year, region_number=1)
    other = pairing.pair_propose(
        coach_application=pair.coach_application, mentee_application=mentee, actor=staff, confirm=True
    )
    return backdate(other, started_on)


def _query_count(client, user, django_assert_max_num_queries) -> int:
    client.force_login(user)
    with django_assert_max_num_queries(40) as captured:
        assert client.get(MY_WORK).status_code == 200
    return len(captured.captured_queries)


# --- coach ---------------------------------------------------------------------------------------


def test_coach_sees_overdue_due_and_returned_reports_and_months_without_a_meeting(client, program_year, staff_user):
    # started 95 days ago: periods 1–3 are over and overdue (due 65, 35 and 5 days ago); period 4 runs
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY, with_leader=True)
    assert not ThirtyDayReport.objects.exists()  # no draft made: the schedule alone says what is due
    html = page(client, pair.coach.user)
    assert "30-day report 1 (" in html and "is overdue: it was due" in html
    assert "30-day report 2 (" in html and "30-day report 3 (" in html
    assert "30-day report 4 (" not in html  # its period has not ended
    assert reverse("coaching:report_for_period", args=[pair.pk, 1]) in html
    last_month = TODAY().replace(day=1) - DAY
    assert f"No coaching meeting or leader check-in with {pair.mentee.full_name}" in html
    assert f"{last_month:%B %Y}" in html
    assert not Reminder.objects.exists()

    # the link says the draft is not made yet (the GET makes nothing) and offers to start it
    url = reverse("coaching:report_for_period", args=[pair.pk, 1])
    response = client.get(url)
    assert response.status_code == 200 and "Not started yet" in response.content.decode()
    assert not ThirtyDayReport.objects.exists()
    response = client.post(url)
    report = ThirtyDayReport.objects.get(pair=pair, period=1)
    assert response.url == reverse("coaching:report", args=[report.pk])
    assert client.get(url).url == response.url  # once made, the link opens it

    services.report_submit(
        report=report,
        actor=pair.coach.user,
        answers={"actions": "a", "progress": "p", "next_steps": "n"},
    )
    services.report_return(report=report, actor=staff_user, comment="Add the goal evidence")
    html = page(client, pair.coach.user)
    assert "Revise 30-day report 1" in html and "Add the goal evidence" in html


def test_a_meeting_last_month_clears_that_month_and_a_withdrawn_one_does_not(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY)
    last_month = TODAY().replace(day=1) - DAY
    html = page(client, pair.coach.user)
    assert f"No coaching meeting with {pair.mentee.full_name} was logged in {last_month:%B %Y}" in html
    m = meeting(pair, last_month)
    assert f"was logged in {last_month:%B %Y}" not in page(client, pair.coach.user)
    services.meeting_withdraw(meeting=m, actor=pair.coach.user, reason="Logged for the wrong pair")
    assert f"was logged in {last_month:%B %Y}" in page(client, pair.coach.user)


# --- mentee --------------------------------------------------------------------------------------


def test_mentee_confirms_meetings_they_attended_not_a_check_in_without_them(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY, with_leader=True)
    coach = pair.coach.user
    common = {"duration_minutes": 60, "modality": "video"}
    held = services.meeting_log(pair=pair, actor=coach, held_on=TODAY() - 3 * DAY, purpose="observation", **common)
    check_in = services.meeting_log(
        pair=pair, actor=coach, held_on=TODAY() - 2 * DAY, purpose="leader_check_in", **common
    )
    joint = services.meeting_log(
        pair=pair, actor=coach, held_on=TODAY() - DAY, purpose="leader_check_in", mentee_present=True, **common
    )
    withdrawn = services.meeting_log(pair=pair, actor=coach, held_on=TODAY() - DAY, purpose="follow_up", **common)
    services.meeting_withdraw(meeting=withdrawn, actor=coach, reason="Logged twice")
    assert check_in.mentee_present is False
    html = page(client, pair.mentee.user)
    assert f"#meeting-{held.pk}" in html and f"#meeting-{joint.pk}" in html
    assert f"#meeting-{check_in.pk}" not in html and f"#meeting-{withdrawn.pk}" not in html
    # the workspace does not offer it either, and the service refuses it
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert workspace.count("Confirm this meeting took place") == 2
    client.post(reverse("coaching:meeting_confirm", args=[pair.pk, check_in.pk]))
    check_in.refresh_from_db()
    assert check_in.mentee_confirmed_at is None
    services.meeting_confirm(meeting=held, actor=pair.mentee.user)
    assert f"#meeting-{held.pk}" not in page(client, pair.mentee.user)


# --- leader --------------------------------------------------------------------------------------


def test_leader_sees_mous_to_sign_and_check_ins_due(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY, with_leader=True)
    leader = pair.leader.user
    waiting = MOUFactory(
        application=ApplicationFactory(program_year=program_year, stage=Stage.SUBMITTED),
        signer_email=leader.email,
        status="requested",
    )
    html = page(client, leader)
    assert reverse("applications:mou_sign_mine", args=[waiting.pk]) in html
    assert f"Sign the MOU for {waiting.application.applicant.full_name}" in html
    who = f"{pair.coach.full_name} and {pair.mentee.full_name}"
    assert f"Check-in with {who} due this month" in html
    last_month = TODAY().replace(day=1) - DAY
    assert f"No check-in with {who} was logged in {last_month:%B %Y}" in html
    meeting(pair, TODAY(), purpose="leader_check_in", leader_present=True, mentee_present=False)
    meeting(pair, last_month, purpose="leader_check_in", leader_present=True, mentee_present=False)
    html = page(client, leader)
    assert f"Check-in with {who} due this month" not in html
    assert f"No check-in with {who} was logged in {last_month:%B %Y}" not in html


# --- observer ------------------------------------------------------------------------------------


def test_observer_sees_overdue_observations(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY)
    observer = certified_observer()
    ScheduledObservation.objects.create(
        pair=pair,
        time_point="pre",
        window_opens=TODAY() - 30 * DAY,
        due_by=TODAY() - 5 * DAY,
        observer=observer,
        scheduled_by=staff_user,
    )
    html = page(client, observer.user)
    assert "1 overdue" in html and "Overdue" in html and pair.mentee.full_name in html


# --- PLC facilitator -----------------------------------------------------------------------------


def test_facilitator_sees_plc_sessions_to_record(client, program_year, staff_user, facilitator):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY)
    region = pair.mentee.program.region
    region.facilitators.add(facilitator.person)
    html = page(client, facilitator)
    assert f"Add the {TODAY():%B} PLC session for Region {region.number}" in html
    event = TrainingEvent.objects.create(
        program_year=program_year,
        kind="plc",
        title="December PLC",
        region=region,
        held_on=TODAY(),
        hours=1,
        created_by=staff_user,
    )
    html = page(client, facilitator)
    assert reverse("coaching:attendance", args=[event.pk]) in html and "Record who attended December PLC" in html
    assert f"Add the {TODAY():%B} PLC session for Region {region.number}" not in html
    services.attendance_record(event=event, actor=facilitator, present={pair.coach.pk}, expected=[pair.coach])
    assert "Record who attended December PLC" not in page(client, facilitator)


# --- staff ---------------------------------------------------------------------------------------


def test_staff_sees_reports_to_review_overdue_observations_tiers_failed_emails_and_flags(
    client, program_year, staff_user
):
    late = active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY)
    done = active_pair(program_year, staff_user, started_on=TODAY() - 40 * DAY, region=2)
    report = services.reports_ensure(pair=done)[0]
    services.report_submit(
        report=report, actor=done.coach.user, answers={"actions": "a", "progress": "p", "next_steps": "n"}
    )
    ScheduledObservation.objects.create(
        pair=late, time_point="pre", window_opens=TODAY() - 30 * DAY, due_by=TODAY() - DAY, scheduled_by=staff_user
    )
    for stage, n in ((Stage.SUBMITTED, 2), (Stage.IN_REVIEW, 3), (Stage.INTERVIEW, 1)):
        ApplicationFactory.create_batch(n, program_year=program_year, stage=stage)
    OutboundEmail.objects.create(to=["x@example.org"], subject="s", body_text="b", status="failed")
    html = page(client, staff_user)
    assert "1 30-day report to review" in html
    assert "3 30-day reports overdue (1 pair)" in html  # late's periods 1–3; done's report 1 is in
    assert "1 observation past the due date" in html
    list_url = reverse("applications:staff_list")
    assert f"{list_url}?year={program_year.pk}&amp;stage=submitted" in html and "Tier 1: waiting" in html
    assert "Tier 2: committee review: 3" in html and "Tier 3: interview: 1" in html
    assert "1 email could not be sent" in html
    assert "pair with no coaching meeting" in html or "pairs with no coaching meeting" in html
    assert not Reminder.objects.exists()


# --- query counts: the same at two sizes, for each role --------------------------------------------


def _grow_coach(pair, staff):
    """A second pair, older, with months of meetings and reports in every state."""
    other = second_pair_for(pair, staff, TODAY() - 150 * DAY)
    for back in range(0, 150, 20):
        meeting(other, TODAY() - back * DAY)
        meeting(pair, TODAY() - min(back, 90) * DAY, purpose="leader_check_in", mentee_present=False)
    for report in services.reports_ensure(pair=other)[:2]:
        ThirtyDayReport.objects.filter(pk=report.pk).update(status="returned", review_comment="More detail")
    return other


def test_my_work_queries_do_not_grow_for_a_coach_mentee_and_leader(
    client, program_year, staff_user, django_assert_max_num_queries
):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY, with_leader=True)
    people = {"coach": pair.coach.user, "mentee": pair.mentee.user, "leader": pair.leader.user}
    small = {role: _query_count(client, user, django_assert_max_num_queries) for role, user in people.items()}
    _grow_coach(pair, staff_user)
    for back in range(1, 30, 3):  # meetings for the mentee to confirm
        meeting(pair, TODAY() - back * DAY)
    for _ in range(3):  # more MOUs for the leader to sign
        MOUFactory(
            application=ApplicationFactory(program_year=program_year, stage=Stage.SUBMITTED),
            signer_email=pair.leader.email,
            status="requested",
        )
    large = {role: _query_count(client, user, django_assert_max_num_queries) for role, user in people.items()}
    assert small == large


def test_my_work_queries_do_not_grow_for_an_observer_a_facilitator_and_staff(
    client, program_year, staff_user, facilitator, django_assert_max_num_queries
):
    observer = certified_observer()
    pairs = [active_pair(program_year, staff_user, started_on=TODAY() - 95 * DAY)]
    region = pairs[0].mentee.program.region
    region.facilitators.add(facilitator.person)

    def add_data(n):
        for i in range(n):
            pair = active_pair(program_year, staff_user, started_on=TODAY() - (40 + 30 * i) * DAY)
            ScheduledObservation.objects.create(
                pair=pair,
                time_point="pre",
                window_opens=TODAY() - 30 * DAY,
                due_by=TODAY() - DAY,
                observer=observer,
                scheduled_by=staff_user,
            )
            TrainingEvent.objects.create(
                program_year=program_year,
                kind="plc",
                title=f"PLC {i}",
                region=region,
                held_on=TODAY() - i * DAY,
                hours=1,
                created_by=staff_user,
            )
            ApplicationFactory(program_year=program_year, stage=Stage.IN_REVIEW)
            OutboundEmail.objects.create(to=["x@example.org"], subject="s", body_text="b", status="failed")

    add_data(1)
    people = {"observer": observer.user, "facilitator": facilitator, "staff": staff_user}
    small = {role: _query_count(client, user, django_assert_max_num_queries) for role, user in people.items()}
    add_data(3)
    large = {role: _query_count(client, user, django_assert_max_num_queries) for role, user in people.items()}
    assert small == large


def test_an_unused_person_record_is_not_a_leader(client, program_year):
    """A person with no pairs gets none of the coaching panels (and no query per panel for them)."""
    person = PersonFactory(with_account=True)
    html = page(client, person.user)
    assert "Meetings to confirm" not in html and "Check-ins with your pairs" not in html
    assert Meeting.objects.count() == 0
