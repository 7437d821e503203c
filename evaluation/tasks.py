"""Celery tasks for evaluation. Surveys keep theirs in evaluation/surveys/tasks.py."""

from celery import shared_task

from . import second_year
from .coach_reviews import reviews_open


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def coach_reviews_open_task() -> int:
    """Daily: open the six-month reviews that have come due (idempotent: one per coach and year,
    and the announcement emails carry outbox keys); then the second year's daily part: carry out
    decisions that were waiting for a program year that now exists, and end the pairs of coaches
    who do not continue once their year has ended (both idempotent)."""
    opened = reviews_open()
    second_year.sweep()
    return opened
