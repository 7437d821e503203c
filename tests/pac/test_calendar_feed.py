"""The private calendar feed: its address (made, shown once, replaced, stopped), what it holds for
each role (the apps' sources through pac.calendar), its refusals, and its query budget."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from applications import services as application_services
from coaching.models import Meeting, ThirtyDayReport
from evaluation import services as evaluation_services
from evaluation.models import Instrument
from pac.calendar_feeds import calendar_feed_create, calendar_feed_revoke, calendar_feed_user
from pac.calendar_models import CalendarFeed
from pac.calendar_views import SESSION_KEY
from pac.workflow import hash_token
from pairings import services as pairing
from pairings.models import Pair
from tests.applications.factories import InterviewSlotFactory
from tests.applications.test_services import make_interview
from tests.coaching.factories import active_pair, meeting
from tests.evaluation.factories import certified_observer, record
from tests.factories import UserFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db

SECRET = "Talked about her divorce"  # free text that must never reach a calendar


def feed_url(token: str) -> str:
    return reverse("pac:calendar_feed", args=[token])


def read_feed(client, user) -> Calendar:
    token = calendar_feed_create(user=user)
    response = client.get(feed_url(token))
    assert response.status_code == 200, response.status_code
    assert SECRET.encode() not in response.content
    return Calendar.from_ical(response.content)


def summaries(cal: Calendar) -> list[str]:
    return [str(e["SUMMARY"]) for e in cal.events]


def uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.events}


@pytest.fixture
def world(program_year, staff_user):
    today = timezone.localdate()
    # a year that started two months ago and ends in seven, whenever the test runs
    type(program_year).objects.filter(pk=program_year.pk).update(
        starts_on=today - datetime.timedelta(days=60), ends_on=today + datetime.timedelta(days=210)
    )
    program_year.refresh_from_db()
    pair = active_pair(program_year, staff_user, with_leader=True, started_on=today - datetime.timedelta(days=45))
    other = active_pair(program_year, staff_user, started_on=today - datetime.timedelta(days=10))
    held = meeting(pair, today - datetime.timedelta(days=3), notes=SECRET, observed=SECRET, next_steps=SECRET)
    check_in = meeting(
        pair, today - datetime.timedelta(days=2), purpose=Meeting.Purpose.LEADER_CHECK_IN, mentee_present=False
    )
    withdrawn = meeting(
        pair,
        today - datetime.timedelta(days=1),
        withdrawn_at=timezone.now(),
        withdrawn_by=pair.coach.user,
        withdrawal_reason=SECRET,
    )
    others_meeting = meeting(other, today - datetime.timedelta(days=4))
    ThirtyDayReport.objects.create(
        pair=pair,
        period=1,
        period_start=pair.started_on,
        period_end=pair.started_on + datetime.timedelta(days=29),
        due_on=pair.started_on + datetime.timedelta(days=30),
        template_id=1,
        status=ThirtyDayReport.Status.SUBMITTED,
        answers={"actions": SECRET},
    )
    observer = certified_observer("pre_k")
    observation = record(pair, "pre", 4, observer=observer, observed_on=today - datetime.timedelta(days=5))
    scheduled = evaluation_services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="post",
        window_opens=today + datetime.timedelta(days=20),
        due_by=today + datetime.timedelta(days=40),
        observer=observer,
        instrument=Instrument.objects.get(code="pre_k"),
        classroom="Preschool A",
        note=SECRET,
    )
    return {
        "pair": pair,
        "other": other,
        "held": held,
        "check_in": check_in,
        "withdrawn": withdrawn,
        "others_meeting": others_meeting,
        "observer": observer,
        "observation": observation,
        "scheduled": scheduled,
    }


def _uid(kind, *parts):
    from pac.calendar import event_uid

    return event_uid(kind, *parts)


# --- the address --------------------------------------------------------------------------------


def test_only_the_hash_is_kept_and_a_new_address_revokes_the_old(mentee):
    first = calendar_feed_create(user=mentee)
    assert len(first) == 43
    row = CalendarFeed.objects.get(user=mentee)
    assert row.token_hash == hash_token(first) and first not in str(row.__dict__)
    assert calendar_feed_user(first) == mentee
    second = calendar_feed_create(user=mentee)
    assert calendar_feed_user(first) is None and calendar_feed_user(second) == mentee
    assert CalendarFeed.objects.filter(user=mentee).count() == 2
    assert CalendarFeed.objects.active().get(user=mentee).token_hash == hash_token(second)
    assert calendar_feed_revoke(user=mentee) == 1 and calendar_feed_revoke(user=mentee) == 0
    assert calendar_feed_user(second) is None


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x",
        "not-a-token",
        "A" * 42,
        "A" * 44,
        "A" * 42 + "=",
        "A" * 42 + "\x00",
        "../" * 14 + "a",
        "Ä" * 43,
        None,
        7,
    ],
)
def test_a_token_that_is_not_one_is_never_looked_up(token, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert calendar_feed_user(token) is None


def test_the_feed_refuses_unknown_revoked_and_switched_off_addresses_alike(client, mentee):
    guessed = "A" * 43
    assert client.get(feed_url(guessed)).status_code == 404
    token = calendar_feed_create(user=mentee)
    assert client.get(feed_url(token)).status_code == 200
    assert client.get(feed_url(token[:-1] + ("B" if token[-1] != "B" else "C"))).status_code == 404
    assert client.post(feed_url(token)).status_code == 405
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert client.get(feed_url(token)).status_code == 404
    mentee.is_active = True
    mentee.save(update_fields=["is_active"])
    calendar_feed_create(user=mentee)
    assert client.get(feed_url(token)).status_code == 404  # replaced
    for bad in ("%00" + "A" * 40, "A" * 42 + "%00"):
        assert client.get(f"/calendar/{bad}.ics").status_code in (400, 404)


def test_the_feed_needs_no_session_and_is_private(client, mentee):
    token = calendar_feed_create(user=mentee)
    response = client.get(feed_url(token))  # no sign-in: a calendar program has no session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "sessionid" not in response.cookies
    cal = Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and "METHOD" not in cal
    assert client.head(feed_url(token)).status_code == 200


# --- the calendar page --------------------------------------------------------------------------


def test_the_page_shows_a_new_address_once(client, mentee):
    page = reverse("pac:calendar")
    assert client.get(page).status_code == 302  # sign-in needed for the page (not for the feed)
    client.force_login(mentee)
    html = client.get(page).content.decode()
    assert "You have no calendar address yet" in html
    assert client.get(reverse("pac:calendar_new")).status_code == 405
    response = client.post(reverse("pac:calendar_new"), follow=True)
    html = response.content.decode()
    feed = CalendarFeed.objects.active().get(user=mentee)
    [token] = [t for t in html.split("/calendar/")[1:] if t.split(".ics")[0] and ".ics" in t[:50]][:1] or [""]
    token = token.split(".ics")[0]
    assert hash_token(token) == feed.token_hash
    assert 'for="feed-url"' in html and "webcal://" in html
    assert SESSION_KEY not in client.session  # shown once: gone from the session
    again = client.get(page).content.decode()
    assert token not in again and "PAC does not show it again" in again

    response = client.post(reverse("pac:calendar_new"), follow=True)
    assert "The old address no longer works" in response.content.decode()
    assert client.get(feed_url(token)).status_code == 404
    response = client.post(reverse("pac:calendar_stop"), follow=True)
    assert "no longer works" in response.content.decode()
    assert not CalendarFeed.objects.active().filter(user=mentee).exists()
    response = client.post(reverse("pac:calendar_stop"), follow=True)  # a double submit
    assert "You have no calendar address to stop" in response.content.decode()


def test_the_profile_page_links_to_the_calendar(client, mentee):
    client.force_login(mentee)
    assert reverse("pac:calendar") in client.get(reverse("pac:profile")).content.decode()


# --- what each person sees ------------------------------------------------------------------------


def test_the_coach_sees_their_meetings_reports_and_observations(client, world):
    pair = world["pair"]
    cal = read_feed(client, pair.coach.user)
    got = uids(cal)
    assert _uid("meeting", world["held"].pk) in got
    assert _uid("meeting", world["check_in"].pk) in got
    assert _uid("meeting", world["withdrawn"].pk) not in got
    assert _uid("meeting", world["others_meeting"].pk) not in got
    assert _uid("report-due", pair.pk, 1) in got and _uid("report-due", pair.pk, 2) in got
    assert _uid("observation", world["observation"].pk) in got
    assert _uid("observation-window", world["scheduled"].pk) in got
    held = next(e for e in cal.events if str(e["UID"]) == _uid("meeting", world["held"].pk))
    assert held.start == world["held"].held_on
    assert str(held["SUMMARY"]) == f"Coaching meeting with {pair.mentee.full_name}: observation"
    assert held["CLASS"] == "PRIVATE"
    due = next(e for e in cal.events if str(e["UID"]) == _uid("report-due", pair.pk, 1))
    assert due.start == pair.started_on + datetime.timedelta(days=30) and "Status: Submitted" in str(due["DESCRIPTION"])
    assert due["TRANSP"] == "TRANSPARENT"
    window = next(e for e in cal.events if str(e["UID"]) == _uid("observation-window", world["scheduled"].pk))
    assert window.start == world["scheduled"].window_opens
    assert window.end == world["scheduled"].due_by + datetime.timedelta(days=1)
    # reports of the periods that start within the pair's program year (the last is due just after it)
    last_due = max(e.start for e in cal.events if str(e["UID"]).startswith("pac-report-due"))
    assert pair.program_year.ends_on < last_due <= pair.program_year.ends_on + datetime.timedelta(days=30)


def test_a_mentee_sees_only_their_own_pairs_meetings_and_no_reports(client, world):
    pair, other = world["pair"], world["other"]
    got = uids(read_feed(client, pair.mentee.user))
    assert _uid("meeting", world["held"].pk) in got
    assert _uid("meeting", world["check_in"].pk) not in got  # held without the Mentee
    assert _uid("meeting", world["others_meeting"].pk) not in got
    assert not any(u.startswith("pac-report-due") for u in got)  # the coach's reports to EEC
    assert _uid("observation", world["observation"].pk) in got
    assert _uid("observation-window", world["scheduled"].pk) in got
    other_got = uids(read_feed(client, other.mentee.user))
    assert other_got == {_uid("meeting", world["others_meeting"].pk)}


def test_the_leader_sees_their_check_ins_and_the_observer_their_observations(client, world):
    pair = world["pair"]
    got = uids(read_feed(client, pair.leader.user))
    assert _uid("meeting", world["check_in"].pk) in got and _uid("meeting", world["held"].pk) not in got
    assert not any(u.startswith("pac-report-due") for u in got)
    observer_cal = read_feed(client, world["observer"].user)
    assert uids(observer_cal) == {
        _uid("observation", world["observation"].pk),
        _uid("observation-window", world["scheduled"].pk),
    }
    window = next(e for e in observer_cal.events if "window" in str(e["SUMMARY"]))
    assert f"schedule={world['scheduled'].pk}" in str(window["URL"])  # the observer's link records it


def test_someone_with_no_role_has_an_empty_calendar(client, world, plain_user):
    assert read_feed(client, plain_user).events == []


def test_proposed_and_discarded_pairs_stay_out_of_the_feed(client, world):
    pair = world["pair"]
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.DISCARDED)
    got = uids(read_feed(client, pair.mentee.user))
    assert not any(u.startswith(("pac-meeting", "pac-observation")) for u in got)


def test_interviews_in_the_feed_for_the_applicant_and_the_panel(client, staff_user):
    application = make_interview(staff_user)
    panel = UserFactory.create_batch(3)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=panel)
    open_slot = InterviewSlotFactory(program_year=application.program_year, panel=panel[:1])
    application_services.slot_book(slot=slot, application=application, actor=staff_user)

    mine = read_feed(client, application.applicant.user)
    [event] = mine.events
    assert str(event["UID"]) == _uid("interview", application.pk) and event["SEQUENCE"] == 1
    assert event.start == slot.starts_at.astimezone(datetime.UTC).replace(microsecond=0)

    theirs = read_feed(client, panel[0])
    by_uid = {str(e["UID"]): e for e in theirs.events}
    assert application.reference in str(by_uid[_uid("interview", application.pk)]["SUMMARY"])
    assert application.applicant.last_name not in theirs.to_ical().decode()
    assert by_uid[_uid("interview-slot", open_slot.pk)]["STATUS"] == "TENTATIVE"
    assert _uid("interview-slot", open_slot.pk) not in uids(read_feed(client, panel[1]))


# --- query budget ---------------------------------------------------------------------------------


def _grow(world, staff_user, n: int) -> None:
    """More of everything the coach's feed reads: meetings, reports, observations, a second pair."""
    pair = world["pair"]
    today = timezone.localdate()
    for k in range(n):
        meeting(pair, today - datetime.timedelta(days=10 + k))
    ThirtyDayReport.objects.create(
        pair=pair,
        period=2,
        period_start=pair.started_on + datetime.timedelta(days=30),
        period_end=pair.started_on + datetime.timedelta(days=59),
        due_on=pair.started_on + datetime.timedelta(days=60),
        template_id=1,
    )
    record(pair, "mid", 5, observer=world["observer"], observed_on=today - datetime.timedelta(days=1))
    coach_application = pair.coach_application
    second = pairing.pair_propose(
        coach_application=coach_application,
        mentee_application=accepted("mentee", pair.program_year, region_number=1),
        actor=staff_user,
        confirm=True,
    )
    Pair.objects.filter(pk=second.pk).update(started_on=today - datetime.timedelta(days=70))
    for k in range(n):
        meeting(second, today - datetime.timedelta(days=20 + k))


