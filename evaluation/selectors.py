"""Reads for observations and growth analytics.

Cohort figures aggregate in the database: one query gives every pair's mean pre and post score
per domain (another per dimension) for the chosen tool, so the number of queries does not grow
with the cohort. The statistics then run on those per-pair numbers (evaluation.stats).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coaching.models import PlanEducator
from pac.models import ProgramYear, Region
from pairings.models import Kind, Pair

from . import charts
from .models import (
    Dimension,
    DimensionResult,
    Domain,
    DomainResult,
    Instrument,
    Observation,
    PrePostCycle,
    ReferenceFigure,
    ScheduledObservation,
)
from .permissions import observations_visible_to
from .stats import Growth, improvement, paired_growth

TIME_POINTS = [tp for tp, _ in Observation.TimePoint.choices]
ANALYSED_STATUSES = (Pair.Status.ACTIVE, Pair.Status.ENDED)


# --- instruments ---------------------------------------------------------------------------


BAND_TOOLS = [("infant", "infant"), ("toddler", "toddler"), ("preschool", "pre_k"), ("k3", "k3")]


def default_tool_codes(age_group_codes: set[str], *, family_child_care: bool = False) -> tuple[str, str | None]:
    """The CLASS tools suggested for a pair's pre/post cycle from the ages its program serves
    (observers and staff may choose others). A family child care room usually spans age bands: when
    it serves more than one, the tools of its two youngest bands are suggested, alternating cycles
    (DOMAIN.md §1: observers alternate Infant and Toddler cycles in a mixed-age FCC room)."""
    if family_child_care:
        bands = [tool for band, tool in BAND_TOOLS if band in age_group_codes]
        if len(bands) >= 2:
            return bands[0], bands[1]
    return default_instrument_code(age_group_codes), None


def pair_default_tools(pair: Pair) -> tuple[Instrument, Instrument | None]:
    """``default_tool_codes`` for the pair's mentee's program, as instruments (two queries)."""
    program = pair.mentee.program
    codes = set(program.age_groups.values_list("code", flat=True)) if program else set()
    first, second = default_tool_codes(codes, family_child_care=bool(program and program.is_family_child_care))
    tools = {t.code: t for t in Instrument.objects.filter(code__in=[first, second or first])}
    return tools[first], tools.get(second) if second else None


def pre_post_cycle_of(pair: Pair) -> PrePostCycle | None:
    """The pair's pre/post cycle with its tools, or None while no tool has been chosen."""
    return PrePostCycle.objects.filter(pair=pair).select_related("instrument", "second_instrument").first()


def same_visit(observation: Observation) -> list[Observation]:
    """The other tools' observations of the same visit to a mixed-age room (same pair, time point,
    day and observer, another tool)."""
    return list(
        Observation.objects.filter(
            pair_id=observation.pair_id,
            time_point=observation.time_point,
            observed_on=observation.observed_on,
            observer_id=observation.observer_id,
        )
        .exclude(instrument_id=observation.instrument_id)
        .select_related("instrument")
        .order_by("pk")
    )


def default_instrument_code(age_group_codes: set[str]) -> str:
    """The CLASS tool that fits a classroom's ages: Pre-K unless the program serves only younger
    (toddler, infant) or only school-age children. Staff and observers can choose another."""
    if "preschool" in age_group_codes or not age_group_codes:
        return "pre_k"
    if "toddler" in age_group_codes:
        return "toddler"
    if "infant" in age_group_codes:
        return "infant"
    return "k3"


# --- one pair --------------------------------------------------------------------------------


@dataclass
class GrowthRow:
    code: str
    name: str
    reversed: bool = False
    scores: dict[str, float | None] = field(default_factory=dict)  # raw, by time point
    order: tuple[int, int] = (0, 0)
    domain_id: int | None = None

    @property
    def change(self) -> float | None:
        """Post − pre on the improvement scale (8 − score for a reversed dimension)."""
        pre, post = self.scores.get("pre"), self.scores.get("post")
        if pre is None or post is None:
            return None
        return improvement(post, self.reversed) - improvement(pre, self.reversed)


