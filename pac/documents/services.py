"""Document jobs: request, run (in a Celery task), retry, and the sweep that expires files,
re-enqueues jobs the broker never delivered and fails jobs whose worker died."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import registry
from .models import DocumentJob, params_digest

logger = logging.getLogger(__name__)
Status = DocumentJob.Status
flow = DocumentJob.workflow


def _move(step: str, jobs: QuerySet[DocumentJob], **fields) -> int:
    """Take ``step`` of ``DocumentJob.workflow`` for those of ``jobs`` in one of its source stages
    (a compare-and-set: a job that has moved on meanwhile is left alone); returns how many moved."""
    return jobs.filter(status__in=flow.sources(step)).update(status=flow.target(step), **fields)


def _ttl() -> timedelta:
    return timedelta(hours=settings.PAC_DOCUMENT_TTL_HOURS)


def _stale() -> timedelta:
    return timedelta(minutes=settings.PAC_DOCUMENT_STALE_MINUTES)


def document_job_request(*, user, kind: str, params: dict, title: str) -> DocumentJob:
    """Queue a document for ``user``. Asking again for the same document while the first request
    is still queued or running returns that job (a double click makes one job, not two). The
    database guarantees it (a partial unique constraint on the open job's requester, kind and
    parameters): of concurrent requests one inserts, the others are given its job."""
    document = registry.get(kind)
    if not document.allowed(user, params):
        raise PermissionDenied("You may not request this document.")
    digest = params_digest(params)
    with transaction.atomic():
        existing = _open_job(user, kind, digest)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                job = DocumentJob.objects.create(requested_by=user, kind=kind, params=params, title=title[:300])
        except IntegrityError:
            # a concurrent request inserted the open job first (it has committed: the insert
            # waited for it); the constraint guarantees there is exactly one
            existing = _open_job(user, kind, digest)
            if existing is None:  # it finished in between: nothing open is left to give
                raise
            return existing
        transaction.on_commit(partial(document_job_enqueue, str(job.pk)))
    return job


def _open_job(user, kind: str, digest: str) -> DocumentJob | None:
    return DocumentJob.objects.filter(
        requested_by=user, kind=kind, params_hash=digest, status__in=DocumentJob.UNFINISHED
    ).first()


def document_job_enqueue(job_id: str) -> None:
    """Hand the job to a worker. If the broker is down the job stays queued and the sweep
    enqueues it later: a request never fails because Redis is briefly away. In the embedded
    default (no Redis: Celery runs tasks eagerly, in the caller) the job runs in the web process's
    own background thread instead, never inside the request (see _background)."""
    from pac.celery import app
    from pac.tasks import document_job_task

    DocumentJob.objects.filter(pk=job_id, status=Status.QUEUED).update(enqueued_at=timezone.now())
    if settings.PAC_DOCUMENT_JOBS_IN_THREAD and app.conf.task_always_eager:
        run_in_background("pac-documents", _run_job, job_id)
        return
    try:
        document_job_task.delay(job_id)
    except Exception:  # kombu raises several unrelated types when the broker is down
        logger.warning("Could not enqueue document job %s; the sweep will", job_id, exc_info=True)


_executors: dict[str, ThreadPoolExecutor] = {}
_executor_lock = threading.Lock()


def run_in_background(name: str, work, *args) -> None:
    """Run ``work(*args)`` in the web process's own thread called ``name`` (one per kind of work,
    one item at a time), when there is no Celery worker: the request that asks for it returns at
    once and its page shows progress, as it does with a worker (a committee's packets take minutes
    to lay out; a clip minutes to transcode). The thread uses its own database connection."""
    with _executor_lock:
        if name not in _executors:
            _executors[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        executor = _executors[name]
    executor.submit(_in_thread, name, work, *args)


def _in_thread(name: str, work, *args) -> None:
    close_old_connections()
    try:
        work(*args)
    except Exception:  # the work records its own failures; this is for the unexpected
        logger.exception("%s failed in the background thread (%s)", name, args)
    finally:
        connection.close()  # the thread's own connection, not left open between jobs


def _run_job(job_id: str) -> None:
    document_job_run(job_id=job_id)


def _claim(job_id: str) -> bool:
    """Mark the job running if it is queued: exactly one worker wins, a redelivered or duplicate
    message finds nothing to do."""
    return bool(
        _move(
            "claim",
            DocumentJob.objects.filter(pk=job_id),
            started_at=timezone.now(),
            progress=0,
            stage="Starting",
            error="",
            attempts=F("attempts") + 1,
        )
    )


def document_job_progress(job_id: str, percent: int, stage: str) -> None:
    DocumentJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
        progress=max(0, min(99, int(percent))), stage=stage[:200]
    )


def document_job_run(*, job_id: str) -> bool:
    """Build the document and store it. Returns True if this call produced the file.

    The document is rendered entirely in memory, then the file is saved and the job marked done
    together; if anything fails the job is marked failed with the error and no file is kept."""
    if not _claim(job_id):
        return False
    job = DocumentJob.objects.get(pk=job_id)
    stored_name = ""
    try:
        document = registry.get(job.kind)
        if not document.allowed(job.requested_by, job.params):
            raise PermissionDenied("The person who asked for this document may no longer see it.")
        built = document.build(job.params, partial(document_job_progress, job_id))
        job.file.save(built.filename, ContentFile(built.content), save=False)
        stored_name = job.file.name
        now = timezone.now()
        with transaction.atomic():
            updated = _move(
                "finish",
                DocumentJob.objects.filter(pk=job_id),
                progress=100,
                stage="Done",
                file=stored_name,
                filename=built.filename,
                content_type=built.content_type,
                size=len(built.content),
                finished_at=now,
                expires_at=now + _ttl(),
            )
        if not updated:  # the sweep gave up on this run meanwhile: keep the job as it is now
            job.file.storage.delete(stored_name)
            return False
        return True
    except Exception as exc:
        if stored_name:
            job.file.storage.delete(stored_name)
        message = str(exc) if isinstance(exc, PermissionDenied | registry.UnknownDocument) else ""
        logger.exception("Document job %s (%s) failed", job_id, job.kind)
        _move(
            "fail",
            DocumentJob.objects.filter(pk=job_id),
            stage="",
            finished_at=timezone.now(),
            error=message
            or f"The document could not be produced ({type(exc).__name__}). Retry it; if it "
            "fails again, EEC staff can see the details in the server log.",
        )
        return False


def document_job_retry(*, job: DocumentJob, user) -> DocumentJob:
    """Put a failed (or expired) job back in the queue, checking permission again."""
    if not job.can_retry:
        return job
    if not registry.get(job.kind).allowed(user, job.params):
        raise PermissionDenied("You may not request this document.")
    with transaction.atomic():
        if job.status == Status.EXPIRED:
            # an expired file is asked for afresh: a new job, so the old record stays as it was
            return document_job_request(user=user, kind=job.kind, params=job.params, title=job.title)
        try:
            with transaction.atomic():
                _move(
                    "retry",
                    DocumentJob.objects.filter(pk=job.pk),
                    progress=0,
                    stage="",
                    error="",
                    started_at=None,
                    finished_at=None,
                )
        except IntegrityError:
            # the same document was asked for again meanwhile and is open: that job is the answer
            open_job = _open_job(job.requested_by_id, job.kind, job.params_hash)
            if open_job is None:
                raise
            return open_job
        transaction.on_commit(partial(document_job_enqueue, str(job.pk)))
    job.refresh_from_db()
    return job


def documents_sweep(*, now=None) -> dict[str, int]:
    """Beat sweep: remove expired files, fail jobs whose worker died (running far longer than any
    document takes) and re-enqueue queued jobs that no worker picked up."""
    now = now or timezone.now()
    due = list(DocumentJob.objects.filter(status__in=flow.sources("expire"), expires_at__lte=now).only("pk", "file"))
    for job in due:
        if job.file:
            job.file.storage.delete(job.file.name)
    expired = _move(
        "expire", DocumentJob.objects.filter(pk__in=[job.pk for job in due]), file="", expired_at=now, stage=""
    )
    stalled = _move(
        "fail",
        DocumentJob.objects.filter(started_at__lt=now - _stale()),
        finished_at=now,
        stage="",
        error="The worker stopped before the document was finished. Nothing was saved; retry it.",
    )
    waiting = list(
        DocumentJob.objects.filter(status=Status.QUEUED, created_at__lt=now - timedelta(minutes=2))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - timedelta(minutes=5)))
        .values_list("pk", flat=True)[:500]
    )
    for job_id in waiting:
        document_job_enqueue(str(job_id))
    return {"expired": expired, "stalled": stalled, "requeued": len(waiting)}
