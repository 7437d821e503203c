"""The embedded default (no Redis: Celery eager) runs document jobs outside the request, in the web
process's background thread: the request that asks returns at once and the job page shows the
job's progress until it is done, as it does with a worker."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import reverse

from pac.documents import registry
from pac.documents.models import DocumentJob
from pac.documents.services import document_job_request
from tests.pac import test_documents  # noqa: F401  (registers the "tests.sample" document)

pytestmark = pytest.mark.django_db(transaction=True)
Status = DocumentJob.Status
RELEASE = threading.Event()
BUILDER_THREADS: list[str] = []


def _slow_build(params: dict, progress) -> registry.Built:
    BUILDER_THREADS.append(threading.current_thread().name)
    progress(40, "Laying out the packets")
    if not RELEASE.wait(timeout=20):
        raise RuntimeError("never released")
    return registry.Built(content=b"slow document", filename="slow.txt", content_type="text/plain")


registry.register(
    registry.DocumentKind(key="tests.slow", label="Slow", build=_slow_build, allowed=lambda user, params: True)
)


@pytest.fixture
def embedded_default(settings):
    settings.PAC_DOCUMENT_JOBS_IN_THREAD = True  # as in local settings without REDIS_URL
    RELEASE.clear()
    BUILDER_THREADS.clear()
    yield
    RELEASE.set()


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_requested_document_is_made_outside_the_request_and_its_page_shows_progress(
    embedded_default, client, plain_user
):
    client.force_login(plain_user)
    started = time.monotonic()
    job = document_job_request(user=plain_user, kind="tests.slow", params={"n": 1}, title="Committee packets")
    assert time.monotonic() - started < 5  # returned while the document is still being made
    assert job.status == Status.QUEUED

    wait_for(lambda: DocumentJob.objects.filter(pk=job.pk, progress=40).exists())
    assert BUILDER_THREADS and BUILDER_THREADS[0].startswith("pac-documents")
    assert BUILDER_THREADS[0] != threading.current_thread().name
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert 'Status: <span data-status="running">Running</span>' in page
    assert 'value="40"' in page and "Laying out the packets" in page
    assert 'hx-trigger="every 2s"' in page  # the page keeps polling

    RELEASE.set()
    wait_for(lambda: DocumentJob.objects.filter(pk=job.pk, status=Status.DONE).exists())
    page = client.get(reverse("documents:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Download slow.txt" in page
    download = client.get(reverse("documents:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"slow document"


def test_a_failed_background_job_is_recorded_and_the_thread_goes_on(embedded_default, plain_user):
    RELEASE.set()
    failing = document_job_request(user=plain_user, kind="tests.sample", params={"n": 1, "fail": True}, title="x")
    after = document_job_request(user=plain_user, kind="tests.slow", params={"n": 2}, title="y")
    wait_for(lambda: DocumentJob.objects.filter(pk=after.pk, status=Status.DONE).exists())
    failing.refresh_from_db()
    assert failing.status == Status.FAILED and "RuntimeError" in failing.error


def test_with_a_worker_the_job_goes_to_the_broker_not_the_thread(embedded_default, plain_user):
    from unittest import mock

    from pac.celery import app

    app.conf.update(task_always_eager=False)  # a worker on Redis
    try:
        with mock.patch("pac.tasks.document_job_task.delay") as delay:
            job = document_job_request(user=plain_user, kind="tests.slow", params={"n": 3}, title="z")
    finally:
        app.conf.update(task_always_eager=True)
    delay.assert_called_once_with(str(job.pk))
    assert not BUILDER_THREADS
