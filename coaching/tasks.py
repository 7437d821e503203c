"""Coaching reminders on Celery beat. Both tasks are idempotent (unique reminder keys and
idempotent outbox keys), so a retry or a second run sends nothing twice."""

from celery import shared_task

from .services import digest_send, reminders_sweep


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reminders_sweep_task() -> int:
    return reminders_sweep()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digest_send_task() -> int:
    return digest_send()
