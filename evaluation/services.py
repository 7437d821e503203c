"""Writes for evaluation. An observation is saved whole or not at all."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from applications.services import TransitionError
from pac.models import Person, User
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
) -> Observation:
    """Record a CLASS observation: every dimension scored 1–7 in every cycle, by an independent
    observer (not the pair's coach) holding a certificate for this instrument on the day."""
    if time_point not in Observation.TimePoint.values:
        raise TransitionError("Choose pre, mid or post.")
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
