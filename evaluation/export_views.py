"""Evaluators' (and staff's) de-identified downloads: CSV streamed row by row, XLSX built in a
write-only workbook. Both check the permission on every request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pac.models import ProgramYear
from pac.views import is_id

from .deidentified import DATASETS, csv_lines, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm("evaluation.export_deidentified"):
        raise PermissionDenied("De-identified data is for EEC staff and evaluators.")


def _year(request: HttpRequest) -> ProgramYear:
    year_id = request.GET.get("year", "")
    year = ProgramYear.objects.filter(pk=year_id).first() if is_id(year_id) else ProgramYear.objects.current()
    if year is None:
        raise Http404("No such program year.")
    return year


@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    _check(request)
    return render(
        request,
        "evaluation/exports.html",
        {"datasets": DATASETS.values(), "year": _year(request), "years": ProgramYear.objects.all()},
    )


@require_GET
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    _check(request)
    dataset = DATASETS.get(slug)
    if dataset is None or fmt not in ("csv", "xlsx"):
        raise Http404("No such dataset or format.")
    year = _year(request)
    headers, rows = dataset.build(year)
    filename = f"pac-{slug}-{year.starts_on:%Y}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(dataset.title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
