"""Concurrent requests for the same document make one job: a database guarantee (a partial unique
constraint on the open job's requester, kind and parameters), not a read-then-write in the service.

Each request runs in its own thread with its own database connection, on committed data. A barrier
holds every request just before it inserts its job, after it has looked for an open one and found
none, which is exactly the window a read-then-write check leaves open."""

from __future__ import annotations

import contextlib
import datetime
import threading
from unittest import mock

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pac.documents.models import DocumentJob
from pac.documents.services import document_job_request, document_job_retry
from tests.coaching.test_views import make_pair
from tests.factories import UserFactory
from tests.pac import test_documents  # noqa: F401  (registers the "tests.sample" document)

pytestmark = pytest.mark.django_db(transaction=True)
Status = DocumentJob.Status
CONCURRENT = 4


def race(work, count: int = CONCURRENT) -> list:
    """Run ``work()`` in ``count`` threads at once; each has its own connection, closed after."""
    barrier = threading.Barrier(count, timeout=3)
    real_save = DocumentJob.save

    def save_at_the_same_time(self, *args, **kwargs):
        if self._state.adding:
            # every request has looked for an open job and found none; now they all insert (the
            # wait is cut short when one of them has returned the open job instead)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return real_save(self, *args, **kwargs)

    results, errors = [None] * count, []

    def run(index: int) -> None:
        try:
            results[index] = work()
        except Exception as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            connection.close()

    with (
        mock.patch.object(DocumentJob, "save", save_at_the_same_time),
        mock.patch("pac.documents.services.document_job_enqueue"),  # jobs stay open (no worker)
    ):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    close_old_connections()
    assert not errors, errors
    return results


def test_four_concurrent_requests_for_the_same_document_make_one_job():
    user = UserFactory()
    jobs = race(lambda: document_job_request(user=user, kind="tests.sample", params={"n": 7}, title="Sample"))
    assert DocumentJob.objects.filter(requested_by=user).count() == 1
    assert len({job.pk for job in jobs}) == 1  # every request was given the same job


@mock.patch("pac.documents.services.document_job_enqueue")  # jobs stay open (no worker)
def test_the_database_refuses_a_second_open_job_for_the_same_document(enqueue):
    user = UserFactory()
    first = document_job_request(user=user, kind="tests.sample", params={"n": 1, "a": [1, 2]}, title="Sample")
    with pytest.raises(IntegrityError), transaction.atomic():
        # the same parameters in another order are the same document
        DocumentJob.objects.create(requested_by=user, kind="tests.sample", params={"a": [1, 2], "n": 1}, title="x")
    # a finished job does not hold the place: asking again makes a new one
    DocumentJob.objects.filter(pk=first.pk).update(status=Status.DONE)
    again = document_job_request(user=user, kind="tests.sample", params={"a": [1, 2], "n": 1}, title="Sample")
    assert again.pk != first.pk
    # nor does a failed one, and retrying it while another is open gives the open one
    DocumentJob.objects.filter(pk=first.pk).update(status=Status.FAILED)
    assert document_job_retry(job=DocumentJob.objects.get(pk=first.pk), user=user).pk == again.pk
    assert DocumentJob.objects.get(pk=first.pk).status == Status.FAILED


@pytest.mark.usefixtures("seeded_transactional_db")
def test_four_concurrent_requests_for_a_coachs_report_range_make_one_job(staff_user, program_year):
    today = timezone.localdate()
    pair = make_pair(program_year, staff_user, started_days_ago=70)
    coach = pair.coach.user
    signed_in = Client()
    signed_in.force_login(coach)
    cookies = signed_in.cookies
    data = {"start": (today - datetime.timedelta(days=60)).isoformat(), "end": today.isoformat()}

    def post():
        client = Client()
        client.cookies = cookies
        response = client.post(reverse("coaching:coach_reports"), data)
        assert response.status_code == 302, response.content.decode()[:500]
        return response["Location"]

    locations = race(post)
    assert DocumentJob.objects.filter(requested_by=coach).count() == 1
    assert len(set(locations)) == 1  # every request was sent to the same job page
