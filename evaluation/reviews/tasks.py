"""The daily task that opens six-month coach reviews. It takes no ids: it reads the current program
year fresh each run, and opening is idempotent (one review per coach and year, outbox keys on the
announcements), so a retried or doubled run changes nothing."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def coach_reviews_open_task() -> int:
    from .services import reviews_open

    return reviews_open()
