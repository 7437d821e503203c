"""Calendars: invitations emailed as .ics files, and each person's private calendar feed.

Both are written by the ``icalendar`` library (RFC 5545: escaping, line folding, dates and
times), never by hand.

**Invitations** (``invitation_ics``): one event with a stable UID, the SEQUENCE the sender keeps on
its row, and METHOD:REQUEST (new or changed) or METHOD:CANCEL with STATUS:CANCELLED. A calendar
program that has the event moves or removes it when a later sequence arrives.

**The feed** (``feed_ics``, served by ``pac.calendar_views``): the events of every registered source
for one person. PAC's apps are layers (pac <- applications <- pairings <- coaching <- evaluation),
so pac cannot ask a later app for its meetings; each app registers a source from its own
``calendar`` module instead (its AppConfig imports it), as ``pac.annotations`` and ``pac.my_work`` do::

    from pac import calendar

    @calendar.register_source
    def meetings(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
        ...

A source returns only what that person may see (the app's own rules), never free text written
about someone (notes, answers, scores), and runs a fixed number of queries whatever the number of
events (the feed's query count is tested at two sizes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vDuration

PRODID = "-//Massachusetts EEC//PAC//EN"
# a subscribed feed is fetched again after this long (REFRESH-INTERVAL and X-PUBLISHED-TTL)
FEED_REFRESH = datetime.timedelta(hours=1)
# the feed holds what happened in the past year and what is planned for the year ahead
FEED_PAST = datetime.timedelta(days=365)
FEED_AHEAD = datetime.timedelta(days=365)

REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Window:
    """The days a feed covers; sources leave out what falls outside it."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def around(cls, today: datetime.date | None = None) -> Window:
        today = today or timezone.localdate()
        return cls(today - FEED_PAST, today + FEED_AHEAD)

    def holds(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """One event. ``start``/``end`` are aware datetimes (written in UTC) or dates (all-day; ``end``
    is the first day after, as RFC 5545 counts it: None means a one-day event)."""

    uid: str
    summary: str
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    sequence: int = 0
    busy: bool = True  # False for a deadline or a window: it does not block the person's time
    categories: tuple[str, ...] = ()

    @property
    def day(self) -> datetime.date:
        """The (local) day it starts."""
        if isinstance(self.start, datetime.datetime):
            return timezone.localdate(self.start)
        return self.start

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime.datetime)

    @property
    def last_day(self) -> datetime.date:
        """The (local) day it ends: for an all-day event, the day before ``end``."""
        if self.end is None:
            return self.day
        if isinstance(self.end, datetime.datetime):
            return timezone.localdate(self.end)
        return max(self.day, self.end - datetime.timedelta(days=1))

    @property
    def sort_key(self) -> tuple:
        start = self.start
        if not isinstance(start, datetime.datetime):
            start = datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_current_timezone())
        return (start.astimezone(datetime.UTC), self.uid)


def uid_domain() -> str:
    """The right-hand part of PAC's UIDs: the site's host (fixed in production by PAC_BASE_URL), so a
    UID stays the same whichever request or worker writes it."""
    return urlsplit(settings.PAC_BASE_URL or "").hostname or "pac.invalid"


def event_uid(kind: str, *parts: object) -> str:
    """A stable UID: ``pac-<kind>-<parts>@<site host>`` (``event_uid("interview", 12)``)."""
    return "-".join(["pac", kind, *(str(p) for p in parts)]) + "@" + uid_domain()


def organizer() -> vCalAddress:
    """Invitations come from EEC's PAC staff (their address is where a reply would go)."""
    return vCalAddress.new(settings.PAC_CONTACT_EMAIL, cn="PAC, Massachusetts EEC")


def _utc(moment):
    if isinstance(moment, datetime.datetime):
        if timezone.is_naive(moment):
            raise ValueError("calendar times must be timezone-aware")
        return moment.astimezone(datetime.UTC)
    return moment


def _vevent(event: CalendarEvent, *, stamp: datetime.datetime, private: bool) -> Event:
    start = _utc(event.start)
    end = _utc(event.end)
    if end is None and not isinstance(start, datetime.datetime):
        end = start + datetime.timedelta(days=1)
    vevent = Event.new(
        uid=event.uid,
        stamp=stamp,
        start=start,
        end=end,
        summary=event.summary,
        description=event.description or None,
        location=event.location or None,
        url=event.url or None,
        status=event.status,
        sequence=event.sequence,
        transparency="OPAQUE" if event.busy else "TRANSPARENT",
        categories=list(event.categories),
        classification="PRIVATE" if private else None,
    )
    return vevent


def invitation_ics(event: CalendarEvent, *, method: str, attendees: Iterable[Attendee]) -> bytes:
    """An invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL, STATUS:CANCELLED) for
    ``attendees``. The caller keeps ``event.sequence``: one more on every change."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    if method == CANCEL and event.status != "CANCELLED":
        event = CalendarEvent(**{**event.__dict__, "status": "CANCELLED"})
    calendar = Calendar.new(prodid=PRODID, method=method)
    calendar.pop("UID", None)  # an invitation is one event, not a calendar of its own
    vevent = _vevent(event, stamp=timezone.now(), private=False)
    vevent.organizer = organizer()
    vevent.attendees = [
        vCalAddress.new(
            a.email,
            cn=a.name or None,
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION" if method == REQUEST else None,
            rsvp=False,
        )
        for a in attendees
    ]
    calendar.add_component(vevent)
    return calendar.to_ical()


def feed_ics(events: Iterable[CalendarEvent], *, name: str) -> bytes:
    """A subscribed calendar (no METHOD, as RFC 5545 has it for a published snapshot)."""
    calendar = Calendar.new(prodid=PRODID, name=name, refresh_interval=FEED_REFRESH)
    calendar.pop("UID", None)
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    stamp = timezone.now()
    for event in sorted(events, key=lambda e: e.sort_key):
        calendar.add_component(_vevent(event, stamp=stamp, private=True))
    return calendar.to_ical()


# --- the feed's sources --------------------------------------------------------------------------

Source = Callable[..., Iterable[CalendarEvent]]
_sources: list[Source] = []


def register_source(source: Source) -> Source:
    """Add ``source(user, window)`` to every person's feed (idempotent)."""
    if source not in _sources:
        _sources.append(source)
    return source


def events_for(user, window: Window | None = None) -> list[CalendarEvent]:
    """Everything in ``user``'s feed, from every registered source."""
    window = window or Window.around()
    events: list[CalendarEvent] = []
    for source in _sources:
        events.extend(source(user, window))
    return sorted(events, key=lambda e: e.sort_key)
