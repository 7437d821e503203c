"""Writes for evaluation. An observation is saved whole or not at all."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from pac.models import Person, User
from pac.workflow import TransitionError
from pairings.models import Pair

from .models import (
    Cycle,
    CycleScore,
    Dimension,
    DimensionResult,
    DomainResult,
    Instrument,
    Observation,
    ObserverCertificate,
    ScheduledObservation,
)
from .scoring import DimensionSpec, ScoreError, dimension_means, domain_scores


def certificate_valid(*, observer: Person, instrument: Instrument, on: datetime.date) -> bool:
    return ObserverCertificate.objects.filter(
        observer=observer, instrument=instrument, certified_on__lte=on, expires_on__gte=on
    ).exists()


@transaction.atomic
def observation_record(
    *,
    pair: Pair,
    observee: Person,
    instrument: Instrument,
    time_point: str,
    observed_on: datetime.date,
    observer: Person,
    recorded_by: User,
    cycles: list[dict[str, int | None]],
    classroom: str = "",
    educator_observed: str = "",
) -> Observation:
    """Record a CLASS observation: every dimension scored 1–7 in every cycle, by an independent
    observer (not the pair's coach) holding a certificate for this instrument on the day."""
    if time_point not in Observation.TimePoint.values:
        raise TransitionError("Choose pre, mid or post.")
    if pair.status not in (Pair.Status.ACTIVE, Pair.Status.ENDED):
        raise TransitionError("Observations are recorded for confirmed pairs only.")
    if observed_on > timezone.localdate():
        raise TransitionError("The date observed cannot be in the future.")
    if observer.pk == pair.coach_id:
        raise TransitionError("Observers must be independent: the pair's own coach cannot observe the classroom.")
    if not certificate_valid(observer=observer, instrument=instrument, on=observed_on):
        raise TransitionError(
            f"{observer.full_name} has no {instrument.name} reliability certificate valid on {observed_on:%B %-d, %Y}."
        )
    dimensions = list(Dimension.objects.filter(domain__instrument=instrument).select_related("domain"))
    specs = [DimensionSpec(d.code, d.domain.code, d.reversed) for d in dimensions]
    try:
        means = dimension_means(cycles, specs)
    except ScoreError as exc:
        raise TransitionError(f"Nothing was saved: {exc}") from exc
    domains = domain_scores(means, specs)
    observation = Observation.objects.create(
        pair=pair,
        observee=observee,
        classroom=classroom.strip(),
        educator_observed=educator_observed.strip(),
        instrument=instrument,
        time_point=time_point,
        observed_on=observed_on,
        observer=observer,
        recorded_by=recorded_by,
    )
    by_code = {d.code: d for d in dimensions}
    for number, scores in enumerate(cycles, start=1):
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


def _check_observer(pair: Pair, observer: Person | None, instrument: Instrument | None, due_by: datetime.date) -> None:
    if observer is None:
        return
    if observer.pk == pair.coach_id:
        raise TransitionError("Observers must be independent: choose someone other than the pair's own coach.")
    if instrument is not None and not certificate_valid(observer=observer, instrument=instrument, on=due_by):
        raise TransitionError(
            f"{observer.full_name} has no {instrument.name} reliability certificate valid on {due_by:%B %-d, %Y}."
        )


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
    classroom: str = "",
    note: str = "",
    educator_observed: str = "",
) -> ScheduledObservation:
    """Schedule (or reschedule) one of a pair's observations; the history keeps earlier plans."""
    if due_by < window_opens:
        raise TransitionError("The due date must be on or after the day the window opens.")
    _check_observer(pair, observer, instrument, due_by)
    schedule, created = ScheduledObservation.objects.select_for_update().get_or_create(
        pair=pair,
        time_point=time_point,
        defaults={
            "window_opens": window_opens,
            "due_by": due_by,
            "observer": observer,
            "instrument": instrument,
            "classroom": classroom,
            "educator_observed": educator_observed,
            "note": note,
            "scheduled_by": actor,
        },
    )
    if not created:
        schedule.window_opens, schedule.due_by, schedule.observer = window_opens, due_by, observer
        schedule.instrument, schedule.classroom, schedule.note = instrument, classroom, note
        schedule.educator_observed = educator_observed or schedule.educator_observed
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
        _check_observer(pair, observer, None, due_by)
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
