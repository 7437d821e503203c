"""The document job's declared workflow (DocumentJob.workflow): jobs move by compare-and-set
updates, so the journey reads the job's status after each step (and while it is built) and every
change must be an arrow of the table; a step from the wrong status moves nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pac.documents import registry
from pac.documents.models import DocumentJob
from pac.documents.services import _claim, document_job_retry, document_job_run, documents_sweep
from pac.workflow import TransitionError
from tests.workflows import assert_follows

pytestmark = pytest.mark.django_db

flow = DocumentJob.workflow
Status = DocumentJob.Status


class Watch:
    """The statuses a job has been seen in, as (from, to) changes."""

    def __init__(self, job: DocumentJob):
        self.job_id, self.last, self.seen = job.pk, job.status, []

    def look(self) -> None:
        status = DocumentJob.objects.values_list("status", flat=True).get(pk=self.job_id)
        if status != self.last:
            self.seen.append((self.last, status))
            self.last = status


WATCHING: list[Watch] = []


def _build(params: dict, progress) -> registry.Built:
    WATCHING[-1].look()  # running, while it is built
    if params.get("fail"):
        raise RuntimeError("the renderer failed")
    return registry.Built(content=b"done", filename="workflow.txt", content_type="text/plain")


registry.register(
    registry.DocumentKind(key="tests.workflow", label="Workflow", build=_build, allowed=lambda user, params: True)
)


def _job(user, **params) -> tuple[DocumentJob, Watch]:
    job = DocumentJob.objects.create(requested_by=user, kind="tests.workflow", params=params, title="Workflow")
    WATCHING.append(Watch(job))
    return job, WATCHING[-1]


def test_every_status_change_the_services_make_is_an_arrow_of_the_table(
    plain_user, settings, django_capture_on_commit_callbacks
):
    settings.PAC_DOCUMENT_STALE_MINUTES = 30
    failing, watch = _job(plain_user, fail=True)
    document_job_run(job_id=str(failing.pk))  # queued, running, failed
    watch.look()
    DocumentJob.objects.filter(pk=failing.pk).update(params={})  # the cause is fixed
    failing.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        document_job_retry(job=failing, user=plain_user)  # failed, queued
    watch.look()
    document_job_run(job_id=str(failing.pk))  # running, done
    watch.look()
    documents_sweep(now=timezone.now() + datetime.timedelta(days=30))  # done, expired
    watch.look()
    stalled, stall_watch = _job(plain_user)
    _claim(str(stalled.pk))  # queued, running, and its worker dies
    stall_watch.look()
    DocumentJob.objects.filter(pk=stalled.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    documents_sweep()  # running, failed
    stall_watch.look()
    assert watch.seen == [
        (Status.QUEUED, Status.RUNNING),
        (Status.RUNNING, Status.FAILED),
        (Status.FAILED, Status.QUEUED),
        (Status.QUEUED, Status.RUNNING),
        (Status.RUNNING, Status.DONE),
        (Status.DONE, Status.EXPIRED),
    ]
    assert stall_watch.seen == [(Status.QUEUED, Status.RUNNING), (Status.RUNNING, Status.FAILED)]
    assert_follows(flow, watch.seen + stall_watch.seen)


def test_a_step_the_table_does_not_allow_moves_nothing(plain_user):
    job, watch = _job(plain_user)
    assert document_job_run(job_id=str(job.pk)) is True
    assert not flow.can("claim", Status.DONE)
    assert document_job_run(job_id=str(job.pk)) is False  # a redelivered message: done stays done
    assert _claim(str(job.pk)) is False
    watch.look()
    assert watch.last == Status.DONE
    with pytest.raises(TransitionError, match="This document job is “Ready”; it cannot move to “Running”"):
        flow.require("claim", Status.DONE)
