"""Background jobs of the shared directory. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import OutboundEmail
from .services import EmailSendError, email_send


@shared_task(bind=True, acks_late=True, max_retries=5)
def email_send_task(self, email_id: int) -> bool:
    """Send one outbox email. Redelivered after success it does nothing; a mail-server
    failure retries with backoff, and the sweep covers anything the retries miss."""
    try:
        return email_send(email_id=email_id)
    except OutboundEmail.DoesNotExist:
        return False
    except EmailSendError as exc:
        if self.request.is_eager:
            return False  # no worker to back off in; the sweep retries it later
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


@shared_task(acks_late=True)
def email_retry_unsent(batch_size: int = 500) -> int:
    """Beat sweep: re-enqueue queued emails that no worker has sent (the broker was down
    when they were queued, or retries ran out). Returns how many were enqueued."""
    now = timezone.now()
    stale = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lt=now - timedelta(minutes=2))
    ids = list(
        stale.exclude(last_attempt_at__gt=now - timedelta(minutes=5))
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    for email_id in ids:
        email_send_task.delay(email_id)
    return len(ids)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=720)
def document_job_task(job_id: str) -> bool:
    """Render one document job. Safe to run twice: only a queued job is claimed, so a redelivered
    message (or a second worker) does nothing. A failure is recorded on the job for a retry; a
    document that takes more than ten minutes is stopped (soft limit, recorded as a failure) well
    before the sweep's PAC_DOCUMENT_STALE_MINUTES would call its worker dead."""
    from .documents.services import document_job_run

    return document_job_run(job_id=job_id)


@shared_task(acks_late=True)
def documents_sweep_task() -> dict[str, int]:
    """Beat: expire old files, fail stalled jobs, re-enqueue undelivered ones."""
    from .documents.services import documents_sweep

    return documents_sweep()
