"""Reads for applications: querysets with their joins, and review aggregation.

Every list here runs in a fixed number of queries whatever the number of applications.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from pac.models import ProgramYear, Region, RegionTarget

from .models import (
    MOU,
    UNRANKED_STAGES,
    Application,
    Committee,
    Criterion,
    InterviewSlot,
    Recommendation,
    ReviewAssignment,
    Score,
    Stage,
    Standing,
    Tier,
)
from .roles import ApplicantRole, Missing, missing_answers, missing_before_submission

OPEN_STATUSES = (ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS)
# an application's long texts, which no list shows: reading them for every row a list sorts is most
# of its query's time
APPLICATION_TEXT = ("statement", "preferred_coaching", "program_profile", "decision_note", "reopened_reason")


def count_of(queryset: QuerySet, fk: str) -> Coalesce:
    """How many rows of ``queryset`` (already filtered on ``fk=OuterRef(...)``) there are, as a
    subquery per outer row: counting without joining and grouping the outer query."""
    counted = queryset.order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def applications_of(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant__user=user)
        .select_related("program_year", "program__region")
        .order_by("-created_at")
    )


def application_for_checklist(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What the applicant's checklist page shows (letters' text is not loaded)."""
    return queryset.select_related("program__region", "program_year", "applicant").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.defer("letter_text").order_by("created_at")),
        Prefetch("mous", queryset=MOU.objects.order_by("-created_at")),
        "tags",
        "screening_checks",
    )


def current_mou(application: Application) -> MOU | None:
    """The MOU that counts: the live one, else the latest declined; uses the prefetched list."""
    mous = list(application.mous.all())
    for mou in mous:
        if mou.status in (MOU.Status.PENDING, MOU.Status.REQUESTED, MOU.Status.SIGNED, MOU.Status.WAIVED):
            return mou
    return next((m for m in mous if m.status == MOU.Status.DECLINED), None)


@dataclass
class ChecklistItem:
    label: str
    state: str  # missing, requested, received, signed, declined, not applicable, provided
    detail: str = ""
    missing: list[Missing] = field(default_factory=list)  # what the applicant must still give, with its field

    @property
    def done(self) -> bool:
        return self.state in ("received", "signed", "not applicable", "provided", "uploaded")


def mous_signed_by(user) -> QuerySet[MOU]:
    """The MOUs this person signed (as the signed-in account, or as the leader's directory record),
    newest first: the "MOUs you signed" list, whose PDFs they may download."""
    if not user.is_authenticated:
        return MOU.objects.none()
    return (
        MOU.objects.filter(Q(signed_by_user=user) | Q(signer_person__user=user), signed_at__isnull=False)
        .select_related("application__applicant")
        .order_by("-signed_at")
    )


def checklist(application: Application) -> list[ChecklistItem]:
    """Every required component with its state, from the role's specification."""
    spec = application.spec
    missing = {m.field: m for m in missing_before_submission(application)}
    items = []
    if spec.needs_resume:
        items.append(ChecklistItem("Resume", "uploaded" if application.resume else "missing", application.resume_name))
    items.append(ChecklistItem(spec.statement_label, "provided" if application.statement.strip() else "missing"))
    if spec.asks_preferred_coaching:
        items.append(
            ChecklistItem(
                "Preferred ways to use peer coaching",
                "provided" if application.preferred_coaching.strip() else "missing",
            )
        )
    if spec.needs_program_profile:
        items.append(
            ChecklistItem(spec.program_profile_label, "provided" if application.program_profile.strip() else "missing")
        )
    unanswered = [missing[f] for f in missing_answers(application)]
    items.append(
        ChecklistItem(
            "Answers to the application questions",
            "missing" if unanswered else "provided",
            f"{len(unanswered)} not answered" if unanswered else "",
            missing=unanswered,
        )
    )
    mou = current_mou(application)
    signer = "Program/Instructional Leader" if spec.mou_signer == "leader" else "supervisor"
    mou_label = f"Signed MOU from your {signer}" + (" (if applicable)" if spec.mou_may_be_waived else "")
    if mou is None:
        items.append(ChecklistItem(mou_label, "missing"))
    else:
        state = {
            MOU.Status.PENDING: "missing",
            MOU.Status.REQUESTED: "requested",
            MOU.Status.SIGNED: "signed",
            MOU.Status.DECLINED: "declined",
            MOU.Status.WAIVED: "not applicable",
        }[mou.status]
        items.append(ChecklistItem(mou_label, state, mou.signer_name))
    recs = [r for r in application.recommendations.all() if r.status != Recommendation.Status.CANCELLED]
    received = sum(1 for r in recs if r.status == Recommendation.Status.RECEIVED)
    need = spec.min_recommendations
    rec_state = "received" if received >= need else ("requested" if recs else "missing")
    items.append(
        ChecklistItem(
            f"{'At least ' if need > 1 else ''}{need} recommendation{'s' if need > 1 else ''}",
            rec_state,
            f"{received} of {need} received",
        )
    )
    return items


