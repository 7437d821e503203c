"""Coaching's Celery beat tasks: the reminders and the digest (idempotent through unique reminder
keys and idempotent outbox keys, so a retry or a second run sends nothing twice), and the opening
of 30-day report drafts as their periods start (idempotent: one draft per pair and period)."""

from celery import shared_task

from .services import digest_send, reminders_sweep, reports_open_due


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reminders_sweep_task() -> int:
    return reminders_sweep()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digest_send_task() -> int:
    return digest_send()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reports_open_task() -> int:
    """Hourly (pac.settings CELERY_BEAT_SCHEDULE): the drafts of the periods that have started."""
    return reports_open_due()
