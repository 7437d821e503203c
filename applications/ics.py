"""The calendar event of a Tier 3 interview, for invitations and for the calendar feed.

An application has one interview event, whatever slot it is in: UID ``pac-interview-<application
id>@<site host>``. Booking sends it (METHOD:REQUEST); moving it to another slot or changing the
slot's time, place or panel sends it again with a higher SEQUENCE, so the calendar program moves
the event it already has; withdrawing or cancelling sends METHOD:CANCEL. The sequence is kept on
the application (``Application.interview_sequence``). The .ics itself is written by icalendar
(``pac.calendar``).

The applicant's copy names the applicant as its attendee; the panel's copy names the panel. Neither
sees the other's email addresses.
"""

from __future__ import annotations

from django.urls import reverse

from pac.calendar import CANCEL, REQUEST, Attendee, CalendarEvent, event_uid, invitation_ics
from pac.links import absolute_url

__all__ = ["CANCEL", "REQUEST", "interview_event", "interview_ics", "interview_uid"]


def interview_uid(application) -> str:
    return event_uid("interview", application.pk)


def interview_event(*, slot, application, for_panel: bool = False, cancelled: bool = False) -> CalendarEvent:
    role = application.get_role_display()
    if for_panel:
        summary = f"PAC Tier 3 interview: {application.reference} ({role})"
        description = f"Tier 3 interview panel for {role} application {application.reference}."
        url = absolute_url(reverse("applications:reviews"))
    else:
        summary = f"PAC interview ({role})"
        description = f"PAC Tier 3 interview for application {application.reference} ({role})."
        url = absolute_url(reverse("applications:detail", args=[application.reference]))
    if slot.video_link:
        description += f" Join: {slot.video_link}"
    return CalendarEvent(
        uid=interview_uid(application),
        summary=summary,
        start=slot.starts_at,
        end=slot.ends_at,
        description=description,
        location=slot.location or slot.video_link or "To be confirmed",
        url=url,
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=application.interview_sequence,
    )


def interview_ics(*, slot, application, attendees: list[Attendee], method: str = REQUEST, for_panel: bool = False):
    """The .ics of an invitation (REQUEST) or cancellation (CANCEL), at the application's current sequence."""
    event = interview_event(slot=slot, application=application, for_panel=for_panel, cancelled=method == CANCEL)
    return invitation_ics(event, method=method, attendees=attendees)