# --- staff lists ---------------------------------------------------------------------------------


def staff_applications(*, program_year: ProgramYear) -> QuerySet[Application]:
    """The year's applications for the staff list, with their letters and Tier 2 reviews counted
    (one query a page, and a count; the list's filters are applications/filters.py). Each count is
    a subquery per row: a join of letters and reviews grouped on every column fanned out the year's
    rows and sorted them on disk."""
    return (
        Application.objects.filter(program_year=program_year)
        .select_related("applicant", "program__region")
        .defer(*APPLICATION_TEXT)
        .annotate(
            received=count_of(
                Recommendation.objects.filter(application=OuterRef("pk"), status=Recommendation.Status.RECEIVED),
                "application",
            ),
            reviews_done=count_of(
                ReviewAssignment.objects.filter(
                    application=OuterRef("pk"), status=ReviewAssignment.Status.SUBMITTED, tier=Tier.APPLICATION
                ),
                "application",
            ),
        )
        .order_by("program__region__number", "role", "reference")
    )


@dataclass
class PipelineRow:
    region: Region
    cells: dict = field(default_factory=dict)  # (role, stage) -> count
    accepted: dict = field(default_factory=dict)  # role -> count
    target_ct_mentee: int = 0
    target_ca_ma: int = 0


def pipeline(program_year: ProgramYear) -> list[PipelineRow]:
    """Counts of applications per region × role × stage, with the year's pair targets (3 queries)."""
    regions = list(Region.objects.order_by("number"))
    rows = {r.pk: PipelineRow(region=r) for r in regions}
    counts = (
        Application.objects.filter(program_year=program_year)
        .values("program__region_id", "role", "stage")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        target = rows.get(row["program__region_id"])
        if target is None:
            continue
        target.cells[(row["role"], row["stage"])] = row["n"]
        if row["stage"] == Stage.ACCEPTED:
            target.accepted[row["role"]] = target.accepted.get(row["role"], 0) + row["n"]
    for target in RegionTarget.objects.filter(program_year=program_year):
        if target.region_id in rows:
            rows[target.region_id].target_ct_mentee = target.ct_mentee_pairs
            rows[target.region_id].target_ca_ma = target.ca_ma_pairs
    return list(rows.values())


# --- review committees: which Tier 2 applications no committee covers --------------------------


def _covering_committees() -> QuerySet[Committee]:
    """Active committees with at least one active member that cover the outer application: its
    year; its role or every role; its program's region or every region (an application with no
    program is covered by any region's committee, as in Committee.covers)."""
    return Committee.objects.filter(
        program_year=OuterRef("program_year"), is_active=True, memberships__user__is_active=True
    ).filter(
        Q(role="") | Q(role=OuterRef("role")),
        Q(region__isnull=True) | Q(region=Coalesce(OuterRef("program__region"), F("region"))),
    )


def committee_covers(application: Application) -> bool:
    """Whether some active committee with members covers the application (one query)."""
    return Application.objects.filter(pk=application.pk).filter(Exists(_covering_committees())).exists()


@dataclass(frozen=True)
class Uncovered:
    """Tier 2 applications of one year, region and role that no committee covers."""

    program_year: ProgramYear
    region: Region | None
    role: str
    count: int
    year_has_committee: bool

    @property
    def role_label(self) -> str:
        return ApplicantRole(self.role).label

    @property
    def setup_url(self) -> str:
        return committee_setup_url(self.program_year, region=self.region, role=self.role)


def committee_setup_url(program_year: ProgramYear, *, region: Region | None = None, role: str = "") -> str:
    """The admin's "add committee" page, prefilled for the year (and region and role, if given)."""
    parts = [str(program_year)]
    if region is not None:
        parts.append(f"Region {region.number}")
    if role:
        parts.append(f"{ApplicantRole(role).label}s")
    params = {"program_year": program_year.pk, "name": "Review committee " + ", ".join(parts)}
    if region is not None:
        params["region"] = region.pk
    if role:
        params["role"] = role
    return reverse("admin:applications_committee_add") + "?" + urlencode(params)


def tier2_without_committee() -> list[Uncovered]:
    """Tier 2 applications of every year that no committee covers, by year, region and role.
    Three queries whatever the number of applications (one when there are none)."""
    counts = list(
        Application.objects.filter(stage=Stage.IN_REVIEW)
        .filter(~Exists(_covering_committees()))
        .values("program_year_id", "program__region_id", "role")
        .annotate(n=Count("pk"))
    )
    if not counts:
        return []
    years = ProgramYear.objects.in_bulk({row["program_year_id"] for row in counts})
    regions = Region.objects.in_bulk()
    with_committee = set(
        Committee.objects.filter(program_year__in=years, is_active=True).values_list("program_year_id", flat=True)
    )
    rows = [
        Uncovered(
            program_year=years[row["program_year_id"]],
            region=regions.get(row["program__region_id"]),
            role=row["role"],
            count=row["n"],
            year_has_committee=row["program_year_id"] in with_committee,
        )
        for row in counts
    ]
    roles = list(ApplicantRole.values)
    rows.sort(key=lambda r: (r.program_year.starts_on, r.region.number if r.region else 0, roles.index(r.role)))
    return rows


def overdue_q(today: datetime.date | None = None) -> Q:
    """ReviewAssignment.is_overdue as a condition the database evaluates."""
    return Q(status__in=OPEN_STATUSES, due_on__lt=today or timezone.localdate())


def with_overdue(
    queryset: QuerySet[ReviewAssignment], today: datetime.date | None = None
) -> QuerySet[ReviewAssignment]:
    """Each assignment's ``overdue`` (True or False, never NULL) worked out by the database."""
    return queryset.annotate(
        overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def reviewer_queue(user) -> QuerySet[ReviewAssignment]:
    """The reviewer's own assignments (never withdrawn ones): the open work first, soonest due
    first; then the submitted, latest first; then the recused. An open review's scores and its
    rubric's criteria are counted by subqueries per row, not by grouping a join of every score."""
    scored = count_of(Score.objects.filter(assignment=OuterRef("pk"), value__isnull=False), "assignment")
    criteria = count_of(Criterion.objects.filter(rubric=OuterRef("rubric_id")), "rubric")
    return with_overdue(
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(status=ReviewAssignment.Status.WITHDRAWN)
        .select_related("application")
        .defer(*(f"application__{name}" for name in APPLICATION_TEXT))
        .annotate(
            # counted for open reviews only (the page shows no count for the others): the database
            # works out every row before the page's offset, and most of a year's rows are submitted
            scored=Case(
                When(status__in=OPEN_STATUSES, then=scored),
                default=Value(0),
            ),
            criteria=Case(
                When(status__in=OPEN_STATUSES, then=criteria),
                default=Value(0),
            ),
            section=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                When(status=ReviewAssignment.Status.SUBMITTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by(
            "section",
            Case(When(status__in=OPEN_STATUSES, then=F("due_on"))).asc(nulls_last=True),
            F("submitted_at").desc(nulls_last=True),
            "pk",
        )
    )


def review_progress(program_year: ProgramYear, today: datetime.date | None = None) -> QuerySet[ReviewAssignment]:
    """The year's assignments (not withdrawn) with ``overdue``, for the progress page's paged list:
    what staff act on first (the overdue, then the other open reviews, then the submitted, then
    the recused), each soonest due first. Only the columns the list shows are read (an
    application row carries its whole statement: reading all of them to sort the year is most of
    the query's time)."""
    return (
        with_overdue(
            ReviewAssignment.objects.filter(application__program_year=program_year).exclude(
                status=ReviewAssignment.Status.WITHDRAWN
            ),
            today,
        )
        .select_related("reviewer", "application")
        .only(*PROGRESS_COLUMNS)
        .order_by(
            Case(
                When(overdue_q(today), then=Value(0)),
                When(status__in=OPEN_STATUSES, then=Value(1)),
                When(status=ReviewAssignment.Status.SUBMITTED, then=Value(2)),
                default=Value(3),
            ),
            F("due_on").asc(nulls_last=True),
            "reviewer__email",
            "pk",
        )
    )


PROGRESS_COLUMNS = (
    "status",
    "tier",
    "due_on",
    "last_reminded_at",
    "application__reference",
    "application__role",
    "application__program_year_id",
    "reviewer__email",
    "reviewer__full_name",
)


def review_progress_counts(program_year: ProgramYear, today: datetime.date | None = None) -> dict:
    """The year's reviewer loads and its totals, in two aggregate queries whatever the size of the
    year: ``loads`` (per reviewer: open, done, recused, overdue), ``due``, ``done``, ``overdue``,
    ``total`` (every assignment not withdrawn) and ``unassigned`` (Tier 2 applications without an
    active reviewer)."""
    # grouped by hashing, not by sorting the year's rows: the few reviewers are sorted here
    loads = sorted(reviewer_loads(program_year, today).order_by(), key=lambda load: load["reviewer__email"])
    unassigned = (
        Application.objects.filter(program_year=program_year, stage=Stage.IN_REVIEW)
        .exclude(
            Exists(
                ReviewAssignment.objects.filter(
                    application=OuterRef("pk"), status__in=ReviewAssignment.ACTIVE, tier=Tier.APPLICATION
                )
            )
        )
        .count()
    )
    return {
        "loads": loads,
        "due": sum(load["open"] for load in loads),
        "done": sum(load["done"] for load in loads),
        "overdue": sum(load["overdue"] for load in loads),
        "total": sum(load["open"] + load["done"] + load["recused"] for load in loads),
        "unassigned": unassigned,
    }


def overdue_assignments(
    program_year: ProgramYear, *, chosen: Iterable[int] = (), today: datetime.date | None = None
) -> QuerySet[ReviewAssignment]:
    """The year's overdue assignments (only those among ``chosen`` when any are), with what the
    reminder email needs: the reminder of the progress page, across all its pages."""
    late = ReviewAssignment.objects.filter(overdue_q(today), application__program_year=program_year)
    chosen = list(chosen)
    if chosen:
        late = late.filter(pk__in=chosen)
    return late.select_related("reviewer", "application").order_by("pk")


def reviewer_loads(program_year: ProgramYear, today: datetime.date | None = None):
    """Each reviewer's assignments of the year (not withdrawn): open, done, recused and overdue."""
    return (
        ReviewAssignment.objects.filter(application__program_year=program_year)
        .exclude(status=ReviewAssignment.Status.WITHDRAWN)
        .values("reviewer_id", "reviewer__email", "reviewer__full_name")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            done=Count("pk", filter=Q(status=ReviewAssignment.Status.SUBMITTED)),
            recused=Count("pk", filter=Q(status=ReviewAssignment.Status.RECUSED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        .order_by("reviewer__email")
    )


# --- Tier 3 interviews ---------------------------------------------------------------------------


def interview_slots(program_year: ProgramYear, *, past: bool = False) -> QuerySet[InterviewSlot]:
    """The year's interview slots still to come (soonest first), or those started or past (latest
    first), with what the interviews page shows of each."""
    now = timezone.now()
    slots = InterviewSlot.objects.filter(program_year=program_year)
    if past:
        slots = slots.filter(starts_at__lte=now).order_by("-starts_at", "-pk")
    else:
        slots = slots.filter(starts_at__gt=now).order_by("starts_at", "pk")
    return slots.select_related("application__applicant").prefetch_related("panel")


def awaiting_interview_slot(program_year: ProgramYear) -> QuerySet[Application]:
    """The year's applicants at Tier 3 without an interview slot."""
    return (
        Application.objects.filter(program_year=program_year, stage=Stage.INTERVIEW, interview_slot__isnull=True)
        .select_related("applicant")
        .order_by("reference")
    )


# --- results: aggregation and normalisation -------------------------------------------------------

RANK_PLACES = 9  # decimal places of the normalised score that ranks compare


@dataclass
class ReviewerScore:
    assignment_id: int
    reviewer_id: int
    values: dict[int, int]  # criterion id -> score
    weighted_total: float = 0.0
    mean: float = 0.0
    z: float = 0.0
    cents: int = 0  # the weighted total in hundredths: weights have two decimals, so it is whole


@dataclass
class Result:
    application: Application
    reviews: list[ReviewerScore] = field(default_factory=list)
    mean: float | None = None
    weighted_total: float | None = None
    normalised: float | None = None
    rank: int | None = None
    disagreement: list[int] = field(default_factory=list)  # criterion ids where reviewers differ by >= 2

    @property
    def review_count(self) -> int:
        return len(self.reviews)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _cents(weight: Decimal) -> int:
    return int((Decimal(weight) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def rank_key(normalised: float) -> Decimal:
    """The normalised score as ranks compare it: to ``RANK_PLACES`` decimals, rounded as
    PostgreSQL rounds it (a double read as 15 significant digits, then halves away from zero).
    Means of z-scores come out a unit in the last place apart depending on the order they are
    added in; compared at this precision, scores equal in exact arithmetic tie, and the tie goes
    to the weighted total and then the reference."""
    return Decimal(f"{normalised:.15g}").quantize(Decimal(1).scaleb(-RANK_PLACES), rounding=ROUND_HALF_UP)


def compute_results(
    rows: list[dict], applications: dict[int, Application], weights: dict[int, Decimal]
) -> list[Result]:
    """The arithmetic, separate from the queries so it can be checked by hand. The standings kept
    in the database (``services.standings``) compute the same in SQL; this is their reference.

    rows: one per submitted score: assignment_id, reviewer_id, application_id, criterion_id, value.
    Per review: weighted total Σ(weight × score) and plain mean. Per reviewer: z-score of each of
    their weighted totals against all their own (population SD; a reviewer with one review or
    identical totals contributes 0), so a harsh and a lenient reviewer count alike. Per
    application: mean of review means, mean of weighted totals, mean z (the normalised score),
    and the criteria where reviewers' scores differ by two points or more.

    The z-score is worked out from whole numbers of hundredths, (k·c − Σc) / √(k·Σc² − (Σc)²),
    which equals (total − mean) / SD: totals that are all equal give exactly 0 whatever the
    weights (with the mean of floats, totals such as 3.3 came out a hair apart and gave ±1)."""
    reviews: dict[int, ReviewerScore] = {}
    app_of: dict[int, int] = {}
    for row in rows:
        review = reviews.setdefault(row["assignment_id"], ReviewerScore(row["assignment_id"], row["reviewer_id"], {}))
        review.values[row["criterion_id"]] = row["value"]
        app_of[row["assignment_id"]] = row["application_id"]
    by_reviewer: dict[int, list[ReviewerScore]] = defaultdict(list)
    for review in reviews.values():
        review.cents = sum(_cents(weights[c]) * v for c, v in review.values.items())
        review.weighted_total = review.cents / 100
        review.mean = sum(review.values.values()) / len(review.values)
        by_reviewer[review.reviewer_id].append(review)
    for own in by_reviewer.values():
        k = len(own)
        total = sum(r.cents for r in own)
        spread = k * sum(r.cents * r.cents for r in own) - total * total  # k² × the variance, whole
        for review in own:
            review.z = 0.0 if spread <= 0 else (k * review.cents - total) / math.sqrt(spread)
    results: dict[int, Result] = {pk: Result(application=app) for pk, app in applications.items()}
    for assignment_id, review in reviews.items():
        result = results.get(app_of[assignment_id])
        if result is not None:
            result.reviews.append(review)
    for result in results.values():
        if not result.reviews:
            continue
        result.mean = _mean([r.mean for r in result.reviews])
        result.weighted_total = sum(r.cents for r in result.reviews) / (100 * len(result.reviews))
        result.normalised = _mean([r.z for r in result.reviews])
        criteria = {c for r in result.reviews for c in r.values}
        result.disagreement = sorted(
            c
            for c in criteria
            if len(vals := [r.values[c] for r in result.reviews if c in r.values]) > 1 and max(vals) - min(vals) >= 2
        )
    _rank(results.values())
    return sorted(
        results.values(),
        key=lambda r: (r.application.role, _region_number(r.application), r.rank or 10**9, r.application.reference),
    )


def _region_number(application: Application) -> int:
    return application.program.region.number if application.program_id else 0


def _rank(results) -> None:
    """Rank within role and region: normalised score (``rank_key``), then weighted total, then reference."""
    groups: dict[tuple, list[Result]] = defaultdict(list)
    for result in results:
        if result.reviews:
            groups[(result.application.role, _region_number(result.application))].append(result)
    for group in groups.values():
        group.sort(key=lambda r: (-rank_key(r.normalised), -r.weighted_total, r.application.reference))
        for position, result in enumerate(group, start=1):
            result.rank = position


def review_results(
    *, program_year: ProgramYear, role: str = "", region: str = "", tier: int = Tier.APPLICATION
) -> list[Result]:
    """Tier 2 (or 3) results for the year in three queries, computed in Python from every score of
    the year. Normalisation uses every submitted review by each reviewer in the year and tier,
    whatever the filter, so filtering does not change anyone's z-scores.

    Pages read the stored standings instead (``standings``, ``standing_of``): this is the
    reference they are checked against (``manage.py standings_rebuild --check``, the tests)."""
    rows = list(
        Score.objects.filter(
            assignment__application__program_year=program_year,
            assignment__tier=tier,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
            value__isnull=False,
        ).values(
            "assignment_id",
            "criterion_id",
            "value",
            reviewer_id=F("assignment__reviewer_id"),
            application_id=F("assignment__application_id"),
        )
    )
    weights = {}
    for row in (
        Score.objects.filter(
            assignment__application__program_year=program_year,
            assignment__tier=tier,
            assignment__status=ReviewAssignment.Status.SUBMITTED,
        )
        .values("criterion_id", "criterion__weight")
        .distinct()
    ):
        weights[row["criterion_id"]] = row["criterion__weight"]
    # withdrawn applications keep their reviews in history but take no rank
    apps = Application.objects.filter(program_year=program_year).exclude(stage__in=UNRANKED_STAGES)
    if role:
        apps = apps.filter(role=role)
    if region:
        apps = apps.filter(program__region__number=region)
    applications = {a.pk: a for a in apps.select_related("applicant", "program__region")}
    return compute_results(rows, applications, weights)


# --- results as stored: the standings (kept by services.standings) -------------------------------


def standings(
    *, program_year: ProgramYear, tier: int = Tier.APPLICATION, role: str = "", region: str = ""
) -> QuerySet[Standing]:
    """The year's ranked applications in the order of the results page (role, region, rank), with
    what the page shows of each: one query a page, whatever the number of reviews."""
    rows = Standing.objects.filter(program_year=program_year, tier=tier)
    if role:
        rows = rows.filter(role=role)
    if region:
        rows = rows.filter(region_number=region)
    # (role, region, rank) is unique: an index scan gives the page's fifty rows in order
    return rows.select_related("application__applicant").order_by("role", "region_number", "rank")


def standing_of(application: Application, tier: int = Tier.APPLICATION) -> Standing | None:
    """One application's standing (one query): never the whole year's ranking for one rank."""
    return Standing.objects.filter(application=application, tier=tier).first()


def standings_of(application_ids, tier: int = Tier.APPLICATION) -> dict[int, Standing]:
    """The standings of these applications by application id (one query)."""
    return {s.application_id: s for s in Standing.objects.filter(application_id__in=application_ids, tier=tier)}


def stored_rank(tier: int = Tier.APPLICATION) -> Subquery:
    """An application's stored rank, to annotate or order a queryset of applications by."""
    return Subquery(Standing.objects.filter(application=OuterRef("pk"), tier=tier).values("rank")[:1])


def standings_differences(*, program_year: ProgramYear, tier: int = Tier.APPLICATION) -> list[str]:
    """Where the stored standings of a year and tier differ from the reference computation
    (``review_results``), one line each; empty when they agree. Ranks, counts, weighted totals and
    disagreements must be equal; means and normalised scores, added in another order, agree to
    within 1e-9."""
    reference = {r.application.pk: r for r in review_results(program_year=program_year, tier=tier) if r.reviews}
    stored = {s.application_id: s for s in Standing.objects.filter(program_year=program_year, tier=tier)}
    lines = [f"application {pk}: no standing stored" for pk in sorted(reference.keys() - stored.keys())]
    lines += [f"application {pk}: a standing it should not have" for pk in sorted(stored.keys() - reference.keys())]
    for pk in sorted(reference.keys() & stored.keys()):
        want, have = reference[pk], stored[pk]
        exact = {
            "rank": (want.rank, have.rank),
            "reviews": (want.review_count, have.review_count),
            "weighted total": (want.weighted_total, have.weighted_total),
            "disagreement": (want.disagreement, have.disagreement),
            "role": (want.application.role, have.role),
            "region": (_region_number(want.application), have.region_number),
        }
        close = {"mean": (want.mean, have.mean), "normalised": (want.normalised, have.normalised)}
        lines += [f"application {pk}: {name} {a!r} ≠ stored {b!r}" for name, (a, b) in exact.items() if a != b]
        lines += [
            f"application {pk}: {name} {a!r} ≠ stored {b!r}"
            for name, (a, b) in close.items()
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
        ]
    return lines


def accepted_by_region(program_year: ProgramYear) -> dict[tuple[int, str], int]:
    rows = (
        Application.objects.filter(program_year=program_year, stage=Stage.ACCEPTED)
        .values("program__region__number", "role")
        .annotate(n=Count("pk"))
    )
    return {(r["program__region__number"], r["role"]): r["n"] for r in rows}
