"""My work panels and navigation for observations and analytics."""

from django.http import HttpRequest
from django.utils import timezone

from pac import my_work, navigation, versioned
from pac.models import ProgramYear
from pac.selectors import advisory_panel_year_ids, is_on_advisory_panel
from pairings.models import Pair

from . import selectors
from .models import Observation, ScheduledObservation


@my_work.register
def observations_panel(request: HttpRequest) -> my_work.Panel | None:
    """A CLASS observer's scheduled observations still to record."""
    person = getattr(request.user, "person", None)
    if person is None or not request.user.has_perm("evaluation.record_observation"):
        return None
    open_ = selectors.observer_assignments(person)
    # the first 20 chosen by index before their columns are joined (not after joining all of them)
    assignments = list(open_.filter(pk__in=open_.values("pk")[:20]))
    if not assignments:
        return None
    selectors.with_small_tables(assignments, tools=False)
    today = timezone.localdate()
    return my_work.Panel(
        title="CLASS observations to record",
        template="evaluation/panels/observations.html",
        context={
            "assignments": assignments,
            "overdue": sum(1 for s in assignments if s.due_by < today),
            "today": today,
        },
        order=12,
    )


@my_work.register
def staff_observations_panel(request: HttpRequest) -> my_work.Panel | None:
    """Staff: the year's overdue and unscheduled CLASS observations (the schedule's counts, one
    aggregate query)."""
    if not request.user.has_perm("evaluation.schedule_observations"):
        return None
    year = ProgramYear.objects.current()
    counts = (
        versioned.figures(  # the whole year's pairs and observations: counted once per change of them
            "evaluation.schedule_counts",
            [Pair, Observation, ScheduledObservation],
            lambda: selectors.schedule_counts(selectors.schedule_pairs(year)),
            scope=year.pk,
        )
        if year
        else {}
    )
    return my_work.Panel(
        title="CLASS observations",
        template="evaluation/panels/staff_observations.html",
        context={"year": year, **counts},
        order=23,
    )


navigation.register(
    navigation.NavItem(
        "Observations",
        "evaluation:observations",
        order=50,
        permission="evaluation.record_observation",
        group=navigation.EVALUATION,
    )
)
navigation.register(
    navigation.NavItem(
        "Observation schedule",
        "evaluation:schedule",
        order=51,
        permission="evaluation.schedule_observations",
        group=navigation.EVALUATION,
    )
)
navigation.register(
    navigation.NavItem(
        "CLASS growth",
        "evaluation:cohort",
        order=52,
        permission="evaluation.view_cohort_analytics",
        group=navigation.EVALUATION,
    )
)
navigation.register(
    navigation.NavItem(
        "Research data",
        "evaluation:exports",
        order=53,
        permission="evaluation.export_deidentified",
        group=navigation.EVALUATION,
    )
)


@my_work.register
def coach_reviews_panel(request: HttpRequest) -> my_work.Panel | None:
    """Advisory Panel members: open six-month reviews still waiting for their recommendation."""
    from .models import CoachReview

    years = advisory_panel_year_ids(request.user)
    if not years:
        return None
    waiting = list(
        CoachReview.objects.filter(decision="", program_year_id__in=years)
        .exclude(recommendations__member=request.user)
        .exclude(coach__user=request.user)  # recused from their own review
        .select_related("coach")
        .distinct()
        .order_by("due_on")[:10]
    )
    if not waiting:
        return None
    return my_work.Panel(
        title="Coach reviews awaiting your recommendation",
        template="evaluation/panels/coach_reviews.html",
        context={"reviews": waiting},
        order=13,
    )


navigation.register(
    navigation.NavItem(
        "Coach reviews",
        "evaluation:coach_reviews",
        order=54,
        check=lambda r: r.user.has_perm("pac.access_staff_pages") or is_on_advisory_panel(r.user),
        group=navigation.EVALUATION,
    )
)


@my_work.register
def second_year_panel(request: HttpRequest) -> my_work.Panel | None:
    """A coach's own six-month review decision and what it has done: their second year (the
    renewed MOU, pairing) or the end of their role. The review page itself stays the panel's."""
    from . import second_year

    progress = second_year.coach_progress(request.user)
    if progress is None:
        return None
    return my_work.Panel(
        title="Your second year" if progress.outcome.decision == "continue" else "Your six-month review",
        template="evaluation/panels/second_year.html",
        context={"progress": progress, "outcome": progress.outcome, "review": progress.review},
        order=11,
    )


@my_work.register
def staff_second_year_panel(request: HttpRequest) -> my_work.Panel | None:
    """Staff: decisions waiting for a program year, renewed MOUs not yet signed, problems."""
    if not request.user.has_perm("evaluation.manage_second_year"):
        return None
    from . import second_year

    counts = second_year.staff_counts()
    if not any(counts.values()):
        return None
    return my_work.Panel(
        title="Second year", template="evaluation/panels/staff_second_year.html", context=counts, order=24
    )