def test_the_feed_reads_a_fixed_number_of_queries(client, world, staff_user, django_assert_num_queries):
    coach = world["pair"].coach.user
    token = calendar_feed_create(user=coach)
    with django_assert_num_queries(7):  # the address, interviews, meetings, pairs, reports, observations x2
        small = client.get(feed_url(token))
    _grow(world, staff_user, 6)
    with django_assert_num_queries(7):
        large = client.get(feed_url(token))
    assert len(Calendar.from_ical(large.content).events) > len(Calendar.from_ical(small.content).events) + 8


def test_staff_see_who_has_an_address_and_can_stop_one_in_the_admin(client, staff_user, mentee):
    token = calendar_feed_create(user=mentee)
    client.force_login(staff_user)
    url = reverse("admin:pac_calendarfeed_changelist")
    html = client.get(url).content.decode()
    assert str(mentee) in html and CalendarFeed.objects.get(user=mentee).token_hash not in html
    feed = CalendarFeed.objects.get(user=mentee)
    assert client.get(reverse("admin:pac_calendarfeed_change", args=[feed.pk])).status_code == 200
    response = client.post(url, {"action": "revoke", "_selected_action": [feed.pk]}, follow=True)
    assert "1 calendar address(es) stopped." in response.content.decode()
    assert calendar_feed_user(token) is None
    assert client.get(reverse("admin:pac_calendarfeed_add")).status_code == 403