@dataclass
class InstrumentGrowth:
    instrument: Instrument
    observations: dict[str, Observation]
    domains: list[GrowthRow]
    dimensions: list[tuple[str, list[GrowthRow]]]  # (domain name, its dimensions)

    @property
    def time_points(self) -> list[str]:
        return [tp for tp in TIME_POINTS if tp in self.observations]

    def chart_bars(self) -> list[charts.Bar]:
        return [
            charts.Bar(row.code, row.scores.get("pre"), row.scores.get("post"), row.scores.get("mid"))
            for row in self.domains
        ]


def pair_observations(pair: Pair) -> QuerySet[Observation]:
    return (
        pair.observations.select_related("instrument", "observer")
        .prefetch_related(
            Prefetch("domain_results", queryset=DomainResult.objects.select_related("domain")),
            Prefetch("dimension_results", queryset=DimensionResult.objects.select_related("dimension__domain")),
        )
        .order_by("instrument_id", "observed_on", "pk")
    )


def pair_growth(pair: Pair) -> list[InstrumentGrowth]:
    """The pair's scores per tool: for each time point its latest observation, with domain scores
    and dimension means, and the change from pre to post."""
    by_instrument: dict[int, dict[str, Observation]] = {}
    instruments: dict[int, Instrument] = {}
    for observation in pair_observations(pair):
        instruments[observation.instrument_id] = observation.instrument
        by_instrument.setdefault(observation.instrument_id, {})[observation.time_point] = observation  # latest wins
    result = []
    for instrument_id, observations in by_instrument.items():
        domain_rows: dict[int, GrowthRow] = {}
        dimension_rows: dict[int, GrowthRow] = {}
        domain_of: dict[int, Domain] = {}
        for time_point, observation in observations.items():
            for dr in observation.domain_results.all():
                row = domain_rows.setdefault(dr.domain_id, GrowthRow(dr.domain.code, dr.domain.name))
                row.scores[time_point] = float(dr.score)
                domain_of[dr.domain_id] = dr.domain
            for mr in observation.dimension_results.all():
                dimension = mr.dimension
                row = dimension_rows.setdefault(
                    dimension.pk, GrowthRow(dimension.code, dimension.name, dimension.reversed)
                )
                row.scores[time_point] = float(mr.mean)
                row.order = (dimension.domain.order, dimension.order)
                row.domain_id = dimension.domain_id
        domains = sorted(domain_of.values(), key=lambda d: d.order)
        grouped = [
            (
                domain.name,
                sorted((r for r in dimension_rows.values() if r.domain_id == domain.pk), key=lambda r: r.order),
            )
            for domain in domains
        ]
        result.append(
            InstrumentGrowth(
                instrument=instruments[instrument_id],
                observations=observations,
                domains=[domain_rows[d.pk] for d in domains],
                dimensions=grouped,
            )
        )
    return result


# --- reference figures -----------------------------------------------------------------------


def reference_figures(instrument: Instrument | None, on: datetime.date | None = None):
    """(effect-size references, score thresholds for this tool) that apply on a day."""
    on = on or timezone.localdate()
    figures = ReferenceFigure.objects.filter(is_active=True).filter(
        Q(kind=ReferenceFigure.Kind.EFFECT_SIZE) | Q(kind=ReferenceFigure.Kind.SCORE, instruments=instrument)
    )
    effects, thresholds = [], []
    for figure in figures.distinct():
        if not figure.applies_on(on):
            continue
        (effects if figure.kind == ReferenceFigure.Kind.EFFECT_SIZE else thresholds).append(figure)
    return effects, thresholds


def chart_thresholds(thresholds: list[ReferenceFigure]) -> list[charts.Threshold]:
    return [charts.Threshold(t.label, float(t.value), t.domain_code or None) for t in thresholds]


def chart_effects(effects: list[ReferenceFigure]) -> list[charts.Threshold]:
    return [charts.Threshold(f"{e.label} ({e.source}): {float(e.value):g}", float(e.value)) for e in effects]


