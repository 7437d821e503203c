"""The cohort evaluation report: the CLASS growth analytics of a program year as a PDF, filtered like
the analytics page (tool, region, program type, role). It is large (every pair's scores in an
appendix), so it runs as a document job: staff and evaluators request it from the analytics page,
watch its progress and download it when it is ready."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pac.documents import registry
from pac.documents.render import download_name, pdf_render, svg_data_uri
from pac.documents.services import document_job_request
from pac.models import Program, ProgramYear, Region
from pairings.models import Kind

from . import chart_cache, selectors
from .models import Domain, Instrument
from .stats import MIN_N
from .views import cohort_filter_from_request

KIND = "evaluation.cohort_report"


def cohort_filter_from_params(params: dict) -> selectors.CohortFilter:
    """The filter a job was requested with. Raises LookupError if a year, tool or region named in
    it no longer exists (the job then fails with that message)."""
    try:
        year = ProgramYear.objects.get(pk=params["year"])
        instrument = Instrument.objects.get(code=params["instrument"])
        region = Region.objects.get(number=params["region"]) if params.get("region") else None
    except (KeyError, ValueError, ProgramYear.DoesNotExist, Instrument.DoesNotExist, Region.DoesNotExist) as exc:
        raise LookupError("The program year, CLASS tool or region of this report no longer exists.") from exc
    return selectors.CohortFilter(
        program_year=year,
        instrument=instrument,
        region=region,
        program_type=params.get("program_type", ""),
        kind=params.get("kind", ""),
    )


def _chosen(cohort: selectors.CohortFilter) -> dict[str, str]:
    """The labels of the optional filters that narrow the cohort (empty when all are included)."""
    chosen = {}
    if cohort.region:
        chosen["Region"] = str(cohort.region)
    if cohort.program_type:
        chosen["Program type"] = Program.ProgramType(cohort.program_type).label
    if cohort.kind:
        chosen["Role"] = Kind(cohort.kind).label
    return chosen


def _filter_lines(cohort: selectors.CohortFilter) -> list[tuple[str, str]]:
    chosen = _chosen(cohort)
    return [
        ("Program year", str(cohort.program_year)),
        ("CLASS tool", cohort.instrument.name),
        ("Region", chosen.get("Region", "All regions")),
        ("Program type", chosen.get("Program type", "All program types")),
        ("Role", chosen.get("Role", "All pairs")),
    ]


def cohort_report_title(cohort: selectors.CohortFilter) -> str:
    parts = [f"Cohort evaluation report: {cohort.program_year}", cohort.instrument.name, *_chosen(cohort).values()]
    return " · ".join(parts)


def cohort_report_pdf(
    cohort: selectors.CohortFilter, progress: registry.Progress = lambda percent, stage: None
) -> bytes:
    progress(5, "Computing the cohort's growth")
    growth = selectors.cohort_growth(cohort)
    progress(20, "Drawing the charts")
    # the analytics page's charts of the same filter, from the cache when drawn since the data last changed
    drawings = {"scores": growth.score_chart, "effects": growth.effect_chart}
    charts = {
        name: svg_data_uri(chart_cache.chart_svg(chart_cache.cohort_chart_version(cohort.as_query(), name), draw))
        for name, draw in drawings.items()
    }
    progress(30, "Collecting each pair's scores")
    domains = list(Domain.objects.filter(instrument=cohort.instrument).order_by("order"))
    pair_scores, regions = selectors.cohort_pair_scores(cohort, domains)
    progress(65, f"Laying out {len(pair_scores)} pairs")
    pdf = pdf_render(
        "evaluation/pdf/cohort_report.html",
        {
            "growth": growth,
            "cohort": cohort,
            "filters": _filter_lines(cohort),
            "charts": charts,
            "tables": [("Domains", "Domain", growth.domains), ("Dimensions", "Dimension", growth.dimensions)],
            "regions": regions,
            "domains": domains,
            "pair_scores": pair_scores,
            "appendix_columns": 4 + len(domains),
            "program_types": dict(Program.ProgramType.choices),
            "kinds": dict(Kind.choices),
            "min_n": MIN_N,
        },
        title=cohort_report_title(cohort),
    )
    progress(99, "Saving")
    return pdf


def _build(params: dict, progress: registry.Progress) -> registry.Built:
    cohort = cohort_filter_from_params(params)
    pdf = cohort_report_pdf(cohort, progress)
    name = download_name("pac-cohort-report", str(cohort.program_year.pk), cohort.instrument.code)
    return registry.Built(content=pdf, filename=name)


def _allowed(user, params: dict) -> bool:
    return user.is_authenticated and user.has_perm("evaluation.view_cohort_analytics")


def _source_url(params: dict) -> str:
    return f"{reverse('evaluation:cohort')}?{urlencode(params)}"


registry.register(
    registry.DocumentKind(
        key=KIND, label="Cohort evaluation report", build=_build, allowed=_allowed, source_url=_source_url
    )
)


@require_POST
def cohort_report_request(request: HttpRequest) -> HttpResponse:
    """Queue the report for the filters in the query string (those of the page it was asked from)."""
    _, cohort, ignored = cohort_filter_from_request(request)  # asks view_cohort_analytics (403 otherwise)
    if ignored:
        messages.warning(request, f"Some filters were not valid and were ignored: {', '.join(ignored)}.")
    job = document_job_request(
        user=request.user, kind=KIND, params=cohort.as_query(), title=cohort_report_title(cohort)
    )
    return redirect("documents:job", job_id=job.pk)
