"""Issue 14 (statewide scale): the coaching overview and the participation roster page fifty rows at a
time on the staff-list machinery, work out only the page's rows, keep their filters in the page links
and make exactly the same queries at two sizes; staff's My work counts the year's coaching figures in
the database with the same results as the per-pair schedule; permissions are unchanged."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from coaching import participation, schedule, selectors, services
from coaching.models import Attendance, Meeting, ThirtyDayReport, TrainingEvent
from pac.models import Participation, Person, ProgramRole, Region
from pairings import participation as confirmation
from pairings.models import Pair
from tests.coaching.factories import active_pair, backdate, meeting
from tests.coaching.test_scale import bulk_pairs
from tests.factories import ParticipationFactory, PersonFactory, UserFactory
from tests.lists import csv_rows, listed, with_query
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def overview_url(year) -> str:
    return f"{reverse('coaching:overview')}?year={year.pk}"


# --- the overview: pages, filters, sorting, what a row shows ----------------------------------------


def test_the_overview_shows_fifty_pairs_a_page_and_says_how_many(client, staff_user, program_year):
    bulk_pairs(program_year, 60)
    client.force_login(staff_user)
    first = client.get(overview_url(program_year))
    assert len(listed(first)) == 50
    html = first.content.decode()
    assert "Showing 1–50 of 60 pairs." in html
    assert f"?year={program_year.pk}&amp;page=2" in html  # the page links keep the year
    second = client.get(with_query(overview_url(program_year), page=2))
    assert len(listed(second)) == 10 and "Showing 51–60 of 60 pairs." in second.content.decode()
    assert not {p.pk for p in listed(first)} & {p.pk for p in listed(second)}
    # filters stay in the page links
    filtered = client.get(with_query(overview_url(program_year), status="active", page=2)).content.decode()
    assert "status=active" in filtered.split('aria-label="Pages of')[1]


def test_every_row_of_a_page_has_its_meetings_flags_overdue_reports_and_participation(client, staff_user, program_year):
    bulk_pairs(program_year, 55, started_days_ago=75)  # two meetings each; reports 1 and 2 overdue
    client.force_login(staff_user)
    rows = listed(client.get(with_query(overview_url(program_year), page=2)))
    assert len(rows) == 5
    for pair in rows:
        assert pair.meeting_count == 2 and pair.awaiting_review == 0
        assert pair.overdue == 2  # the schedule's count, as My work says
        assert pair.flags == selectors.month_flags([pair])[pair.pk]
        assert pair.participation.recommended_total == 0 and not pair.participation.attended_orientation


def test_the_overview_counts_in_subqueries_not_a_fanned_out_join(client, staff_user, program_year):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 70 * DAY)
    for days in (60, 40, 20):
        meeting(pair, TODAY() - days * DAY)
    withdrawn = meeting(pair, TODAY() - 10 * DAY)
    Meeting.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now(), withdrawal_reason="Logged twice")
    services.reports_ensure(pair=pair)
    ThirtyDayReport.objects.filter(pair=pair).update(status="submitted", submitted_at=timezone.now())
    assert pair.reports.count() == 3
    [row] = selectors.overview_pairs(program_year)
    # a meetings × reports join would count 3 × 3 of each without DISTINCT
    assert (row.meeting_count, row.awaiting_review) == (3, 3)
    assert row.last_meeting == TODAY() - 20 * DAY


def test_the_overview_filters_and_sorts_in_the_database(client, staff_user, program_year):
    quiet = active_pair(program_year, staff_user, region=2, started_on=TODAY() - 40 * DAY)
    busy = active_pair(program_year, staff_user, region=5, started_on=TODAY() - 40 * DAY)
    ended = active_pair(program_year, staff_user, region=5, started_on=TODAY() - 80 * DAY)
    Pair.objects.filter(pk=ended.pk).update(status=Pair.Status.ENDED, ended_on=TODAY() - 30 * DAY)
    for days in (30, 20, 10):
        meeting(busy, TODAY() - days * DAY)
    Person.objects.filter(pk=busy.coach_id).update(first_name="Quentin", last_name="Zebulon")
    client.force_login(staff_user)
    url = overview_url(program_year)
    assert listed(client.get(with_query(url, region=2))) == [quiet]
    assert listed(client.get(with_query(url, status="ended"))) == [ended]
    assert listed(client.get(with_query(url, q="quentin zebulon"))) == [busy]
    assert listed(client.get(with_query(url, sort="-meeting_count")))[0] == busy
    assert listed(client.get(with_query(url, sort="last_meeting")))[-1] in (quiet, ended)  # never met: last
    assert set(listed(client.get(with_query(url, status="<b>", region="x")))) == {quiet, busy, ended}


def test_the_overview_lists_the_ten_reports_submitted_first_and_links_to_them_all(client, staff_user, program_year):
    bulk_pairs(program_year, 12, started_days_ago=40)
    reports = list(ThirtyDayReport.objects.filter(period=1).order_by("pk"))
    for i, report in enumerate(reports):
        ThirtyDayReport.objects.filter(pk=report.pk).update(
            status="submitted", submitted_at=timezone.now() - datetime.timedelta(hours=len(reports) - i)
        )
    client.force_login(staff_user)
    response = client.get(overview_url(program_year))
    html = response.content.decode()
    assert [r.pk for r in response.context["awaiting"]] == [r.pk for r in reports[:10]]
    assert "12 reports await review; the 10 submitted first are below." in html
    assert f"{reverse('coaching:reports')}?year={program_year.pk}&amp;status=submitted" in html
    assert 'id="awaiting-h"' in html  # My work links here


# sign-in and menu lookups; the year; the pairs' count and page; the page's months, reports and
# participation (six); the count of reports awaiting review (their list is read when there are some);
# the count of video clips waiting a week for feedback (evidence, through pac.annotations)
OVERVIEW_QUERIES = 17


@pytest.mark.parametrize(
    ("query", "extra"),
    [("", 0), ("&sort=-meeting_count&region=2", 1), ("&page=2", 0)],  # the region, looked up
)
def test_the_overview_makes_the_same_queries_for_60_and_300_pairs(
    client, staff_user, program_year, django_assert_num_queries, query, extra
):
    bulk_pairs(program_year, 60)
    Attendance.objects.create(
        event=TrainingEvent.objects.create(
            program_year=program_year,
            kind="orientation",
            title="Orientation",
            held_on=program_year.starts_on,
            hours=6,
            created_by=staff_user,
        ),
        person=Pair.objects.first().mentee,
        recorded_by=staff_user,
    )
    client.force_login(staff_user)
    url = overview_url(program_year) + query
    client.get(url)  # warm the per-process caches (content types, permissions)
    with django_assert_num_queries(OVERVIEW_QUERIES + extra):
        assert client.get(url).status_code == 200
    bulk_pairs(program_year, 240)
    with django_assert_num_queries(OVERVIEW_QUERIES + extra):
        assert client.get(url).status_code == 200


def test_only_staff_open_the_overview_with_any_filter_or_page(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, with_leader=True)
    url = with_query(overview_url(program_year), page=2, sort="-meeting_count", region=1)
    for user in (pair.coach.user, pair.mentee.user, pair.leader.user, UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    assert client.get(with_query(overview_url(program_year), _export="csv")).status_code == 200  # no CSV: the page


# --- staff's My work: the year's figures counted by the database ------------------------------------


@given(
    start=st.integers(min_value=-400, max_value=40),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_overdue_periods_counts_the_schedules_periods_past_due(start, length):
    today = datetime.date(2027, 3, 15)
    started_on = today + datetime.timedelta(days=start)
    ended_on = started_on + datetime.timedelta(days=length) if length is not None else None
    periods = schedule.periods(started_on=started_on, ended_on=ended_on, until=today)
    expected = sum(1 for p in periods if p.due_on < today)
    assert selectors.overdue_periods(started_on, ended_on, today) == expected


def _flags_per_pair(program_year, today) -> dict:
    """Staff's figures worked out the long way, from every pair's schedule and months."""
    pairs = list(
        Pair.objects.filter(
            program_year=program_year, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED], started_on__isnull=False
        )
    )
    overdue = [d for d in selectors.reports_due(pairs, today) if d.period.due_on < today]
    flags = selectors.month_flags(pairs, today)
    last_month = (today.replace(day=1) - DAY).replace(day=1)
    last = [f for pair in pairs for f in flags[pair.pk] if f[0] == last_month]
    return {
        "overdue_reports": len(overdue),
        "overdue_pairs": len({d.pair.pk for d in overdue}),
        "no_meeting": sum(f[1] for f in last),
        "no_check_in": sum(f[2] for f in last),
        "pairs_flagged": sum(1 for pair in pairs if flags[pair.pk]),
    }


def test_staffs_coaching_figures_match_each_pairs_schedule_and_months(program_year, staff_user):
    today = TODAY()
    met = active_pair(program_year, staff_user, started_on=today - 130 * DAY, with_leader=True)
    for days in range(5, 130, 20):
        meeting(met, today - days * DAY, purpose=Meeting.Purpose.OBSERVATION, leader_present=days % 40 == 5)
    checked = active_pair(program_year, staff_user, started_on=today - 100 * DAY, with_leader=True)
    for days in range(3, 100, 25):
        meeting(checked, today - days * DAY, purpose=Meeting.Purpose.LEADER_CHECK_IN)
    withdrawn = meeting(checked, today - 35 * DAY)
    Meeting.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now(), withdrawal_reason="Logged twice")
    ended = active_pair(program_year, staff_user, started_on=today - 200 * DAY)
    Pair.objects.filter(pk=ended.pk).update(status=Pair.Status.ENDED, ended_on=today - 70 * DAY)
    meeting(ended, today - 72 * DAY)
    meeting(ended, today - 66 * DAY)  # after the end, in the month it ended: counts for that month
    new = active_pair(program_year, staff_user, started_on=today - 3 * DAY)
    for pair in (met, checked, ended, new):
        services.reports_ensure(pair=Pair.objects.get(pk=pair.pk))
    ThirtyDayReport.objects.filter(pair=met, period__in=[1, 2]).update(status="acknowledged")
    ThirtyDayReport.objects.filter(pair=checked, period=1).update(status="submitted", submitted_at=timezone.now())
    ThirtyDayReport.objects.filter(pair=checked, period=2).update(status="returned")
    ThirtyDayReport.objects.filter(pair=ended, period=3).delete()  # a draft never made still counts
    for offset in (0, 1, 14, 31, 45, 90):
        day = today + offset * DAY
        figures = selectors.staff_coaching_flags(program_year, day)
        assert {k: figures[k] for k in _flags_per_pair(program_year, day)} == _flags_per_pair(program_year, day), day
    assert selectors.staff_coaching_flags(program_year, today)["overdue_reports"] > 0


def test_staffs_coaching_figures_take_the_same_queries_at_two_sizes(program_year, django_assert_num_queries):
    bulk_pairs(program_year, 10)
    with django_assert_num_queries(2):
        small = selectors.staff_coaching_flags(program_year)
    bulk_pairs(program_year, 200)
    with django_assert_num_queries(2):
        large = selectors.staff_coaching_flags(program_year)
    assert large["overdue_reports"] == 21 * small["overdue_reports"]


def test_unpaired_mentees_missing_orientation_or_the_acknowledgement_are_counted_once(program_year, staff_user):
    paired = active_pair(program_year, staff_user)  # paired (before the year required anything): not counted
    ParticipationFactory(person=paired.mentee, program_year=program_year, role=ProgramRole.MENTEE)
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    orientation = TrainingEvent.objects.create(
        program_year=program_year,
        kind="orientation",
        title="O",
        held_on=program_year.starts_on,
        hours=6,
        created_by=staff_user,
    )

    def role(role="mentee", *, oriented=False, signed=False):
        person = accepted(role, program_year).applicant
        ParticipationFactory(person=person, program_year=program_year, role=role)
        if oriented:
            Attendance.objects.create(event=orientation, person=person, recorded_by=staff_user)
        if signed:
            confirmation.acknowledgement_sign(
                person=person,
                program_year=program_year,
                signature_name=person.full_name,
                confirmed=True,
                user=person.user,
            )
        return person

    role(oriented=True, signed=True)  # ready
    role(oriented=True)  # missing the acknowledgement
    role("ma", signed=True)  # missing orientation
    both = role()  # missing both, and an MA too: counted once
    ParticipationFactory(person=both, program_year=program_year, role=ProgramRole.MA)
    absent = role(signed=True)
    Attendance.objects.create(event=orientation, person=absent, recorded_by=staff_user, attended=False)
    ended = ParticipationFactory(person=PersonFactory(), program_year=program_year, role=ProgramRole.MENTEE)
    Participation.objects.filter(pk=ended.pk).update(ended_on=TODAY() - DAY)  # no longer a Mentee
    assert participation.participation_missing_count(program_year) == 4
    confirmation.requirement_set(program_year=program_year, required=False, actor=staff_user)
    assert participation.participation_missing_count(program_year) == 0


# --- the participation roster -----------------------------------------------------------------------


def _mentees(year, staff, n, *, region=1):
    people = []
    for i in range(n):
        application = accepted("mentee" if i % 3 else "ma", year, region_number=region)
        ParticipationFactory(
            person=application.applicant, program_year=year, role=application.role, region=application.program.region
        )
        people.append(application.applicant)
    return people


def roster_url(year) -> str:
    return f"{reverse('coaching:participation')}?year={year.pk}"


def test_the_roster_shows_fifty_a_page_and_its_csv_every_row(client, program_year, staff_user):
    _mentees(program_year, staff_user, 55)
    client.force_login(staff_user)
    first = client.get(roster_url(program_year))
    assert len(listed(first)) == 50 and "Showing 1–50 of 55 Mentees and MAs." in first.content.decode()
    assert all(row.record is not None for row in listed(first))
    second = client.get(with_query(roster_url(program_year), page=2))
    assert len(listed(second)) == 5
    rows = csv_rows(client.get(with_query(roster_url(program_year), _export="csv")))
    assert len(rows) == 56 and all(row[-1] == "Not paired" for row in rows[1:])


def test_the_roster_sorts_and_filters_on_what_the_database_works_out(client, program_year, staff_user):
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    early, late, never = _mentees(program_year, staff_user, 3)
    for person, held_on in ((early, program_year.starts_on), (late, program_year.starts_on + 10 * DAY)):
        event = TrainingEvent.objects.create(
            program_year=program_year, kind="orientation", title="O", held_on=held_on, hours=6, created_by=staff_user
        )
        Attendance.objects.create(event=event, person=person, recorded_by=staff_user)
    training = TrainingEvent.objects.create(
        program_year=program_year, kind="training", title="T", held_on=held_on, hours=12, created_by=staff_user
    )
    Attendance.objects.create(event=training, person=never, recorded_by=staff_user)
    confirmation.acknowledgement_sign(
        person=late, program_year=program_year, signature_name=late.full_name, confirmed=True, user=late.user
    )
    client.force_login(staff_user)

    def people(**query):
        return [row.person for row in listed(client.get(with_query(roster_url(program_year), **query)))]

    assert people(sort="orientation") == [early, late, never]
    assert people(sort="-orientation") == [late, early, never]  # never attended: last both ways
    assert people(sort="acknowledgement")[0] == late and people(sort="-acknowledgement")[0] == late
    assert people(sort="-training_days")[0] == never
    assert people(show="ready") == [late]
    assert set(people(show="missing")) == {early, never}
    page = client.get(with_query(roster_url(program_year), sort="-training_days")).content.decode()
    assert "2.0" in page  # 12 hours: two training days, worked out for the page's rows


ROSTER_QUERIES = 16


def test_the_roster_makes_the_same_queries_for_55_and_165_people(
    client, program_year, staff_user, django_assert_num_queries
):
    confirmation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    _mentees(program_year, staff_user, 55)
    client.force_login(staff_user)
    url = with_query(roster_url(program_year), sort="-acknowledgement")
    client.get(url)
    with django_assert_num_queries(ROSTER_QUERIES):
        assert client.get(url).status_code == 200
    _mentees(program_year, staff_user, 110, region=3)
    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(url)
    assert "Showing 1–50 of 165" in response.content.decode()


def test_only_staff_open_or_download_the_roster(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, with_leader=True)
    for user in (pair.coach.user, pair.mentee.user, pair.leader.user, UserFactory()):
        client.force_login(user)
        assert client.get(with_query(roster_url(program_year), page=2, show="missing")).status_code == 403
        assert client.get(with_query(roster_url(program_year), _export="csv")).status_code == 403


# --- attendance sheets -------------------------------------------------------------------------------


def test_a_statewide_sheet_lists_a_coach_who_also_leads_a_pair_as_a_coach(program_year, staff_user):
    first = active_pair(program_year, staff_user, with_leader=True)
    second = active_pair(program_year, staff_user, region=2)
    Pair.objects.filter(pk=second.pk).update(leader=first.coach)
    ParticipationFactory(person=first.mentee, program_year=program_year, role=ProgramRole.MENTEE)
    event = TrainingEvent.objects.create(
        program_year=program_year,
        kind="orientation",
        audience="everyone",
        title="O",
        held_on=program_year.starts_on,
        hours=6,
        created_by=staff_user,
    )
    listed_as = {person.pk: label for person, label in participation.expected_attendees(event)}
    assert listed_as == {
        first.coach.pk: "Coach",
        second.coach.pk: "Coach",
        first.leader.pk: "Leader",
        first.mentee.pk: "Mentee",
    }
    plc = TrainingEvent.objects.create(
        program_year=program_year,
        kind="plc",
        title="P",
        held_on=program_year.starts_on,
        hours=1,
        region=Region.objects.get(number=2),
        created_by=staff_user,
    )
    # the region's pair only: its coach, and its leader (a coach elsewhere, but not in this region)
    assert {p.pk: label for p, label in participation.expected_attendees(plc)} == {
        second.coach.pk: "Coach",
        first.coach.pk: "Leader",
    }


def test_backdate_keeps_report_rows_out(program_year, staff_user):
    """(a guard for the tests above: ``backdate`` leaves a pair without report rows)"""
    pair = backdate(active_pair(program_year, staff_user), TODAY() - 45 * DAY)
    assert not pair.reports.exists()
