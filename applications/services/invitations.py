"""Calendar invitations for Tier 3 interviews: who is sent what when an interview is booked, moved,
changed or cancelled (the event itself is in ``applications/ics.py``).

Each step raises the application's ``interview_sequence`` by one and queues its emails in the
caller's transaction (``pac.services.email_queue``), so an invitation goes out exactly when the
booking it describes is saved. Every email has an idempotency key made of the application and the
sequence: a retried step never sends one twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from pac.calendar import Attendee
from pac.links import absolute_url
from pac.models import User

from ..ics import CANCEL, REQUEST, interview_ics
from ..models import Application, InterviewSlot
from .common import _notify

FILENAME = "pac-interview.ics"


def _next_sequence(application: Application) -> int:
    """The caller holds the application's row lock (``_lock``)."""
    application.interview_sequence += 1
    application.save(update_fields=["interview_sequence", "updated_at"])
    return application.interview_sequence


def _applicant(application: Application) -> Attendee:
    return Attendee(application.applicant.email, application.applicant.full_name)


def _people(users: Iterable[User]) -> list[Attendee]:
    return [Attendee(u.email, u.full_name) for u in sorted(users, key=lambda u: u.pk)]


def _attachment(slot, application, attendees, *, method: str, for_panel: bool):
    content = interview_ics(slot=slot, application=application, attendees=attendees, method=method, for_panel=for_panel)
    return [(FILENAME, content, "text/calendar")]


def interview_invitations_send(
    *,
    application: Application,
    slot: InterviewSlot,
    panel: list[User],
    moved_from: InterviewSlot | None = None,
    dropped: Iterable[User] = (),
    changed: bool = False,
) -> int:
    """Invite the applicant and the panel to the interview in ``slot`` (a new sequence). ``moved_from``
    is the slot the interview was in before (a rebooking); ``dropped`` are panel members who are no
    longer on it, and are sent a cancellation. Returns the sequence sent."""
    sequence = _next_sequence(application)
    update = moved_from is not None or changed
    context = {"application": application, "slot": slot, "moved_from": moved_from, "changed": changed}
    _notify(
        "interview_booked",
        to=[application.applicant.email],
        context={**context, "subject_lead": "Your PAC interview has changed" if update else "Your PAC interview"},
        key=f"application:{application.pk}:interview:{sequence}:applicant",
        attachments=_attachment(slot, application, [_applicant(application)], method=REQUEST, for_panel=False),
    )
    if panel:
        _notify(
            "interview_panel_booked",
            to=[u.email for u in panel],
            context={
                **context,
                "subject_lead": "PAC interview changed" if update else "PAC interview panel",
                "url": absolute_url(reverse("applications:reviews")),
            },
            key=f"application:{application.pk}:interview:{sequence}:panel",
            attachments=_attachment(slot, application, _people(panel), method=REQUEST, for_panel=True),
        )
    dropped = [u for u in dropped if u.pk not in {p.pk for p in panel}]
    if dropped:
        _notify(
            "interview_panel_cancelled",
            to=[u.email for u in dropped],
            context={"application": application, "slot": moved_from or slot, "reason": "The panel has changed."},
            key=f"application:{application.pk}:interview:{sequence}:dropped",
            attachments=_attachment(moved_from or slot, application, _people(dropped), method=CANCEL, for_panel=True),
        )
    return sequence


def interview_cancellations_send(
    *, application: Application, slot: InterviewSlot, reason: str, pick_again: bool
) -> int:
    """Tell the applicant and the panel that the interview in ``slot`` is off (METHOD:CANCEL, a new
    sequence). With ``pick_again`` the applicant is asked to choose another time. Returns the sequence."""
    sequence = _next_sequence(application)
    panel = [u for u in slot.panel.all() if u.pk != application.applicant.user_id]
    context = {
        "application": application,
        "slot": slot,
        "reason": reason,
        "pick_again": pick_again,
        "url": absolute_url(reverse("applications:interview_pick", args=[application.reference])),
    }
    _notify(
        "interview_cancelled",
        to=[application.applicant.email],
        context=context,
        key=f"application:{application.pk}:interview:{sequence}:applicant",
        attachments=_attachment(slot, application, [_applicant(application)], method=CANCEL, for_panel=False),
    )
    if panel:
        _notify(
            "interview_panel_cancelled",
            to=[u.email for u in panel],
            context=context,
            key=f"application:{application.pk}:interview:{sequence}:panel",
            attachments=_attachment(slot, application, _people(panel), method=CANCEL, for_panel=True),
        )
    return sequence
