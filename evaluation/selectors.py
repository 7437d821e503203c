"""Reads for observations and growth analytics.

Cohort figures aggregate in the database: one query gives every pair's mean pre and post score
per domain (another per dimension) for the chosen tool, so the number of queries does not grow
with the cohort. The statistics then run on those per-pair numbers (evaluation.stats).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from coaching.models import PlanEducator
from pac.lookups import attach
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
from .stats import Growth, improvement, summary_growth

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


def _per_pair_query(queryset, key: str, value: str, scope: Q):
    """The SQL of ``_per_pair``'s query, its columns named ``pair_ref``, ``key_ref``, ``pre``, ``post``."""
    rows = (
        queryset.filter(scope, observation__time_point__in=["pre", "post"])
        .annotate(pair_ref=F("observation__pair_id"), key_ref=F(key))
        .values("pair_ref", "key_ref")
        .annotate(
            pre=Avg(value, filter=Q(observation__time_point="pre")),
            post=Avg(value, filter=Q(observation__time_point="post")),
        )
        .order_by()
    )
    return rows.query.sql_with_params()


def _summaries(queryset, key: str, value: str, scope: Q) -> dict[int, tuple]:
    """{domain or dimension id: (n, mean pre, mean post, mean gain, SD of the gains)} over the pairs
    with both a pre and a post score, in one query: the database averages each pair's pre and post
    (``_per_pair``) and then summarises them per key, so the page reads a row per domain or
    dimension, not a row per pair."""
    sql, params = _per_pair_query(queryset, key, value, scope)
    # ``sql`` is Django's own compiled query, every value in ``params``
    # the SD from the sums, not STDDEV_SAMP: SQLite's (Django's, in Python) fails on a single pair
    summary = (
        "SELECT key_ref, COUNT(*), AVG(pre), AVG(post), AVG(post - pre), "  # noqa: S608
        "SUM((post - pre) * (post - pre)) "
        f"FROM ({sql}) per_pair WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY key_ref"
    )
    with connection.cursor() as cursor:
        cursor.execute(summary, params)
        rows = cursor.fetchall()
    return {
        key: _with_sd(int(n), float(pre), float(post), float(gain), float(squares))
        for key, n, pre, post, gain, squares in rows
    }


def _with_sd(n: int, pre: float, post: float, gain: float, squares: float) -> tuple:
    """(n, mean pre, mean post, mean gain, sample SD of the gains: None for fewer than two)."""
    if n < 2:
        return (n, pre, post, gain, None)
    variance = max((squares - n * gain * gain) / (n - 1), 0.0)  # rounding can leave a hair below 0
    return (n, pre, post, gain, math.sqrt(variance))


def _pairs_with_scores(scope: Q) -> tuple[int, int, int]:
    """How many pairs have a pre, a post, and both (domain scores on the tool), in one query."""
    sql, params = _per_pair_query(DomainResult.objects, "domain_id", "score", scope)
    counts = (
        "SELECT COALESCE(SUM(has_pre), 0), COALESCE(SUM(has_post), 0), COALESCE(SUM(has_pre * has_post), 0) "  # noqa: S608
        "FROM (SELECT pair_ref, MAX(CASE WHEN pre IS NULL THEN 0 ELSE 1 END) AS has_pre, "
        f"MAX(CASE WHEN post IS NULL THEN 0 ELSE 1 END) AS has_post FROM ({sql}) per_key GROUP BY pair_ref) per_pair"
    )
    with connection.cursor() as cursor:
        cursor.execute(counts, params)
        with_pre, with_post, with_both = cursor.fetchone()
    return int(with_pre), int(with_post), int(with_both)


def _growth(summary: tuple | None, reversed_: bool = False) -> Growth:
    """``summary_growth`` on the improvement scale (8 − score for a reversed dimension, whose gain
    then changes sign and whose SD does not)."""
    if summary is None:
        return summary_growth(0, None, None, None, None)
    n, pre, post, gain, sd = summary
    if reversed_:
        pre, post, gain = improvement(pre, True), improvement(post, True), -gain
    return summary_growth(int(n), pre, post, gain, sd)


