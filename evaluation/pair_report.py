"""The pair progress report: one PDF of a pair's year (goals and their notes, meetings by month,
30-day reports, CLASS pre/post scores with the growth chart), rendered in the request.

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
from django.views.decorators.http import require_GET

from coaching.documents import report_sections
from coaching.models import Goal, GoalNote, Meeting, ThirtyDayReport
from coaching.permissions import reports_visible_to
from pac.documents.render import download_name, pdf_render, pdf_response, svg_data_uri
from pairings.models import Pair

from . import charts, selectors
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
        .select_related("area")
        .prefetch_related(Prefetch("notes", queryset=GoalNote.objects.order_by("noted_on", "pk")))
        .order_by("pk")
    )
    meetings = list(Meeting.objects.filter(pair=pair))
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
    tools = []
    for tool in selectors.pair_growth(pair):
        _, thresholds = selectors.reference_figures(tool.instrument)
        svg = charts.score_bars(
            tool.chart_bars(),
            title=f"{tool.instrument.name}: domain scores by time point",
            thresholds=selectors.chart_thresholds(thresholds),
        )
        tools.append({"tool": tool, "chart": svg_data_uri(svg)})
    return {
        "pair": pair,
        "goals": goals,
        "months": meetings_by_month(meetings),
        "meeting_count": len(meetings),
        "meeting_minutes": sum(m.duration_minutes for m in meetings),
        "show_reports": show_reports,
        "reports": reports,
        "tools": tools,
    }


def pair_progress_title(pair: Pair) -> str:
    return f"Progress report: {pair.coach.full_name} and {pair.mentee.full_name}"


def pair_progress_report(pair: Pair, *, user) -> bytes:
    return pdf_render(
        "evaluation/pdf/pair_progress.html", pair_progress_context(pair, user=user), title=pair_progress_title(pair)
    )


@require_GET
def pair_progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pair = growth_pair_or_404(request, pk)  # the same pairs, and the same question, as the growth page
    pdf = pair_progress_report(pair, user=request.user)
    return pdf_response(pdf, download_name("progress-report", pair.coach.last_name, pair.mentee.last_name))