# --- a cohort --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortFilter:
    program_year: ProgramYear
    instrument: Instrument
    region: Region | None = None
    program_type: str = ""
    kind: str = ""

    def pairs(self) -> QuerySet[Pair]:
        pairs = Pair.objects.filter(program_year=self.program_year, status__in=ANALYSED_STATUSES)
        if self.region is not None:
            pairs = pairs.filter(mentee__program__region=self.region)
        if self.program_type:
            pairs = pairs.filter(mentee__program__program_type=self.program_type)
        if self.kind:
            pairs = pairs.filter(kind=self.kind)
        return pairs

    def observation_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}pair__program_year": self.program_year, f"{prefix}pair__status__in": ANALYSED_STATUSES})
        if self.region is not None:
            q &= Q(**{f"{prefix}pair__mentee__program__region": self.region})
        if self.program_type:
            q &= Q(**{f"{prefix}pair__mentee__program__program_type": self.program_type})
        if self.kind:
            q &= Q(**{f"{prefix}pair__kind": self.kind})
        return q

    def as_query(self) -> dict[str, str]:
        query = {"year": str(self.program_year.pk), "instrument": self.instrument.code}
        if self.region is not None:
            query["region"] = str(self.region.number)
        if self.program_type:
            query["program_type"] = self.program_type
        if self.kind:
            query["kind"] = self.kind
        return query


@dataclass
class CohortRow:
    code: str
    name: str
    reversed: bool
    growth: Growth
    domain_code: str = ""


@dataclass
class CohortGrowth:
    filter: CohortFilter
    pairs_in_scope: int
    with_pre: int
    with_post: int
    with_both: int
    mixed_tools: int
    domains: list[CohortRow]
    dimensions: list[CohortRow]
    effect_references: list[ReferenceFigure]
    thresholds: list[ReferenceFigure]

    def score_chart(self) -> str:
        bars = [charts.Bar(r.code, r.growth.mean_pre, r.growth.mean_post) for r in self.domains]
        return charts.score_bars(
            bars,
            title=f"{self.filter.instrument.name}: mean domain scores, pre and post (n = {self.with_both})",
            thresholds=chart_thresholds(self.thresholds),
        )

    def effect_chart(self) -> str:
        effects = [charts.Effect(r.code, r.growth.d_z, r.growth.d_z_low, r.growth.d_z_high) for r in self.domains]
        return charts.effect_sizes(
            effects,
            title=f"{self.filter.instrument.name}: effect size d_z per domain (n = {self.with_both})",
            references=chart_effects(self.effect_references),
        )


def _per_pair(queryset, key: str, value: str, scope: Q) -> dict[tuple[int, int], tuple[float | None, float | None]]:
    """{(pair id, key id): (mean pre, mean post)} in one aggregate query. Where a pair has two
    observations at one time point on this tool, their mean is used."""
    rows = (
        queryset.filter(scope, observation__time_point__in=["pre", "post"])
        .values("observation__pair_id", key)
        .annotate(
            pre=Avg(value, filter=Q(observation__time_point="pre")),
            post=Avg(value, filter=Q(observation__time_point="post")),
        )
        .order_by()
    )
    return {
        (r["observation__pair_id"], r[key]): (
            float(r["pre"]) if r["pre"] is not None else None,
            float(r["post"]) if r["post"] is not None else None,
        )
        for r in rows
    }


def cohort_growth(cohort: CohortFilter) -> CohortGrowth:
    instrument = cohort.instrument
    scope = cohort.observation_q("observation__") & Q(observation__instrument=instrument)
    domains = list(Domain.objects.filter(instrument=instrument).order_by("order"))
    dimensions = list(
        Dimension.objects.filter(domain__instrument=instrument)
        .select_related("domain")
        .order_by("domain__order", "order")
    )
    domain_values = _per_pair(DomainResult.objects, "domain_id", "score", scope)
    dimension_values = _per_pair(DimensionResult.objects, "dimension_id", "mean", scope)

    def complete(values) -> dict[int, list[tuple[float, float]]]:
        """{domain or dimension id: [(pre, post) of each pair with both]}, in pair order."""
        grouped: dict[int, list[tuple[float, float]]] = {}
        for (_, key_id), (a, b) in sorted(values.items()):
            if a is not None and b is not None:
                grouped.setdefault(key_id, []).append((a, b))
        return grouped

    def growth_for(grouped, key_id: int, reversed_: bool = False) -> Growth:
        pairs = grouped.get(key_id, [])
        return paired_growth(
            [improvement(a, reversed_) for a, _ in pairs], [improvement(b, reversed_) for _, b in pairs]
        )

    by_domain, by_dimension = complete(domain_values), complete(dimension_values)
    domain_rows = [CohortRow(d.code, d.name, False, growth_for(by_domain, d.pk)) for d in domains]
    dimension_rows = [
        CohortRow(d.code, d.name, d.reversed, growth_for(by_dimension, d.pk, d.reversed), d.domain.code)
        for d in dimensions
    ]
    pairs_with = {"pre": set(), "post": set()}
    for (pair_id, _), (a, b) in domain_values.items():
        if a is not None:
            pairs_with["pre"].add(pair_id)
        if b is not None:
            pairs_with["post"].add(pair_id)
    mixed = _pairs_with_mixed_tools(cohort)
    effects, thresholds = reference_figures(instrument)
    return CohortGrowth(
        filter=cohort,
        pairs_in_scope=cohort.pairs().count(),
        with_pre=len(pairs_with["pre"]),
        with_post=len(pairs_with["post"]),
        with_both=len(pairs_with["pre"] & pairs_with["post"]),
        mixed_tools=mixed,
        domains=domain_rows,
        dimensions=dimension_rows,
        effect_references=effects,
        thresholds=thresholds,
    )


