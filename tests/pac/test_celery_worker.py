"""A real Celery worker on the real Redis: eager mode hides serialization and retry bugs."""

import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail

from pac.celery import app
from pac.models import OutboundEmail
from pac.services import email_queue


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


REDIS_URL = getattr(settings, "PAC_TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.redis,
    # the worker runs in another thread, so data must be committed; restore seeded data afterwards
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
    pytest.mark.skipif(not redis_reachable(REDIS_URL), reason="no Redis reachable at REDIS_URL (set REDIS_URL to run)"),
]


@pytest.fixture
def celery_worker_on_redis(celery_on_redis):
    with celery_on_redis():
        yield app


def test_a_queued_email_is_sent_by_a_real_worker(celery_worker_on_redis):
    import time

    email = email_queue(to=["coach@example.org"], subject="Sent by a worker", body_text="Hello from Celery")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == OutboundEmail.Status.SENT:
            break
        time.sleep(0.1)
    assert email.status == OutboundEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Sent by a worker"]


def test_the_reminder_sweep_runs_on_a_real_worker_and_its_email_leaves(
    celery_worker_on_redis, staff_user, program_year
):
    """The daily sweep, sent through Redis to a worker: the coach's "due soon" email is sent there."""
    import datetime
    import time

    from django.utils import timezone

    from coaching.models import Reminder
    from coaching.tasks import reminders_sweep_task
    from pairings.models import Pair
    from tests.coaching.test_views import make_pair

    pair = make_pair(program_year, staff_user, started_days_ago=27)  # report 1 due in 3 days
    reminders_sweep_task.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("due on" in m.subject for m in mail.outbox):
        time.sleep(0.2)
    assert [m.to for m in mail.outbox if "is due on" in m.subject] == [[pair.coach.email]]
    assert Reminder.objects.filter(pair=pair, stage="due_soon").count() == 1
    assert Pair.objects.get(pk=pair.pk).started_on == timezone.localdate() - datetime.timedelta(days=27)


def test_a_cohort_report_job_is_rendered_by_a_real_worker(celery_worker_on_redis, evaluator, program_year):
    """The cohort report goes through Redis (JSON: the job's id only) to a worker, which renders it
    and stores the file; the job ends done with a PDF a reader can open."""
    import io
    import time

    import pypdf

    from evaluation.documents import KIND
    from pac.documents.models import DocumentJob
    from pac.documents.services import document_job_request
    from tests.evaluation.test_scale import bulk_observed_pairs

    bulk_observed_pairs(program_year, 12)
    job = document_job_request(
        user=evaluator, kind=KIND, params={"year": str(program_year.pk), "instrument": "pre_k"}, title="Cohort report"
    )
    deadline = time.monotonic() + 60
    seen = set()
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add(job.status)
        if job.status in (DocumentJob.Status.DONE, DocumentJob.Status.FAILED):
            break
        time.sleep(0.1)
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.attempts == 1 and job.progress == 100
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(job.file.read())).pages)
    assert "12 of 12 pairs in scope have both a pre and a post" in text
