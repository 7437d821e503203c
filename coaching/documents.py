"""Coaching PDFs: one 30-day report (rendered in the request), and a coach's reports for a date
range as one document (a job: it can run to dozens of reports).

Who sees what follows the report page: a 30-day report is the coach's report to EEC, for the coach
and EEC staff only (``coaching.view_report``); mentees and leaders never see it, on the web or in a
PDF.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from pac.documents import registry
from pac.documents.render import download_name, pdf_render
from pac.models import Person
from pac.permissions import is_eec_staff

from .models import ThirtyDayReport

COACH_REPORTS = "coaching.coach_reports"

# a report still being written (or back with the coach for revision) is marked as such on every page
UNSUBMITTED = (ThirtyDayReport.Status.DRAFT, ThirtyDayReport.Status.RETURNED)


# everything a report's PDF prints, fetched with the report in one query
REPORT_RELATED = ("pair__coach", "pair__mentee__program__region", "pair__program_year", "template", "reviewed_by")


def report_queryset() -> QuerySet[ThirtyDayReport]:
    return ThirtyDayReport.objects.select_related(*REPORT_RELATED)


def report_sections(report: ThirtyDayReport) -> list[tuple[str, str]]:
    """(question, answer) for each section of the report's template, in the template's order,
    then any answer whose section has since left the template (so nothing written is lost)."""
    sections = report.template.section_list()
    known = {key for key, _, _ in sections}
    out = [(title, (report.answers or {}).get(key, "")) for key, title, _ in sections]
    out += [
        (key.replace("_", " ").capitalize(), text) for key, text in (report.answers or {}).items() if key not in known
    ]
    return out


def _report_context(report: ThirtyDayReport) -> dict:
    return {
        "report": report,
        "pair": report.pair,
        "sections": report_sections(report),
        "is_draft": report.status == ThirtyDayReport.Status.DRAFT,
        "is_unsubmitted": report.status in UNSUBMITTED,
    }


def report_title(report: ThirtyDayReport) -> str:
    title = f"30-day report {report.period}: {report.pair.coach.full_name} and {report.pair.mentee.full_name}"
    return title + (" (DRAFT)" if report.status == ThirtyDayReport.Status.DRAFT else "")


def report_pdf(report: ThirtyDayReport) -> bytes:
    """One 30-day report as PDF. Pass a report from ``report_queryset()`` (no further queries).

    A draft may be printed (the report page shows drafts to the coach and staff too); it says
    "Draft: not submitted" in its title and in a banner at the top, so a printed draft is never
    mistaken for the report sent to EEC."""
    return pdf_render("coaching/pdf/report.html", _report_context(report), title=report_title(report))


def report_filename(report: ThirtyDayReport) -> str:
    parts = ["30-day-report", str(report.period), report.pair.coach.last_name, report.pair.mentee.last_name]
    if report.status == ThirtyDayReport.Status.DRAFT:
        parts.append("draft")
    return download_name(*parts)


# --- a coach's reports for a date range (a document job) ----------------------------------------


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(str(value))


def coach_reports(
    *, coach: Person, start: datetime.date, end: datetime.date, include_drafts: bool
) -> QuerySet[ThirtyDayReport]:
    """The coach's reports whose period overlaps ``start``–``end``, oldest first.

    Drafts are the coach's unfinished work: a bundle asked for by the coach includes them (marked
    "Draft"), one asked for by staff holds only what the coach has handed in (submitted,
    acknowledged, or returned for revision), which is what EEC reviews."""
    reports = report_queryset().filter(pair__coach=coach, period_start__lte=end, period_end__gte=start)
    if not include_drafts:
        reports = reports.exclude(status=ThirtyDayReport.Status.DRAFT)
    return reports.order_by("period_start", "pair__mentee__last_name", "pair_id", "period")


def coach_reports_params(*, coach: Person, start: datetime.date, end: datetime.date, requester) -> dict:
    """The job's parameters. ``drafts`` is true only when the coach asks for their own reports."""
    return {
        "coach": coach.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "drafts": coach.user_id is not None and coach.user_id == requester.pk,
    }


def coach_reports_allowed(user, params: dict) -> bool:
    """Staff, or the coach themself. Drafts only ever go to the coach (asked again at download)."""
    if not user.is_authenticated:
        return False
    try:
        coach_id = int(params["coach"])
        _date(params["start"]), _date(params["end"])
    except (KeyError, TypeError, ValueError):
        return False
    is_coach = Person.objects.filter(pk=coach_id, user_id=user.pk).exists()
    if params.get("drafts"):
        return is_coach
    return is_coach or is_eec_staff(user)


def coach_reports_build(params: dict, progress: registry.Progress) -> registry.Built:
    coach = Person.objects.get(pk=int(params["coach"]))
    start, end = _date(params["start"]), _date(params["end"])
    reports = list(coach_reports(coach=coach, start=start, end=end, include_drafts=bool(params.get("drafts"))))
    total = len(reports)
    bodies = []
    for index, report in enumerate(reports, start=1):
        progress(int(80 * (index - 1) / max(total, 1)), f"Report {index} of {total}")
        html = render_to_string("coaching/pdf/_report_body.html", {**_report_context(report), "hl": 3})
        bodies.append(mark_safe(html))  # noqa: S308  (the template's own output, already escaped)
    progress(80, f"Laying out {total} report{'s' if total != 1 else ''}")
    title = f"30-day reports: {coach.full_name}, {start:%b %-d, %Y} to {end:%b %-d, %Y}"
    pdf = pdf_render(
        "coaching/pdf/coach_reports.html",
        {
            "coach": coach,
            "start": start,
            "end": end,
            "reports": list(zip(reports, bodies, strict=True)),
            "include_drafts": bool(params.get("drafts")),
        },
        title=title,
    )
    return registry.Built(
        content=pdf, filename=download_name("30-day-reports", coach.last_name, coach.first_name, str(start), str(end))
    )


def coach_reports_source_url(params: dict) -> str:
    return reverse("coaching:coach_reports") + f"?coach={params.get('coach', '')}"


registry.register(
    registry.DocumentKind(
        key=COACH_REPORTS,
        label="A coach's 30-day reports",
        build=coach_reports_build,
        allowed=coach_reports_allowed,
        source_url=coach_reports_source_url,
    )
)
