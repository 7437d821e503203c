"""The pair progress report: one PDF of a pair's year (goals and their notes, meetings by month,
30-day reports, CLASS pre/post scores with the growth chart). A pair's report is rendered in the
request while it is short; a long one (a full year of meetings and reports: 15 pages and more, over
a second to lay out) becomes a document job, as the other large documents do.

Who may have it is who may see the pair's growth page (``evaluation.view_pair_growth``: staff and
the pair's coach, mentee and leader). The 30-day reports inside it follow their own rule
(``coaching.view_report``: staff and the coach), so a mentee's or leader's copy has no reports
section at all, exactly as the reports are hidden from them on the web.

The data is read in a fixed number of queries whatever the number of meetings, goals, notes and
reports (one per kind of row, plus the observations and the reference figures of each tool).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coaching.documents import report_sections
from coaching.models import Goal, GoalNote, Meeting, ThirtyDayReport
from coaching.permissions import reports_visible_to
from coaching.selectors import plan_educator_current
from pac import annotations
from pac.documents import registry
from pac.documents.render import download_name, pdf_render, pdf_response, svg_data_uri
from pac.documents.services import document_job_request
from pairings.models import Pair

from . import chart_cache, selectors
from .permissions import growth_pair_for
from .views import growth_pair_or_404


@dataclass
class MeetingMonth:
    month: datetime.date
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(m.duration_minutes for m in self.meetings)


def meetings_by_month(meetings: list[Meeting]) -> list[MeetingMonth]:
    """Meetings (oldest first) grouped by calendar month."""
    ordered = sorted(meetings, key=lambda m: (m.held_on, m.pk))
    return [
        MeetingMonth(month, list(group)) for month, group in groupby(ordered, key=lambda m: m.held_on.replace(day=1))
    ]


def may_see_reports(user, pair: Pair) -> bool:
    """The 30-day report rule asked of the pair: a report of this pair, whichever it is."""
    return user.has_perm("coaching.view_report", ThirtyDayReport(pair=pair))


def pair_progress_context(pair: Pair, *, user) -> dict:
    """Everything the report prints. ``pair`` comes with its coach, mentee (program, region),
    leader and program year joined (as the view loads it)."""
    goals = list(
        Goal.objects.filter(pair=pair)
        .select_related("area", "plan_educator")
        .prefetch_related(Prefetch("notes", queryset=GoalNote.objects.order_by("noted_on", "pk")))
        .order_by("pk")
    )
    meetings = list(Meeting.objects.held().filter(pair=pair))
    show_reports = may_see_reports(user, pair)
    reports = []
    if show_reports:
        reports = [
            {
                "report": report,
                # a draft's text is the coach's unfinished work (often still the prefill): list it, don't quote it
                "sections": [] if report.status == ThirtyDayReport.Status.DRAFT else report_sections(report),
            }
            for report in reports_visible_to(user).filter(pair=pair).select_related("template").order_by("period")
        ]
    growth = selectors.pair_growth(pair)
    # the growth page's charts, from the cache when they were drawn since the last observation
    version = chart_cache.pair_chart_version(pair.pk) if growth else None
    tools = [{"tool": tool, "chart": svg_data_uri(chart_cache.pair_chart_svg(tool, version))} for tool in growth]
    return {
        "pair": pair,
        "goals": goals,
        "months": meetings_by_month(meetings),
        "meeting_count": len(meetings),
        "meeting_minutes": sum(m.duration_minutes for m in meetings),
        "show_reports": show_reports,
        "reports": reports,
        "tools": tools,
        "plan_educator": plan_educator_current(pair),
        "cycle": selectors.pre_post_cycle_of(pair),
        # clips shared, reviewed, and the median days to first feedback (evidence provides them)
        "clips": annotations.clip_figures([pair.pk]).get(pair.pk),
    }


def pair_progress_title(pair: Pair) -> str:
    return f"Progress report: {pair.coach.full_name} and {pair.mentee.full_name}"


def pair_progress_report(pair: Pair, *, user) -> bytes:
    return pdf_render(
        "evaluation/pdf/pair_progress.html", pair_progress_context(pair, user=user), title=pair_progress_title(pair)
    )


def pair_progress_filename(pair: Pair) -> str:
    return download_name("progress-report", pair.coach.last_name, pair.mentee.last_name)


# --- long reports: a document job ---------------------------------------------------------------

KIND = "evaluation.pair_progress"
# Measured (docs/performance.md, docs/benchmarks/documents.md): 4 goals, 16 meetings and 4 reports
# (weight 44) lay out in about 0.5 s; 8 goals, 40 meetings and 10 reports (weight 104) in about 1.1 s. Above this weight the
# report is prepared in the background rather than holding the request.
IN_REQUEST_WEIGHT = 60


def report_weight(pair: Pair, *, user) -> int:
    """A cheap estimate of the report's length for this reader: a line or so per meeting and goal
    note, most of a page per 30-day report (only if the reader may see the reports)."""
    weight = Meeting.objects.held().filter(pair=pair).count()
    weight += Goal.objects.filter(pair=pair).count() + GoalNote.objects.filter(goal__pair=pair).count()
    if may_see_reports(user, pair):
        weight += 4 * ThirtyDayReport.objects.filter(pair=pair).count()
    return weight


def _job_pair(user, params: dict) -> Pair | None:
    """The pair of a job if ``user`` asked for it and may still see its growth; else None."""
    if params.get("viewer") != getattr(user, "pk", None):
        return None
    return growth_pair_for(user, params.get("pair"))


def _build(params: dict, progress) -> registry.Built:
    from pac.models import User

    viewer = User.objects.get(pk=params["viewer"])
    pair = _job_pair(viewer, params)
    if pair is None:
        raise LookupError("This pair's progress report is no longer available to you.")
    progress(10, "Collecting goals, meetings, reports and observations")
    context = pair_progress_context(pair, user=viewer)
    progress(40, f"Laying out {context['meeting_count']} meetings and {len(context['reports'])} reports")
    pdf = pdf_render("evaluation/pdf/pair_progress.html", context, title=pair_progress_title(pair))
    return registry.Built(content=pdf, filename=pair_progress_filename(pair))


registry.register(
    registry.DocumentKind(
        key=KIND,
        label="Pair progress report",
        build=_build,
        allowed=lambda user, params: _job_pair(user, params) is not None,
        source_url=lambda params: reverse("evaluation:pair_growth", args=[params.get("pair")]),
    )
)


@require_http_methods(["GET", "POST"])
def pair_progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the PDF at once when the report is short; for a long one, a page that offers to prepare
    it in the background. POST: prepare it as a document job (the reader's own copy)."""
    pair = growth_pair_or_404(request, pk)  # the same pairs, and the same question, as the growth page
    if request.method == "POST":
        job = document_job_request(
            user=request.user,
            kind=KIND,
            params={"pair": pair.pk, "viewer": request.user.pk},
            title=pair_progress_title(pair),
        )
        return redirect("documents:job", job_id=job.pk)
    if report_weight(pair, user=request.user) > IN_REQUEST_WEIGHT:
        return render(request, "evaluation/pair_progress_long.html", {"pair": pair, "title": pair_progress_title(pair)})
    return pdf_response(pair_progress_report(pair, user=request.user), pair_progress_filename(pair))