def cohort_growth(cohort: CohortFilter) -> CohortGrowth:
    """The cohort's growth per domain and dimension. The database does the work across the year's
    pairs (``_summaries``): the queries return a row per domain or dimension however many pairs."""
    instrument = cohort.instrument
    scope = cohort.observation_q("observation__") & Q(observation__instrument=instrument)
    domains = list(Domain.objects.filter(instrument=instrument).order_by("order"))
    dimensions = list(
        Dimension.objects.filter(domain__instrument=instrument)
        .select_related("domain")
        .order_by("domain__order", "order")
    )
    by_domain = _summaries(DomainResult.objects, "domain_id", "score", scope)
    by_dimension = _summaries(DimensionResult.objects, "dimension_id", "mean", scope)
    domain_rows = [CohortRow(d.code, d.name, False, _growth(by_domain.get(d.pk))) for d in domains]
    dimension_rows = [
        CohortRow(d.code, d.name, d.reversed, _growth(by_dimension.get(d.pk), d.reversed), d.domain.code)
        for d in dimensions
    ]
    with_pre, with_post, with_both = _pairs_with_scores(scope)
    mixed = _pairs_with_mixed_tools(cohort)
    effects, thresholds = reference_figures(instrument)
    return CohortGrowth(
        filter=cohort,
        pairs_in_scope=cohort.pairs().count(),
        with_pre=with_pre,
        with_post=with_post,
        with_both=with_both,
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

SCHEDULE_STATES = ("recorded", "scheduled", "overdue", "missing")


@dataclass
class TimePointStatus:
    time_point: str
    observation_date: datetime.date | None
    schedule: ScheduledObservation | None
    state: str


def _latest_observation(time_point: str) -> Subquery:
    return Subquery(
        Observation.objects.filter(pair=OuterRef("pk"), time_point=time_point)
        .order_by("-observed_on")
        .values("observed_on")[:1]
    )


def _due_by(time_point: str) -> Subquery:
    # one schedule per pair and time point (a unique constraint)
    return Subquery(
        ScheduledObservation.objects.filter(pair=OuterRef("pk"), time_point=time_point).order_by().values("due_by")[:1]
    )


def _state(time_point: str, today: datetime.date) -> Case:
    """Recorded once an observation of the time point exists; else missing without a schedule, overdue
    past its due date, scheduled before it (``state_of`` is the same rule in Python)."""
    return Case(
        When(**{f"{time_point}_on__isnull": False}, then=Value("recorded")),
        When(**{f"{time_point}_due__isnull": True}, then=Value("missing")),
        When(**{f"{time_point}_due__lt": today}, then=Value("overdue")),
        default=Value("scheduled"),
        output_field=CharField(),
    )


def state_of(observed_on: datetime.date | None, due_by: datetime.date | None, today: datetime.date) -> str:
    """``_state`` for one row already read."""
    if observed_on is not None:
        return "recorded"
    if due_by is None:
        return "missing"
    return "overdue" if due_by < today else "scheduled"


def schedule_pairs(program_year: ProgramYear, today: datetime.date | None = None) -> QuerySet[Pair]:
    """The schedule's pairs of the year: each with its latest pre and post observation dates
    (``pre_on``, ``post_on``) read with the row, and their due dates and states (recorded, scheduled,
    overdue or missing) as aliases (``pre_due``, ``post_due``, ``pre_state``, ``post_state``) the
    database filters and counts on without sending them for every row; each page's schedules (with
    their observers) come in one prefetch, and ``schedule_statuses`` works out a row's states from
    them. (Selecting the states too repeated the four subqueries in every row.)"""
    today = today or timezone.localdate()
    return (
        Pair.objects.filter(program_year=program_year, status__in=ANALYSED_STATUSES)
        .annotate(
            pre_on=_latest_observation("pre"),
            post_on=_latest_observation("post"),
            schedule_today=Value(today, output_field=DateField()),
        )
        .alias(pre_due=_due_by("pre"), post_due=_due_by("post"))
        .alias(pre_state=_state("pre", today), post_state=_state("post", today))
        .select_related("coach", "mentee__program__region", "pre_post_cycle")  # its tools: attach_tools
        .prefetch_related(
            Prefetch("scheduled_observations", queryset=ScheduledObservation.objects.select_related("observer"))
        )
        .order_by("mentee__program__region__number", "coach__last_name", "mentee__last_name", "pk")
    )


def schedule_statuses(pair: Pair) -> list[TimePointStatus]:
    """The pre and post of one of ``schedule_pairs``' pairs."""
    schedules = {s.time_point: s for s in pair.scheduled_observations.all()}
    statuses = []
    for tp in ("pre", "post"):
        on, schedule = getattr(pair, f"{tp}_on"), schedules.get(tp)
        due = schedule.due_by if schedule is not None else None
        statuses.append(TimePointStatus(tp, on, schedule, state_of(on, due, pair.schedule_today)))
    return statuses


def schedule_counts(pairs: QuerySet[Pair]) -> dict[str, int]:
    """The number of pairs and of pre and post observations in each state, for ``schedule_pairs``
    (filtered or not): one query grouping the pairs by their two states (at most 16 rows)."""
    counts = dict.fromkeys(("pairs", *SCHEDULE_STATES), 0)
    rows = pairs.order_by().annotate(pre=F("pre_state"), post=F("post_state")).values("pre", "post")
    for row in rows.annotate(n=Count("pk")):
        counts["pairs"] += row["n"]
        counts[row["pre"]] += row["n"]
        counts[row["post"]] += row["n"]
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
        .select_related("pair__mentee__program__region", "pair__coach", "pair__pre_post_cycle")
        .order_by("due_by")
    )


def with_small_tables(assignments: list[ScheduledObservation], *, tools: bool = True) -> list[ScheduledObservation]:
    """A page of ``observer_assignments`` with each pair's program year (and its cycle's tools) set:
    pac.lookups.attach, a small query each instead of more joins to plan."""
    pairs = [assignment.pair for assignment in assignments]
    attach(pairs, "program_year", model=Pair)
    if tools:
        attach_tools([getattr(pair, "pre_post_cycle", None) for pair in pairs])
    return assignments


def attach_tools(cycles: list[PrePostCycle | None]) -> None:
    """Set the tools of these pre/post cycles (read with their pairs, without the tools)."""
    attach(cycles, "instrument", "second_instrument", model=PrePostCycle)


def observations_listed(user) -> QuerySet[Observation]:
    """The observations list: what the user may see, latest first, with its columns joined (one
    query a page; the list's filters are evaluation/filters.py)."""
    return (
        observations_visible_to(user)
        .select_related("observer", "pair__mentee__program__region", "pair__coach")  # the rest: listed_prepare
        .order_by("-observed_on", "-pk")
    )


def listed_prepare(observations: list[Observation]) -> None:
    """The tool and the pair's program year of the rows ``observations_listed`` shows."""
    attach(observations, "instrument", model=Observation)
    attach([observation.pair for observation in observations], "program_year", model=Pair)


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
