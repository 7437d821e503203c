"""Coaching PDFs: a 30-day report (rendered in the request) and the page where a coach, or staff
for any coach, asks for a coach's reports over a date range as one PDF (a document job)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pac.documents.models import DocumentJob
from pac.documents.render import pdf_response
from pac.documents.services import document_job_request
from pac.models import Person, ProgramYear
from pac.permissions import is_eec_staff
from pac.views import is_id

from . import documents
from .forms import CoachReportsForm
from .permissions import reports_visible_to


@require_GET
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """The same people as the report page (the coach and staff), any status; a draft is marked."""
    report = get_object_or_404(reports_visible_to(request.user).select_related(*documents.REPORT_RELATED), pk=report_id)
    return pdf_response(documents.report_pdf(report), documents.report_filename(report))


def _default_range() -> tuple:
    from django.utils import timezone

    today = timezone.localdate()
    year = ProgramYear.objects.current()
    if year is not None and (year.ends_on - year.starts_on).days <= CoachReportsForm.MAX_DAYS:
        return year.starts_on, min(year.ends_on, max(today, year.starts_on))
    return today.replace(day=1), today


@require_http_methods(["GET", "POST"])
def coach_reports(request: HttpRequest) -> HttpResponse:
    """Staff choose any coach; a coach asks for their own reports (and nobody else's)."""
    staff = is_eec_staff(request.user)
    person = getattr(request.user, "person", None)
    is_coach = person is not None and person.pairs_as_coach.exists()
    if not staff and not is_coach:
        raise PermissionDenied("A coach's 30-day reports are for the coach and EEC staff.")
    start, end = _default_range()
    initial = {"start": start, "end": end}
    if staff and is_id(request.GET.get("coach", "")):
        initial["coach"] = int(request.GET["coach"])
    form = CoachReportsForm(request.POST or None, initial=initial, choose_coach=staff)
    if request.method == "POST" and form.is_valid():
        coach: Person = form.cleaned_data["coach"] if staff else person
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        job = document_job_request(
            user=request.user,
            kind=documents.COACH_REPORTS,
            params=documents.coach_reports_params(coach=coach, start=start, end=end, requester=request.user),
            title=f"30-day reports: {coach.full_name}, {start:%b %-d, %Y} to {end:%b %-d, %Y}",
        )
        return redirect("documents:job", job_id=job.pk)
    recent = DocumentJob.objects.filter(requested_by=request.user, kind=documents.COACH_REPORTS).order_by(
        "-created_at"
    )[:5]
    return render(
        request,
        "coaching/coach_reports.html",
        {"form": form, "staff": staff, "recent": recent, "max_days": CoachReportsForm.MAX_DAYS},
    )
