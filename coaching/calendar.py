"""What coaching puts in a person's calendar feed (``pac.calendar``).

- **Meetings** a person took part in, for the pair's coach (all of them), its Mentee (those the
  Mentee was at) and its leader (leader check-ins and meetings they joined); withdrawn meetings and
  proposed or discarded pairs are left out. A meeting is logged with its day, not its hour, so it
  is an all-day event; the feed shows its purpose, modality and length, never its notes.
- **30-day report due dates**, for the coach who files them (reports are the coach's reports to
  EEC; ``coaching.view_report``), with each report's status.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from pac import calendar
from pac.links import absolute_url
from pairings.models import Pair

from . import schedule
from .models import Meeting, ThirtyDayReport

HIDDEN_PAIRS = (Pair.Status.PROPOSED, Pair.Status.DISCARDED)


@calendar.register_source
def meetings(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
    """One query."""
    leader_meeting = Q(leader_present=True) | Q(purpose=Meeting.Purpose.LEADER_CHECK_IN)
    mine = (
        Q(pair__coach__user=user)
        | Q(pair__mentee__user=user, mentee_present=True)
        | (Q(pair__leader__user=user) & leader_meeting)
    )
    rows = (
        Meeting.objects.held()
        .filter(mine, held_on__range=(window.start, window.end))
        .exclude(pair__status__in=HIDDEN_PAIRS)
        .select_related("pair__coach", "pair__mentee", "pair__leader")
        .order_by("held_on", "pk")
    )
    events = []
    for meeting in rows:
        pair = meeting.pair
        if pair.coach.user_id == user.pk:
            others = pair.mentee.full_name
        elif pair.mentee.user_id == user.pk:
            others = pair.coach.full_name
        else:
            others = f"{pair.coach.full_name} and {pair.mentee.full_name}"
        who = [
            w
            for w, present in (("the Mentee", meeting.mentee_present), ("the leader", meeting.leader_present))
            if present
        ]
        description = f"{meeting.get_modality_display()}, {meeting.duration_minutes} minutes."
        if who:
            description += f" With {' and '.join(who)}."
        events.append(
            calendar.CalendarEvent(
                uid=calendar.event_uid("meeting", meeting.pk),
                summary=(
                    f"Leader check-in with {others}"
                    if meeting.purpose == Meeting.Purpose.LEADER_CHECK_IN
                    else f"Coaching meeting with {others}: {meeting.get_purpose_display().lower()}"
                ),
                start=meeting.held_on,
                description=description,
                url=absolute_url(reverse("coaching:workspace", args=[pair.pk])),
                categories=("Coaching meeting",),
            )
        )
    return events


@calendar.register_source
def report_due_dates(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
    """The due date of every 30-day report of the pairs ``user`` coaches (within the pair's program
    year). Two queries."""
    pairs = list(
        Pair.objects.filter(coach__user=user, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED])
        .filter(started_on__isnull=False, started_on__lte=window.end)
        .select_related("mentee", "program_year")
        .order_by("started_on", "pk")
    )
    reports = {
        (r.pair_id, r.period): r
        for r in ThirtyDayReport.objects.filter(pair__in=[p.pk for p in pairs]).only(
            "pk", "pair_id", "period", "status", "submitted_at"
        )
    }
    events = []
    for pair in pairs:
        # a pair's reports run to its end, or to the end of its program year while it is active
        until = min(window.end, pair.program_year.ends_on)
        for period in schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=until):
            if not window.holds(period.due_on):
                continue
            report = reports.get((pair.pk, period.number))
            status = report.get_status_display() if report else ThirtyDayReport.Status.DRAFT.label
            if report:
                url = reverse("coaching:report", args=[report.pk])
            else:
                url = reverse("coaching:report_for_period", args=[pair.pk, period.number])
            events.append(
                calendar.CalendarEvent(
                    uid=calendar.event_uid("report-due", pair.pk, period.number),
                    summary=f"30-day report {period.number} due ({pair.mentee.full_name})",
                    start=period.due_on,
                    description=(f"For {period.start:%B %-d} to {period.end:%B %-d, %Y}. Status: {status}."),
                    url=absolute_url(url),
                    busy=False,
                    categories=("30-day report",),
                )
            )
    return events
