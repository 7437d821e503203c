"""Celery tasks for evaluation. Surveys keep theirs in evaluation/surveys/tasks.py."""

from celery import shared_task

from .coach_reviews import reviews_open


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def coach_reviews_open_task() -> int:
    """Daily: open the six-month reviews that have come due (idempotent: one per coach and year,
    and the announcement emails carry outbox keys)."""
    return reviews_open()
