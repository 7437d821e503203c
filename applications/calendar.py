"""What applications put in a person's calendar feed (``pac.calendar``): Tier 3 interviews.

- An applicant sees their booked interview (the same event, UID and sequence, as the emailed
  invitation).
- A panel member sees the interviews they sit on: a booked one by its application's reference and
  role (never the applicant's name or answers), an open slot as "to be confirmed".
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse

from pac import calendar
from pac.links import absolute_url

from .ics import interview_event
from .models import InterviewSlot


@calendar.register_source
def interviews(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
    """One query."""
    start = datetime.datetime.combine(window.start, datetime.time.min, tzinfo=datetime.UTC)
    end = datetime.datetime.combine(window.end, datetime.time.max, tzinfo=datetime.UTC)
    slots = (
        InterviewSlot.objects.filter(Q(panel=user) | Q(application__applicant__user=user))
        .filter(starts_at__range=(start, end))
        .select_related("application__applicant")
        .distinct()
    )
    events = []
    for slot in slots:
        application = slot.application
        if application is not None and application.applicant.user_id == user.pk:
            events.append(interview_event(slot=slot, application=application))
        elif application is not None:
            events.append(interview_event(slot=slot, application=application, for_panel=True))
        else:
            events.append(
                calendar.CalendarEvent(
                    uid=calendar.event_uid("interview-slot", slot.pk),
                    summary="PAC Tier 3 interview slot (not booked yet)",
                    start=slot.starts_at,
                    end=slot.ends_at,
                    location=slot.where,
                    description="An interview time you are on the panel of; no applicant has booked it yet.",
                    url=absolute_url(reverse("applications:reviews")),
                    status="TENTATIVE",
                )
            )
    return events
