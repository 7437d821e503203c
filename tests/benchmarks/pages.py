"""The pages `make benchmark` times: every page a person opens regularly, as the person who opens it.

One list, read by the page benchmark (``tests/benchmarks/bench_pages.py``), by its test
(``tests/test_benchmark_registry.py``: every page answers 200 for its role) and by the table of
benchmarked pages in ``docs/performance.md`` (generated from ``registry_markdown()``; the test
checks the two agree).

A page names its URL (``url_name``) and, where it shows one record, a function that picks the
record on a seeded database (``seed_demo``) and returns the URL's arguments. ``role`` is the demo
login that opens it (``staff`` is staff@pac.demo); ``None`` is an anonymous visitor. ``anchor`` is
the key of the Django admin changelist of the same records, timed in the same run.

Kinds: ``list`` and ``dashboard`` pages carry the throughput targets (at least the admin
changelist's, at least a quarter of the bare view's); ``detail`` and ``chart`` pages carry the p95
target only; ``admin``, ``floor`` and ``static`` rows are the yardsticks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

LIST = "list"
DASHBOARD = "dashboard"
DETAIL = "detail"
CHART = "chart"
ADMIN = "admin"  # a Django admin changelist: the anchor a staff page is compared with
FLOOR = "floor"  # the bare view: the framework's floor on this machine
STATIC = "static"  # a file served by WhiteNoise, the yardstick for a cached chart

TARGETED = (LIST, DASHBOARD)  # kinds held to the throughput targets


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    role: str | None
    url_name: str | None
    kind: str
    args: Callable[[], tuple] | None = None
    anchor: str | None = None
    path: str | None = None  # a fixed address (the static copies of the charts, served by the benchmark)
    copy_of: str | None = None  # for a static row: the chart whose bytes the file repeats
    embedded: int | None = None  # a chart as a page embeds it: the page's nth <img> address (url_name: the page)

    @property
    def email(self) -> str | None:
        return f"{self.role}@pac.demo" if self.role else None

    def resolve(self, client=None) -> str:
        """The page's address on the current database (the records are looked up there); a chart
        embedded in a page is the address that page gives ``client`` (a test client)."""
        if self.path:
            return self.path
        from django.urls import reverse

        address = reverse(self.url_name, args=self.args() if self.args else ())
        if self.embedded is None:
            return address
        import html
        import re

        page = client.get(address)
        return html.unescape(re.findall(r'<img[^>]* src="([^"]+)"', page.content.decode())[self.embedded])


# --- records picked on a seeded database: the same ones at every scale (the demo's first people)


def _current_year():
    from pac.models import ProgramYear

    return ProgramYear.objects.current()


def _pair_of(person: str, email: str):
    """The current year's active pair of a demo login (``person`` is coach, mentee or leader)."""
    from pairings.models import Pair

    return (
        Pair.objects.filter(
            **{f"{person}__user__email": email}, program_year=_current_year(), status=Pair.Status.ACTIVE
        )
        .order_by("pk")
        .first()
    )


def _coach_pair():
    """ct1's pair of the current year: the coach's pages and the staff pair detail."""
    return _pair_of("coach", "ct1@pac.demo")


def _pair_id() -> tuple:
    return (_coach_pair().pk,)


def _mentee_pair_id() -> tuple:
    return (_pair_of("mentee", "mentee1@pac.demo").pk,)


def _leader_pair_id() -> tuple:
    return (_pair_of("leader", "leader1@pac.demo").pk,)


def _growth_pair_id() -> tuple:
    """A pair with observations to draw: ct1's, or the first of the year that has some."""
    from pairings.models import Pair

    pair = _coach_pair()
    if pair is not None and pair.observations.exists():
        return (pair.pk,)
    first = (
        Pair.objects.filter(program_year=_current_year(), observations__isnull=False).order_by("pk").distinct().first()
    )
    return (first.pk,)


def _coach_report_id() -> tuple:
    """ct1's latest report that has been submitted (what the coach and staff reopen most)."""
    from coaching.models import ThirtyDayReport

    reports = ThirtyDayReport.objects.filter(pair=_coach_pair()).order_by("-period")
    report = reports.exclude(status=ThirtyDayReport.Status.DRAFT).first() or reports.first()
    return (report.pk,)


def _application_reference() -> tuple:
    """An application of the current year with its Tier 2 reviews in: the detail shows scores and rank."""
    from applications.models import Application, Stage

    applications = Application.objects.filter(program_year=_current_year()).order_by("reference")
    for stage in (Stage.AWAITING_DECISION, Stage.INTERVIEW, Stage.ACCEPTED, Stage.IN_REVIEW):
        application = applications.filter(stage=stage).first()
        if application is not None:
            return (application.reference,)
    return (applications.first().reference,)


def _review_id() -> tuple:
    """One of reviewer1's Tier 2 reviews they have opened (conflict declared: the scoring page)."""
    from applications.models import ReviewAssignment

    assignments = ReviewAssignment.objects.filter(
        reviewer__email="reviewer1@pac.demo",
        application__program_year=_current_year(),
        conflict_declared_at__isnull=False,
        has_conflict=False,
    ).order_by("pk")
    assignment = (
        assignments.filter(status=ReviewAssignment.Status.IN_PROGRESS).first()
        or assignments.filter(status=ReviewAssignment.Status.SUBMITTED).first()
    )
    return (assignment.pk,)