def _pairs_with_mixed_tools(cohort: CohortFilter) -> int:
    """Pairs in scope whose pre and post were scored on different tools (recorded before tools
    belonged to the pre/post cycle): they are not compared. A mixed-age room's pre and post on the
    same two tools are not mixed. One query of (pair, time point, tool), a few rows a pair."""
    tools: dict[int, dict[str, set[int]]] = {}
    rows = (
        Observation.objects.filter(cohort.observation_q(), time_point__in=["pre", "post"])
        .values_list("pair_id", "time_point", "instrument_id")
        .distinct()
        .order_by()
    )
    for pair_id, time_point, instrument_id in rows:
        tools.setdefault(pair_id, {"pre": set(), "post": set()})[time_point].add(instrument_id)
    return sum(1 for t in tools.values() if t["pre"] and t["post"] and t["pre"] != t["post"])


# --- schedules -------------------------------------------------------------------------------


@dataclass
class TimePointStatus:
    time_point: str
    observation_date: datetime.date | None
    schedule: ScheduledObservation | None

    @property
    def state(self) -> str:
        if self.observation_date:
            return "recorded"
        if self.schedule is None:
            return "missing"
        if self.schedule.due_by < timezone.localdate():
            return "overdue"
        return "scheduled"


def schedule_rows(program_year: ProgramYear, *, missing_only: bool = False, region: Region | None = None):
    """Every pair of the year with the state of its pre and post observations, in a fixed number
    of queries: recorded dates are annotated; schedules come in one prefetch."""
    pairs = (
        Pair.objects.filter(program_year=program_year, status__in=ANALYSED_STATUSES)
        .select_related("coach", "mentee__program__region")
        .annotate(
            pre_on=_latest_observation("pre"),
            post_on=_latest_observation("post"),
        )
        .prefetch_related(
            Prefetch("scheduled_observations", queryset=ScheduledObservation.objects.select_related("observer"))
        )
        .select_related("pre_post_cycle__instrument", "pre_post_cycle__second_instrument")
        .order_by("mentee__program__region__number", "coach__last_name", "mentee__last_name", "pk")
    )
    if region is not None:
        pairs = pairs.filter(mentee__program__region=region)
    if missing_only:
        pairs = pairs.filter(Q(pre_on__isnull=True) | Q(post_on__isnull=True))
    rows = []
    for pair in pairs:
        schedules = {s.time_point: s for s in pair.scheduled_observations.all()}
        rows.append(
            (
                pair,
                [
                    TimePointStatus("pre", pair.pre_on, schedules.get("pre")),
                    TimePointStatus("post", pair.post_on, schedules.get("post")),
                ],
            )
        )
    return rows


def _latest_observation(time_point: str):
    from django.db.models import Max, Subquery

    return Subquery(
        Observation.objects.filter(pair=OuterRef("pk"), time_point=time_point)
        .values("pair")
        .annotate(last=Max("observed_on"))
        .values("last")[:1]
    )


def schedule_counts(rows) -> dict[str, int]:
    counts = {"pairs": len(rows), "missing": 0, "overdue": 0, "scheduled": 0, "recorded": 0}
    for _, statuses in rows:
        for status in statuses:
            counts[status.state] += 1
    return counts


