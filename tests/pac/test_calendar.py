"""pac.calendar: invitations and feeds written by icalendar, read back by icalendar."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from pac import calendar
from pac.calendar import Attendee, CalendarEvent

EASTERN = zoneinfo.ZoneInfo("America/New_York")


def _event(**kw) -> CalendarEvent:
    fields = {
        "uid": "pac-test-1@pac.invalid",
        "summary": "Interview; room 2, floor 3 — Zoë's \\ panel",
        "start": datetime.datetime(2026, 3, 9, 10, 30, tzinfo=EASTERN),
        "end": datetime.datetime(2026, 3, 9, 11, 15, tzinfo=EASTERN),
        "description": "Line one\nLine two, with commas; and semicolons. " + "é" * 80,
        "location": "12 Main St, Springfield, MA",
        "sequence": 3,
    }
    fields.update(kw)
    return CalendarEvent(**fields)


def test_an_invitation_round_trips_through_icalendar(settings):
    settings.PAC_CONTACT_EMAIL = "pac@eec.example.org"
    raw = calendar.invitation_ics(_event(), method=calendar.REQUEST, attendees=[Attendee("ann@example.org", "Ann Lee")])
    parsed = Calendar.from_ical(raw)
    assert parsed["METHOD"] == "REQUEST" and parsed["VERSION"] == "2.0"
    [event] = parsed.events
    assert event["UID"] == "pac-test-1@pac.invalid"
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    # times are written in UTC: the same instant, unambiguous in every calendar program
    assert event.start == datetime.datetime(2026, 3, 9, 14, 30, tzinfo=datetime.UTC)
    assert b"DTSTART:20260309T143000Z" in raw
    assert event.end - event.start == datetime.timedelta(minutes=45)
    assert str(event["SUMMARY"]) == "Interview; room 2, floor 3 — Zoë's \\ panel"  # escaped and unescaped
    assert str(event["DESCRIPTION"]).startswith("Line one\nLine two, with commas; and semicolons.")
    assert [str(a) for a in event.attendees] == ["mailto:ann@example.org"]
    assert event.attendees[0].params["CN"] == "Ann Lee"
    assert str(event["ORGANIZER"]) == "mailto:pac@eec.example.org"
    # RFC 5545 folds lines at 75 octets (multi-byte characters are never split)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")


def test_a_cancellation_is_method_cancel_with_status_cancelled():
    raw = calendar.invitation_ics(_event(sequence=4), method=calendar.CANCEL, attendees=[Attendee("a@example.org")])
    parsed = Calendar.from_ical(raw)
    assert parsed["METHOD"] == "CANCEL"
    [event] = parsed.events
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 4)
    assert "PARTSTAT" not in event.attendees[0].params


def test_an_unknown_method_and_a_naive_time_are_refused():
    with pytest.raises(ValueError, match="unknown iTIP method"):
        calendar.invitation_ics(_event(), method="PUBLISH", attendees=[])
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.feed_ics([_event(start=datetime.datetime(2026, 3, 9, 10, 30), end=None)], name="PAC")


def test_a_feed_is_a_published_calendar_of_private_events_in_order():
    day = CalendarEvent(uid="d@x", summary="Report due", start=datetime.date(2026, 3, 10), busy=False)
    window = CalendarEvent(
        uid="w@x", summary="Window", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 8), busy=False
    )
    raw = calendar.feed_ics([day, _event(), window], name="PAC")
    parsed = Calendar.from_ical(raw)
    assert "METHOD" not in parsed
    assert parsed.calendar_name == "PAC"
    assert parsed.refresh_interval == datetime.timedelta(hours=1)
    assert [str(e["UID"]) for e in parsed.events] == ["w@x", "pac-test-1@pac.invalid", "d@x"]
    due = parsed.events[2]
    assert due.start == datetime.date(2026, 3, 10) and due.end == datetime.date(2026, 3, 11)  # one whole day
    assert due["TRANSP"] == "TRANSPARENT"  # a deadline does not block the person's time
    assert all(e["CLASS"] == "PRIVATE" for e in parsed.events)


def test_uids_are_stable_and_name_the_site(settings):
    settings.PAC_BASE_URL = "https://pac.eec.example.org/"
    assert calendar.event_uid("interview", 12) == "pac-interview-12@pac.eec.example.org"
    settings.PAC_BASE_URL = ""
    assert calendar.event_uid("report-due", 3, 2) == "pac-report-due-3-2@pac.invalid"


def test_sources_are_registered_once_and_asked_in_turn():
    calls = []

    def source(user, window):
        calls.append((user, window))
        return [CalendarEvent(uid="s@x", summary="From a source", start=datetime.date(2026, 1, 5))]

    before = list(calendar._sources)
    calendar._sources.clear()  # only this source: the apps' own read the database
    try:
        calendar.register_source(source)
        calendar.register_source(source)
        assert calendar._sources.count(source) == 1
        window = calendar.Window(datetime.date(2026, 1, 1), datetime.date(2026, 2, 1))
        events = calendar.events_for("someone", window)
        assert [e.uid for e in events] == ["s@x"]
        assert calls == [("someone", window)]
    finally:
        calendar._sources[:] = before
