"""A person's document jobs: progress (polled with htmx), download, retry. Only the person who
asked for a job sees it (anyone else gets a 404), and the download asks the document's own
permission question again, so someone who has lost access since cannot fetch the file."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import registry
from .models import DocumentJob
from .services import document_job_retry


def _job(request: HttpRequest, job_id: uuid.UUID) -> DocumentJob:
    job = DocumentJob.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise Http404("No such document.")
    return job


def _source_url(job: DocumentJob) -> str:
    try:
        kind = registry.get(job.kind)
    except registry.UnknownDocument:
        return ""
    return kind.source_url(job.params) if kind.source_url else ""


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = DocumentJob.objects.filter(requested_by=request.user).order_by("-created_at")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    template = "documents/job_list.html"
    if request.htmx:
        template += "#job-table"
    return render(
        request,
        template,
        {"page": page, "polling": any(job.is_unfinished for job in page.object_list)},
    )


@require_GET
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    template = "documents/job_detail.html"
    if request.htmx:
        template += "#job-status"
    return render(request, template, {"job": job, "source_url": _source_url(job)})


@require_GET
def job_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    try:
        allowed = registry.get(job.kind).allowed(request.user, job.params)
    except registry.UnknownDocument:
        allowed = False
    if not allowed:
        raise PermissionDenied("You may no longer see this document.")
    if job.has_expired():
        return render(request, "documents/expired.html", {"job": job, "source_url": _source_url(job)}, status=410)
    if not job.is_downloadable:
        messages.info(request, "This document is not ready yet.")
        return redirect("documents:job", job_id=job.pk)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        return render(request, "documents/expired.html", {"job": job, "missing": True}, status=410)
    response = FileResponse(handle, as_attachment=True, filename=job.filename, content_type=job.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def job_retry(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    if not job.can_retry:
        messages.info(request, "This document does not need a retry.")
        return redirect("documents:job", job_id=job.pk)
    retried = document_job_retry(job=job, user=request.user)
    messages.success(request, "The document is queued again.")
    return redirect("documents:job", job_id=retried.pk)