def with_plan_educators(assignments: QuerySet[ScheduledObservation]) -> QuerySet[ScheduledObservation]:
    """Assignments with each pair's current plan educator (an MA's) as ``pair.current_plan_educators``."""
    return assignments.prefetch_related(
        Prefetch(
            "pair__plan_educators",
            queryset=PlanEducator.objects.filter(replaced_at__isnull=True),
            to_attr="current_plan_educators",
        )
    )


def observer_assignments(person) -> QuerySet[ScheduledObservation]:
    """Scheduled observations an observer has yet to record (pairs of live years only)."""
    recorded = Observation.objects.filter(pair=OuterRef("pair"), time_point=OuterRef("time_point"))
    return (
        ScheduledObservation.objects.filter(observer=person, pair__status__in=ANALYSED_STATUSES)
        .annotate(done=Exists(recorded))
        .filter(done=False)
        .select_related(
            "pair__mentee__program__region",
            "pair__coach",
            "pair__program_year",
            "pair__pre_post_cycle__instrument",
            "pair__pre_post_cycle__second_instrument",
        )
        .order_by("due_by")
    )


def observations_listed(user) -> QuerySet[Observation]:
    """The observations list: what the user may see, latest first, with its columns joined (one
    query a page; the list's filters are evaluation/filters.py)."""
    return (
        observations_visible_to(user)
        .select_related("instrument", "observer", "pair__mentee__program__region", "pair__coach", "pair__program_year")
        .order_by("-observed_on", "-pk")
    )


KIND_CHOICES = [("", "Both roles"), (Kind.CT_MENTEE, "Mentees (CT pairs)"), (Kind.CA_MA, "Mentee Administrators")]


@dataclass
class PairScores:
    pseudonym: str
    region: int | None
    program_type: str
    kind: str
    scores: list[tuple[float | None, float | None]]  # (pre, post) per domain, in domain order

    @property
    def changes(self) -> list[float | None]:
        return [b - a if a is not None and b is not None else None for a, b in self.scores]


@dataclass
class RegionSummary:
    number: int | None
    name: str
    pairs: int
    with_both: int
    changes: list[tuple[float | None, int]]  # (mean change, n) per domain


def cohort_pair_scores(cohort: CohortFilter, domains: list[Domain]) -> tuple[list[PairScores], list[RegionSummary]]:
    """Each pair in the cohort with its pre and post domain scores on the cohort's tool, under a
    pseudonym (the report's readers include evaluators, who see de-identified data), and the mean
    change per domain in each region. Three queries whatever the size of the cohort."""
    from .deidentified import pseudonym

    scope = cohort.observation_q("observation__") & Q(observation__instrument=cohort.instrument)
    values = _per_pair(DomainResult.objects, "domain_id", "score", scope)
    pairs = cohort.pairs().values("pk", "kind", "mentee__program__region__number", "mentee__program__program_type")
    rows: list[PairScores] = []
    in_region: dict[int | None, int] = {}
    for pair in pairs.order_by():
        region = pair["mentee__program__region__number"]
        in_region[region] = in_region.get(region, 0) + 1
        scores = [values.get((pair["pk"], d.pk), (None, None)) for d in domains]
        if all(a is None and b is None for a, b in scores):
            continue
        rows.append(
            PairScores(
                pseudonym=pseudonym("pair", pair["pk"]),
                region=region,
                program_type=pair["mentee__program__program_type"] or "",
                kind=pair["kind"],
                scores=scores,
            )
        )
    rows.sort(key=lambda r: (r.region or 0, r.pseudonym))
    names = dict(Region.objects.filter(number__in=[n for n in in_region if n]).values_list("number", "name"))
    summaries = []
    for number in sorted(in_region, key=lambda n: n or 0):
        region_rows = [r for r in rows if r.region == number]
        changes = []
        for index in range(len(domains)):
            found = [r.changes[index] for r in region_rows if r.changes[index] is not None]
            changes.append((sum(found) / len(found) if found else None, len(found)))
        summaries.append(
            RegionSummary(
                number=number,
                name=names.get(number, "No region recorded"),
                pairs=in_region[number],
                with_both=sum(1 for r in region_rows if all(c is not None for c in r.changes)),
                changes=changes,
            )
        )
    return rows, summaries
