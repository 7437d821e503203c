"""Writes for evaluation. An observation is saved whole or not at all; its CLASS tool is its pair's
pre/post cycle's."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.selectors import plan_educator_current
from pac.models import Person, User
from pac.workflow import TransitionError
from pairings.models import Kind, Pair

from .models import (
    Cycle,
    CycleScore,
    Dimension,
    DimensionResult,
    DomainResult,
    Instrument,
    Observation,
    ObserverCertificate,
    PrePostCycle,
    ScheduledObservation,
)
from .scoring import DimensionSpec, ScoreError, dimension_means, domain_scores


def certificate_valid(*, observer: Person, instrument: Instrument, on: datetime.date) -> bool:
    return ObserverCertificate.objects.filter(
        observer=observer, instrument=instrument, certified_on__lte=on, expires_on__gte=on
    ).exists()


# --- the pre/post cycle ------------------------------------------------------------------------


def _check_recordable(pair: Pair) -> None:
    if pair.status not in (Pair.Status.ACTIVE, Pair.Status.ENDED):
        raise TransitionError("Observations are recorded for confirmed pairs only.")


@transaction.atomic
def pre_post_cycle_set(
    *, pair: Pair, actor: User, instrument: Instrument, second_instrument: Instrument | None = None
) -> PrePostCycle:
    """Choose the CLASS tool of a pair's pre/post cycle (two tools for a mixed-age room, whose
    observer alternates cycles between them). Choosing the same tools again changes nothing. Once
    an observation of the pair is recorded the tools are fixed: pre and post must be scored on the
    same tools to be compared."""
    _check_recordable(pair)
    if second_instrument is not None and second_instrument.pk == instrument.pk:
        raise TransitionError("Choose two different tools for a mixed-age room, or leave the second tool empty.")
    for tool in (instrument, second_instrument):
        if tool is not None and not tool.is_active:
            raise TransitionError(f"{tool.name} is no longer in use; choose another tool.")
    Pair.objects.select_for_update().filter(pk=pair.pk).first()  # one choice at a time per pair
    cycle = PrePostCycle.objects.filter(pair=pair).select_related("instrument", "second_instrument").first()
    second_id = second_instrument.pk if second_instrument is not None else None
    if cycle is not None and (cycle.instrument_id, cycle.second_instrument_id) == (instrument.pk, second_id):
        return cycle
    if cycle is not None:
        first = pair.observations.order_by("observed_on", "pk").first()
        if first is not None:
            raise TransitionError(
                f"This pair's {first.get_time_point_display().split(' (')[0].lower()} observation was recorded on "
                f"{cycle.tools_label}; every observation of its pre/post cycle uses the same tools, so that pre "
                "and post can be compared."
            )
        cycle.instrument, cycle.second_instrument, cycle.set_by = instrument, second_instrument, actor
        cycle.save()
        return cycle
    return PrePostCycle.objects.create(
        pair=pair, instrument=instrument, second_instrument=second_instrument, set_by=actor
    )


def _certificates(observer: Person, tools: list[Instrument], on: datetime.date) -> None:
    for tool in tools:
        if not certificate_valid(observer=observer, instrument=tool, on=on):
            raise TransitionError(
                f"{observer.full_name} has no {tool.name} reliability certificate valid on {on:%B %-d, %Y}."
            )


@transaction.atomic
def observation_record(
    *,
    pair: Pair,
    observee: Person,
    time_point: str,
    observed_on: datetime.date,
    observer: Person,
    recorded_by: User,
    cycles: list[dict[str, int | None]],
    classroom: str = "",
    instrument: Instrument | None = None,
) -> Observation:
    """Record a visit of a CLASS observer to the pair's classroom: every dimension scored 1–7 in
    every cycle, by an independent observer (not the pair's coach) holding a certificate for each
    tool on the day.

    The tools are the pair's pre/post cycle's. A pair with no cycle yet takes ``instrument`` as its
    cycle's tool (the first observation chooses it); a different ``instrument`` from the cycle's is
    refused, so pre and post stay comparable. In a mixed-age room cycle 1, 3 ... are scored on the
    first tool and 2, 4 ... on the second: the visit is stored as one observation per tool, each with
    its own cycles and results, and the first tool's observation is returned.

    A Mentee Administrator's observation is made in the classroom of the educator or team named in
    the MA's plan, which must be named first."""
    if time_point not in Observation.TimePoint.values:
        raise TransitionError("Choose pre, mid or post.")
    _check_recordable(pair)
    if observed_on > timezone.localdate():
        raise TransitionError("The date observed cannot be in the future.")
    if observer.pk == pair.coach_id:
        raise TransitionError("Observers must be independent: the pair's own coach cannot observe the classroom.")
    plan_educator = None
    if pair.kind == Kind.CA_MA:
        plan_educator = plan_educator_current(pair)
        if plan_educator is None:
            raise TransitionError(
                "Name the educator or classroom team in the Mentee Administrator's plan first: the observation is "
                "made in their classroom."
            )
        classroom = classroom or plan_educator.classroom
    cycle = PrePostCycle.objects.filter(pair=pair).select_related("instrument", "second_instrument").first()
    if cycle is None:
        if instrument is None:
            raise TransitionError("Choose the CLASS tool of this pair's pre/post cycle first.")
        cycle = pre_post_cycle_set(pair=pair, actor=recorded_by, instrument=instrument)
    elif instrument is not None and instrument.pk != cycle.instrument_id:
        raise TransitionError(
            f"This pair's pre/post cycle uses {cycle.tools_label}; pre and post must use the same tool to be compared."
        )
    # two Save clicks at once: the second waits for the first's row here, then finds its visit
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    already = Observation.objects.filter(
        pair=pair, time_point=time_point, observed_on=observed_on, observer=observer
    ).first()
    if already is not None:  # a second click on Save, or the same visit entered twice
        raise TransitionError(
            f"This visit is already recorded ({already}, observed by {observer.full_name}); nothing was saved again."
        )
    tools = cycle.instruments()
    if len(cycles) < len(tools):
        raise TransitionError(
            f"Nothing was saved: a mixed-age room alternates {tools[0].name} and {tools[1].name} cycles, so "
            "score at least one cycle on each."
        )
    _certificates(observer, tools, observed_on)
    first = None
    for tool in tools:
        numbers = [n for n in range(1, len(cycles) + 1) if cycle.instrument_of_cycle(n).pk == tool.pk]
        observation = _observation_on_tool(
            pair=pair,
            observee=observee,
            instrument=tool,
            time_point=time_point,
            observed_on=observed_on,
            observer=observer,
            recorded_by=recorded_by,
            cycles={n: cycles[n - 1] for n in numbers},
            classroom=classroom,
            plan_educator=plan_educator,
        )
        first = first or observation
    return first


def _observation_on_tool(
    *,
    pair: Pair,
    observee: Person,
    instrument: Instrument,
    time_point: str,
    observed_on: datetime.date,
    observer: Person,
    recorded_by: User,
    cycles: dict[int, dict[str, int | None]],
    classroom: str,
    plan_educator,
) -> Observation:
    """One tool's part of a visit: its cycles (by their number in the visit), scores and results."""
    dimensions = list(Dimension.objects.filter(domain__instrument=instrument).select_related("domain"))
    specs = [DimensionSpec(d.code, d.domain.code, d.reversed) for d in dimensions]
    try:
        means = dimension_means(list(cycles.values()), specs, list(cycles))
    except ScoreError as exc:
        raise TransitionError(f"Nothing was saved: {exc}") from exc
    domains = domain_scores(means, specs)
    observation = Observation.objects.create(
        pair=pair,
        observee=observee,
        classroom=classroom.strip(),
        plan_educator=plan_educator,
        instrument=instrument,
        time_point=time_point,
        observed_on=observed_on,
        observer=observer,
        recorded_by=recorded_by,
    )
    by_code = {d.code: d for d in dimensions}
    for number, scores in cycles.items():
        cycle = Cycle.objects.create(observation=observation, number=number)
        CycleScore.objects.bulk_create(
            [CycleScore(cycle=cycle, dimension=by_code[c], score=v) for c, v in scores.items()]
        )
    DimensionResult.objects.bulk_create(
        [
            DimensionResult(observation=observation, dimension=by_code[c], mean=Decimal(str(round(m, 3))))
            for c, m in means.items()
        ]
    )
    domain_objects = {d.domain.code: d.domain for d in dimensions}
    DomainResult.objects.bulk_create(
        [
            DomainResult(observation=observation, domain=domain_objects[c], score=Decimal(str(round(s, 3))))
            for c, s in domains.items()
        ]
    )
    return observation


def _check_observer(pair: Pair, observer: Person | None, tools: list[Instrument], due_by: datetime.date) -> None:
    if observer is None:
        return
    if observer.pk == pair.coach_id:
        raise TransitionError("Observers must be independent: choose someone other than the pair's own coach.")
    _certificates(observer, tools, due_by)


@transaction.atomic
def schedule_save(
    *,
    actor: User,
    pair: Pair,
    time_point: str,
    window_opens: datetime.date,
    due_by: datetime.date,
    observer: Person | None = None,
    instrument: Instrument | None = None,
    second_instrument: Instrument | None = None,
    classroom: str = "",
    note: str = "",
) -> ScheduledObservation:
    """Schedule (or reschedule) one of a pair's observations; the history keeps earlier plans.
    A tool, when given, is the pair's pre/post cycle's (set here if the pair has none yet; refused
    if it differs from tools already observed)."""
    if due_by < window_opens:
        raise TransitionError("The due date must be on or after the day the window opens.")
    if instrument is not None:
        cycle = pre_post_cycle_set(pair=pair, actor=actor, instrument=instrument, second_instrument=second_instrument)
    else:
        if second_instrument is not None:
            raise TransitionError("Choose the first CLASS tool as well as the second.")
        cycle = PrePostCycle.objects.filter(pair=pair).select_related("instrument", "second_instrument").first()
    _check_observer(pair, observer, cycle.instruments() if cycle else [], due_by)
    schedule, created = ScheduledObservation.objects.select_for_update().get_or_create(
        pair=pair,
        time_point=time_point,
        defaults={
            "window_opens": window_opens,
            "due_by": due_by,
            "observer": observer,
            "classroom": classroom,
            "note": note,
            "scheduled_by": actor,
        },
    )
    if not created:
        schedule.window_opens, schedule.due_by, schedule.observer = window_opens, due_by, observer
        schedule.classroom, schedule.note = classroom, note
        schedule.scheduled_by = actor
        schedule.save()
    return schedule


def schedule_bulk(
    *,
    actor: User,
    pairs: list[Pair],
    time_point: str,
    window_opens: datetime.date,
    due_by: datetime.date,
    observer: Person | None = None,
) -> tuple[int, int]:
    """Schedule one time point for many pairs at once; pairs that already have that time point
    scheduled are left alone. Returns (made, skipped)."""
    if due_by < window_opens:
        raise TransitionError("The due date must be on or after the day the window opens.")
    for pair in pairs:
        _check_observer(pair, observer, [], due_by)
    made = skipped = 0
    for pair in pairs:
        try:
            with transaction.atomic():
                ScheduledObservation.objects.create(
                    pair=pair,
                    time_point=time_point,
                    window_opens=window_opens,
                    due_by=due_by,
                    observer=observer,
                    scheduled_by=actor,
                )
        except IntegrityError:
            skipped += 1
        else:
            made += 1
    return made, skipped
