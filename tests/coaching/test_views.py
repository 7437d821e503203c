"""Coaching pages: coach, mentee and leader of this pair; the same roles of another pair; a PLC
facilitator; staff. Query counts of the workspace and the staff overview do not grow."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import Goal, Meeting, ThirtyDayReport
from pac.models import Tag
from pairings import services as pairing
from pairings.models import Pair
from tests.applications.factories import MOUFactory
from tests.factories import PersonFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db


def make_pair(year, staff, *, started_days_ago=40, region=1):
    coach = accepted("ct", year, region_number=region)
    mentee = accepted("mentee", year, region_number=region)
    leader = PersonFactory(with_account=True, program=mentee.program)
    MOUFactory(application=mentee, signed=True, signer_person=leader, signer_email=leader.email)
    pair = pairing.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff, confirm=True)
    Pair.objects.filter(pk=pair.pk).update(started_on=timezone.localdate() - datetime.timedelta(days=started_days_ago))
    pair.refresh_from_db()
    return pair


@pytest.fixture
def two_pairs(program_year, staff_user):
    return make_pair(program_year, staff_user), make_pair(program_year, staff_user, region=2)


def _pages(pair):
    report = services.reports_ensure(pair=pair)[0] if not pair.reports.exists() else pair.reports.first()
    meeting = services.meeting_log(
        pair=pair,
        actor=pair.coach.user,
        held_on=timezone.localdate(),
        duration_minutes=60,
        modality="video",
        purpose="observation",
    )
    goal = services.goal_save(
        pair=pair, actor=pair.coach.user, area=Tag.objects.filter(kind="class").first(), title="A goal"
    )
    return {
        "workspace": ("get", reverse("coaching:workspace", args=[pair.pk])),
        "log meeting": ("get", reverse("coaching:meeting_new", args=[pair.pk])),
        "goal": ("get", reverse("coaching:goal", args=[pair.pk, goal.pk])),
        "plan": ("get", reverse("coaching:plan", args=[pair.pk])),
        "report": ("get", reverse("coaching:report", args=[report.pk])),
        "confirm meeting": ("post", reverse("coaching:meeting_confirm", args=[pair.pk, meeting.pk])),
        "overview": ("get", reverse("coaching:overview")),
        "reports": ("get", reverse("coaching:reports")),
        "reports csv": ("get", reverse("coaching:reports") + "?_export=csv"),
    }


EXPECTED = {
    # role of the person in THIS pair -> status per page
    "coach": {
        "workspace": 200,
        "log meeting": 200,
        "goal": 200,
        "plan": 200,
        "report": 200,
        "confirm meeting": 302,
        "overview": 403,
        "reports": 403,
        "reports csv": 403,
    },
    "mentee": {
        "workspace": 200,
        "log meeting": 403,
        "goal": 200,
        "plan": 200,
        "report": 404,
        "confirm meeting": 302,
        "overview": 403,
        "reports": 403,
        "reports csv": 403,
    },
    "leader": {
        "workspace": 200,
        "log meeting": 403,
        "goal": 403,
        "plan": 200,
        "report": 404,
        "confirm meeting": 302,
        "overview": 403,
        "reports": 403,
        "reports csv": 403,
    },
    "staff": {
        "workspace": 200,
        "log meeting": 200,
        "goal": 200,
        "plan": 200,
        "report": 200,
        "confirm meeting": 302,
        "overview": 200,
        "reports": 200,
        "reports csv": 200,
    },
}
OUTSIDER = {
    "workspace": 404,
    "log meeting": 404,
    "goal": 404,
    "plan": 404,
    "report": 404,
    "confirm meeting": 404,
    "overview": 403,
    "reports": 403,
    "reports csv": 403,
}


@pytest.mark.parametrize(
    "role", ["coach", "mentee", "leader", "other coach", "other mentee", "other leader", "facilitator", "staff"]
)
def test_roles_by_pages(client, two_pairs, facilitator, staff_user, role):
    pair, other = two_pairs
    pages = _pages(pair)
    user = {
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "other coach": other.coach.user,
        "other mentee": other.mentee.user,
        "other leader": other.leader.user,
        "facilitator": facilitator,
        "staff": staff_user,
    }[role]
    client.force_login(user)
    got = {name: getattr(client, method)(url).status_code for name, (method, url) in pages.items()}
    assert got == EXPECTED.get(role, OUTSIDER)


def test_only_the_coach_logs_meetings_and_only_the_mentee_confirms(client, two_pairs):
    pair, _ = two_pairs
    url = reverse("coaching:meeting_new", args=[pair.pk])
    data = {
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "75",
        "modality": "in_person",
        "purpose": "observation",
        "notes": "Observed circle time",
    }
    client.force_login(pair.mentee.user)
    assert client.post(url, data).status_code == 403
    assert not Meeting.objects.exists()
    client.force_login(pair.coach.user)
    assert client.post(url, data).status_code == 302
    meeting = Meeting.objects.get()
    client.post(reverse("coaching:meeting_confirm", args=[pair.pk, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.mentee_confirmed_at is None
    client.force_login(pair.mentee.user)
    client.post(reverse("coaching:meeting_confirm", args=[pair.pk, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.mentee_confirmed_at is not None


def test_a_short_meeting_is_saved_with_a_visible_warning(client, two_pairs):
    pair, _ = two_pairs
    client.force_login(pair.coach.user)
    response = client.post(
        reverse("coaching:meeting_new", args=[pair.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "40",
            "modality": "phone",
            "purpose": "follow_up",
        },
        follow=True,
    )
    assert "It lasted 40 minutes. Outside 60–90 minutes (no reason given)." in response.content.decode()


def test_bad_meeting_input_keeps_what_was_typed(client, two_pairs):
    pair, _ = two_pairs
    client.force_login(pair.coach.user)
    response = client.post(
        reverse("coaching:meeting_new", args=[pair.pk]),
        {
            "held_on": "not a date",
            "duration_minutes": "75",
            "modality": "phone",
            "purpose": "follow_up",
            "notes": "My careful notes",
        },
    )
    assert response.status_code == 400
    assert "My careful notes" in response.content.decode()


def test_month_without_meeting_is_flagged_on_the_workspace(client, two_pairs):
    pair, _ = two_pairs
    Pair.objects.filter(pk=pair.pk).update(started_on=timezone.localdate() - datetime.timedelta(days=70))
    client.force_login(pair.coach.user)
    page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Monthly expectations not met" in page and "no leader check-in" in page


def _bulk_pairs(year, staff, n):
    for i in range(n):
        pair = make_pair(year, staff, region=1 + i % 6)
        for days in (5, 35):
            services.meeting_log(
                pair=pair,
                actor=pair.coach.user,
                held_on=timezone.localdate() - datetime.timedelta(days=days),
                duration_minutes=60,
                modality="video",
                purpose="observation",
            )
        services.reports_ensure(pair=pair)


def test_staff_overview_queries_do_not_grow_with_pairs(client, staff_user, program_year, django_assert_max_num_queries):
    _bulk_pairs(program_year, staff_user, 2)
    client.force_login(staff_user)
    url = reverse("coaching:overview") + f"?year={program_year.pk}"
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    _bulk_pairs(program_year, staff_user, 8)
    with django_assert_max_num_queries(20) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_workspace_queries_do_not_grow_with_meetings(client, two_pairs, django_assert_max_num_queries):
    pair, _ = two_pairs
    client.force_login(pair.coach.user)
    url = reverse("coaching:workspace", args=[pair.pk])
    client.get(url)  # creates the report drafts
    first_goal = services.goal_save(pair=pair, actor=pair.coach.user, area=Tag.objects.first(), title="first")
    services.goal_note_add(goal=first_goal, actor=pair.coach.user, text="first note")
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    for days in range(1, 30):
        services.meeting_log(
            pair=pair,
            actor=pair.coach.user,
            held_on=timezone.localdate() - datetime.timedelta(days=days),
            duration_minutes=60,
            modality="video",
            purpose="observation",
        )
    goal = services.goal_save(pair=pair, actor=pair.coach.user, area=Tag.objects.first(), title="g")
    for _ in range(5):
        services.goal_note_add(goal=goal, actor=pair.coach.user, text="note")
    with django_assert_max_num_queries(25) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert Goal.objects.count() == 2 and ThirtyDayReport.objects.filter(pair=pair).count() == 2


# --- PLC and training ------------------------------------------------------------------------------


def test_facilitator_records_plc_attendance_for_their_region_only(
    client, two_pairs, facilitator, staff_user, program_year
):
    from coaching.models import Attendance, TrainingEvent
    from pac.models import Region

    pair, other = two_pairs
    mine = pair.mentee.program.region
    mine.facilitators.add(facilitator.person)
    client.force_login(facilitator)
    response = client.post(
        reverse("coaching:training") + f"?year={program_year.pk}",
        {
            "kind": "plc",
            "title": "November PLC",
            "region": mine.pk,
            "held_on": timezone.localdate().isoformat(),
            "hours": "1",
        },
    )
    event = TrainingEvent.objects.get()
    assert response.url == reverse("coaching:attendance", args=[event.pk])
    page = client.get(response.url).content.decode()
    assert pair.coach.full_name in page and pair.leader.full_name in page
    assert other.coach.full_name not in page  # another region's coach is not expected here
    client.post(response.url, {"present": [pair.coach.pk]})
    assert dict(Attendance.objects.values_list("person_id", "attended")) == {pair.coach.pk: True, pair.leader.pk: False}
    elsewhere = TrainingEvent.objects.create(
        program_year=program_year,
        kind="plc",
        title="Other PLC",
        region=Region.objects.exclude(pk=mine.pk).first(),
        held_on=timezone.localdate(),
        hours=1,
        created_by=staff_user,
    )
    assert client.get(reverse("coaching:attendance", args=[elsewhere.pk])).status_code == 404
    # a facilitator cannot add a statewide training day
    client.post(reverse("coaching:training"), {"kind": "training", "title": "x", "held_on": "2026-11-01", "hours": "6"})
    assert TrainingEvent.objects.count() == 2


@pytest.mark.parametrize("who", ["coach", "mentee", "leader"])
def test_pair_members_do_not_keep_attendance(client, two_pairs, who):
    pair, _ = two_pairs
    client.force_login(getattr(pair, who).user)
    assert client.get(reverse("coaching:training")).status_code == 403


def test_coach_attendance_against_the_models_expectations(client, two_pairs, staff_user, program_year):
    from coaching.models import Attendance, TrainingEvent

    pair, _ = two_pairs
    for kind, hours in (("orientation", 6), ("training", 6), ("training", 6), ("plc", 1)):
        event = TrainingEvent.objects.create(
            program_year=program_year,
            kind=kind,
            title=kind,
            held_on=program_year.starts_on,
            hours=hours,
            created_by=staff_user,
        )
        Attendance.objects.create(event=event, person=pair.coach, recorded_by=staff_user)
    client.force_login(pair.coach.user)
    page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Pre-service orientation: 1.0 of 1 day" in page
    assert "Ongoing training: 2.0 of about 6 days" in page
    assert "Regional PLC: 1 of" in page


def test_leader_sees_their_quarterly_plc_expectation(client, two_pairs, staff_user, program_year):
    from coaching.models import Attendance, TrainingEvent

    pair, _ = two_pairs
    event = TrainingEvent.objects.create(
        program_year=program_year,
        kind="plc",
        title="PLC",
        held_on=program_year.starts_on,
        hours=1,
        created_by=staff_user,
        region=pair.mentee.program.region,
    )
    Attendance.objects.create(event=event, person=pair.leader, recorded_by=staff_user)
    client.force_login(pair.leader.user)
    page = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Leaders are expected at the regional PLC at least quarterly: 1 of" in page
    # the coach's training record is not the leader's business (the Mentee's participation is: the model
    # asks the leader to "support participation in required observations, trainings and other meetings")
    assert f"Training and PLC ({pair.coach.full_name})" not in page and "Ongoing training:" not in page
    assert f"Participation ({pair.mentee.full_name})" in page


def test_the_reminder_send_time_is_a_periodic_task_staff_can_edit():
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="coaching.tasks.reminders_sweep_task")
    assert sweep.enabled and sweep.crontab.hour == "7" and str(sweep.crontab.timezone) == "America/New_York"
    assert PeriodicTask.objects.filter(task="coaching.tasks.digest_send_task").exists()