def _admin(key: str, label: str, model: str) -> Page:
    app_label, model_name = model.split(".")
    return Page(key, f"admin: {label}", "staff", f"admin:{app_label}_{model_name}_changelist", ADMIN)


# --- the registry

ANCHORS = [
    _admin("admin-applications", "applications", "applications.application"),
    _admin("admin-reviews", "review assignments", "applications.reviewassignment"),
    _admin("admin-pairs", "pairs", "pairings.pair"),
    _admin("admin-meetings", "meetings", "coaching.meeting"),
    _admin("admin-reports", "30-day reports", "coaching.thirtydayreport"),
    _admin("admin-participation", "participation", "pac.participation"),
    _admin("admin-schedule", "scheduled observations", "evaluation.scheduledobservation"),
    _admin("admin-observations", "observations", "evaluation.observation"),
    _admin("admin-coach-reviews", "coach reviews", "evaluation.coachreview"),
    _admin("admin-interviews", "formative interviews", "evaluation.formativeinterview"),
    _admin("admin-survey-rounds", "survey rounds", "evaluation.surveyround"),
]

FLOORS = [
    Page("bare", "bare view, anonymous", None, "bench_ok", FLOOR),
    Page("bare-signed-in", "bare view, staff session", "staff", "bench_ok_signed_in", FLOOR),
]

PAGES = [
    # EEC staff
    Page("staff-my-work", "My work (staff)", "staff", "pac:my_work", DASHBOARD),
    Page(
        "staff-pipeline",
        "application pipeline",
        "staff",
        "applications:pipeline",
        DASHBOARD,
        anchor="admin-applications",
    ),
    Page(
        "staff-applications", "application list", "staff", "applications:staff_list", LIST, anchor="admin-applications"
    ),
    Page("staff-progress", "Tier 2 progress", "staff", "applications:progress", LIST, anchor="admin-reviews"),
    Page("staff-results", "Tier 2 results", "staff", "applications:results", LIST, anchor="admin-applications"),
    Page(
        "staff-interviews", "Tier 3 interviews", "staff", "applications:interviews", LIST, anchor="admin-applications"
    ),
    Page("staff-decisions", "decisions", "staff", "applications:decisions", LIST, anchor="admin-applications"),
    Page(
        "staff-application",
        "an application (staff)",
        "staff",
        "applications:staff_detail",
        DETAIL,
        _application_reference,
    ),
    Page("staff-reviews", "Reviews page (staff)", "staff", "applications:reviews", LIST, anchor="admin-reviews"),
    Page("staff-suggest", "pairing suggestion", "staff", "pairings:suggest", DASHBOARD),
    Page("staff-targets", "regional targets", "staff", "pairings:targets", DASHBOARD),
    Page("staff-pairs", "pairs list", "staff", "pairings:list", LIST, anchor="admin-pairs"),
    Page("staff-pair", "a pair (staff)", "staff", "pairings:detail", DETAIL, _pair_id),
    Page("staff-overview", "coaching overview", "staff", "coaching:overview", DASHBOARD, anchor="admin-pairs"),
    Page("staff-reports", "30-day reports", "staff", "coaching:reports", LIST, anchor="admin-reports"),
    Page("staff-training", "PLC and training (staff)", "staff", "coaching:training", LIST),
    Page(
        "staff-participation",
        "participation roster",
        "staff",
        "coaching:participation",
        LIST,
        anchor="admin-participation",
    ),
    Page("staff-schedule", "observation schedule", "staff", "evaluation:schedule", LIST, anchor="admin-schedule"),
    Page("staff-observations", "observations", "staff", "evaluation:observations", LIST, anchor="admin-observations"),
    Page(
        "staff-coach-reviews", "coach reviews", "staff", "evaluation:coach_reviews", LIST, anchor="admin-coach-reviews"
    ),
    Page("staff-second-year", "second year", "staff", "evaluation:second_year", LIST, anchor="admin-coach-reviews"),
    Page("staff-formative", "formative interviews", "staff", "evaluation:interviews", LIST, anchor="admin-interviews"),
    Page("staff-surveys", "surveys", "staff", "evaluation:survey_rounds", LIST, anchor="admin-survey-rounds"),
    Page(
        "staff-cohort", "CLASS cohort analytics", "staff", "evaluation:cohort", DASHBOARD, anchor="admin-observations"
    ),
    Page("staff-exports", "research data exports", "staff", "evaluation:exports", DASHBOARD),
    # a Tier 2 reviewer
    Page("reviewer-my-work", "My work (reviewer)", "reviewer1", "pac:my_work", DASHBOARD),
    Page(
        "reviewer-reviews", "Reviews page (reviewer)", "reviewer1", "applications:reviews", LIST, anchor="admin-reviews"
    ),
    Page("reviewer-review", "a review (reviewer)", "reviewer1", "applications:review", DETAIL, _review_id),
    # a Consultant Teacher
    Page("coach-my-work", "My work (coach)", "ct1", "pac:my_work", DASHBOARD),
    Page("coach-pairs", "Pairs (coach)", "ct1", "pairings:mine", LIST),
    Page("coach-workspace", "pair workspace (coach)", "ct1", "coaching:workspace", DETAIL, _pair_id),
    Page("coach-report", "a 30-day report (coach)", "ct1", "coaching:report", DETAIL, _coach_report_id),
    # a Mentee and their Program/Instructional Leader
    Page("mentee-my-work", "My work (mentee)", "mentee1", "pac:my_work", DASHBOARD),
    Page("mentee-pairs", "Pairs (mentee)", "mentee1", "pairings:mine", LIST),
    Page("mentee-workspace", "pair workspace (mentee)", "mentee1", "coaching:workspace", DETAIL, _mentee_pair_id),
    Page("leader-my-work", "My work (leader)", "leader1", "pac:my_work", DASHBOARD),
    Page("leader-pairs", "Pairs (leader)", "leader1", "pairings:mine", LIST),
    Page("leader-workspace", "pair workspace (leader)", "leader1", "coaching:workspace", DETAIL, _leader_pair_id),
    # a CLASS observer, the evaluator, a PLC facilitator
    Page("observer-my-work", "My work (observer)", "observer1", "pac:my_work", DASHBOARD),
    Page("observer-observations", "observations (observer)", "observer1", "evaluation:observations", LIST),
    Page("evaluator-my-work", "My work (evaluator)", "evaluator", "pac:my_work", DASHBOARD),
    Page("evaluator-cohort", "CLASS cohort analytics (evaluator)", "evaluator", "evaluation:cohort", DASHBOARD),
    Page("evaluator-exports", "research data exports (evaluator)", "evaluator", "evaluation:exports", DASHBOARD),
    Page("facilitator-my-work", "My work (PLC facilitator)", "facilitator1", "pac:my_work", DASHBOARD),
    Page("facilitator-training", "PLC and training (facilitator)", "facilitator1", "coaching:training", LIST),
    # the charts (SVG) at the signed address their pages embed, each against a static file of the
    # same bytes; and the chart's own view, which checks the permission (an expired address)
    Page(
        "chart-pair-growth",
        "pair growth chart (SVG)",
        "staff",
        "evaluation:pair_growth",
        CHART,
        _growth_pair_id,
        embedded=0,
    ),
    Page("chart-cohort", "cohort chart (SVG)", "staff", "evaluation:cohort", CHART, embedded=0),
    Page(
        "chart-pair-growth-checked",
        "pair growth chart, permission-checked (SVG)",
        "staff",
        "evaluation:pair_growth_chart",
        DETAIL,
        _growth_pair_id,
    ),
]

