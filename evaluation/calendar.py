"""What evaluation puts in a person's calendar feed (``pac.calendar``): CLASS observations.

- **Recorded observations**, on the day they were made, for whoever may open them
  (``evaluation.view_observation``): the pair's coach, Mentee or MA and leader, the observer and
  whoever recorded it. The feed names the tool, the time point and the classroom, never the scores.
- **Scheduled observations not yet recorded**, as the window staff set (from the day it opens to the
  day it is due), for the pair's members and the observer assigned to it; the observer's event links
  to the recording form. Staff's scheduling note stays on the schedule page.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from coaching.models import PlanEducator
from pac import calendar
from pac.links import absolute_url
from pairings.models import Pair, member_of

from .models import Observation, ScheduledObservation
from .selectors import ANALYSED_STATUSES

HIDDEN_PAIRS = (Pair.Status.PROPOSED, Pair.Status.DISCARDED)


def _pair_member(user) -> Q:
    return member_of(user, "pair__")


@calendar.register_source
def observations(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
    """One query (observations_visible_to's rule, for this person's own observations)."""
    rows = (
        Observation.objects.filter(
            (_pair_member(user) & ~Q(pair__status__in=HIDDEN_PAIRS)) | Q(recorded_by=user) | Q(observer__user=user),
            observed_on__range=(window.start, window.end),
        )
        .select_related("instrument", "observee", "observer", "plan_educator")
        .order_by("observed_on", "pk")
    )
    events = []
    for observation in rows:
        place = observation.plan_educator.name if observation.plan_educator_id else observation.classroom
        description = f"{observation.instrument.name}, observed by {observation.observer.full_name}."
        if place:
            description += f" Classroom: {place}."
        events.append(
            calendar.CalendarEvent(
                uid=calendar.event_uid("observation", observation.pk),
                summary=f"CLASS observation, {observation.get_time_point_display()}: {observation.observee.full_name}",
                start=observation.observed_on,
                description=description,
                url=absolute_url(reverse("evaluation:observation", args=[observation.pk])),
                categories=("CLASS observation",),
            )
        )
    return events


@calendar.register_source
def scheduled_observations(user, window: calendar.Window) -> list[calendar.CalendarEvent]:
    """One query."""
    recorded = Observation.objects.filter(pair=OuterRef("pair"), time_point=OuterRef("time_point"))
    rows = (
        ScheduledObservation.objects.filter(_pair_member(user) | Q(observer__user=user))
        .filter(pair__status__in=ANALYSED_STATUSES, due_by__gte=window.start, window_opens__lte=window.end)
        .annotate(done=Exists(recorded))
        .filter(done=False)
        .annotate(
            plan_educator_name=Subquery(  # an MA's observation is in the plan's educator's classroom
                PlanEducator.objects.filter(pair=OuterRef("pair"), replaced_at__isnull=True).values("name")[:1]
            )
        )
        .select_related(
            "pair__mentee", "observer", "pair__pre_post_cycle__instrument", "pair__pre_post_cycle__second_instrument"
        )
        .order_by("window_opens", "pk")
    )
    events = []
    for scheduled in rows:
        observer = scheduled.observer
        if observer is not None and observer.user_id == user.pk:
            url = reverse("evaluation:observation_new") + f"?schedule={scheduled.pk}"
        else:
            url = reverse("evaluation:pair_growth", args=[scheduled.pair_id])
        description = (
            f"To be observed between {scheduled.window_opens:%B %-d} and {scheduled.due_by:%B %-d, %Y}"
            + (f" by {observer.full_name}" if observer else "")
            + (f", on {cycle.tools_label}" if (cycle := getattr(scheduled.pair, "pre_post_cycle", None)) else "")
            + "."
        )
        place = scheduled.plan_educator_name or scheduled.classroom
        if place:
            description += f" Classroom: {place}."
        events.append(
            calendar.CalendarEvent(
                uid=calendar.event_uid("observation-window", scheduled.pk),
                summary=(
                    f"CLASS observation window, {scheduled.get_time_point_display()}: {scheduled.pair.mentee.full_name}"
                ),
                start=scheduled.window_opens,
                end=scheduled.due_by + datetime.timedelta(days=1),
                description=description,
                url=absolute_url(url),
                busy=False,
                categories=("CLASS observation",),
            )
        )
    return events