STATICS = [
    Page(
        "static-pair-growth",
        "static file, size of the pair growth chart",
        None,
        None,
        STATIC,
        path="/bench-static-pair-growth.svg",
        copy_of="chart-pair-growth",
    ),
    Page(
        "static-cohort",
        "static file, size of the cohort chart",
        None,
        None,
        STATIC,
        path="/bench-static-cohort.svg",
        copy_of="chart-cohort",
    ),
]

REGISTRY: list[Page] = [*FLOORS, *STATICS, *PAGES, *ANCHORS]
BY_KEY = {page.key: page for page in REGISTRY}
assert len(BY_KEY) == len(REGISTRY), "page keys must be unique"
assert all(page.anchor in BY_KEY for page in PAGES if page.anchor), "an anchor must be in the registry"


def selected(only: set[str] | None = None) -> list[Page]:
    """The registry, or the pages named in ``only`` with the yardsticks they are compared with."""
    if not only:
        return list(REGISTRY)
    unknown = only - set(BY_KEY)
    if unknown:
        raise SystemExit(f"Unknown page keys: {', '.join(sorted(unknown))}")
    keep = set(only) | {page.key for page in FLOORS}
    keep |= {BY_KEY[key].anchor for key in only if BY_KEY[key].anchor}
    keep |= {page.key for page in STATICS if page.copy_of in keep}
    return [page for page in REGISTRY if page.key in keep]


DOC_START = "<!-- benchmarked pages: generated from tests/benchmarks/pages.py -->"
DOC_END = "<!-- end of benchmarked pages -->"


def registry_markdown() -> str:
    """The table of benchmarked pages in docs/performance.md (between DOC_START and DOC_END)."""
    lines = [
        DOC_START,
        "| page | opened by | URL name | kind | compared with |",
        "|---|---|---|---|---|",
    ]
    for page in PAGES:
        anchor = BY_KEY[page.anchor].label.removeprefix("admin: ") + " (admin)" if page.anchor else ""
        url_name = f"`{page.url_name}`"
        if page.kind == CHART:
            anchor = "a static file of the same bytes"
            url_name = f"the chart {url_name} embeds (`evaluation:cached_chart`)"
        lines.append(f"| {page.label} | {page.email} | {url_name} | {page.kind} | {anchor} |")
    lines.append(DOC_END)
    return "\n".join(lines)
