"""A document job: one request for a large document (a cohort report, a year of a coach's reports,
a committee's packets), rendered by a Celery task and downloaded through a permission-checked view.

The file is written only when the whole document has been rendered, in the same step that marks
the job done, so a worker that dies part way leaves a job without a file (which the sweep marks
failed and the requester can retry), never a half-written file offered for download. Files expire
(``PAC_DOCUMENT_TTL_HOURS``) and the beat sweep removes them; the row stays as the record of who
asked for what and when.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from pac.workflow import Transition, Workflow


def document_upload_to(job: DocumentJob, filename: str) -> str:
    # never the person-facing name: that stays in ``filename`` and is given on download
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"documents/{timezone.now():%Y/%m}/{job.pk}.{extension}"


def params_digest(params: dict) -> str:
    """The same parameters, in any key order, give the same digest."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


class DocumentJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    UNFINISHED = (Status.QUEUED, Status.RUNNING)
    # every step a job's status can take, and from where (drawn in docs/workflows.md). Jobs move by
    # compare-and-set updates (``filter(status__in=sources).update(status=target)``), so a worker
    # that finds its job no longer in a source stage simply does nothing
    workflow = Workflow(
        "DocumentJob",
        Status,
        [
            Transition("claim", (Status.QUEUED,), Status.RUNNING, "a worker starts it"),
            Transition("finish", (Status.RUNNING,), Status.DONE, "the file is stored"),
            Transition("fail", (Status.RUNNING,), Status.FAILED, "it fails, or its worker stops"),
            Transition("retry", (Status.FAILED,), Status.QUEUED, "the requester retries"),
            Transition("expire", (Status.DONE,), Status.EXPIRED, "the file's time is up"),
        ],
        initial=Status.QUEUED,
        noun="document job",
    )

    # a random id, so a job's links cannot be guessed (the views check permission as well)
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=64, db_index=True, help_text="Which document (see the registry).")
    params = models.JSONField(default=dict, blank=True, help_text="Ids and filters the document is built from.")
    params_hash = models.CharField(
        max_length=64, editable=False, default="", help_text="Digest of params: one open job per document."
    )
    title = models.CharField(max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=200, blank=True, help_text="What the worker is doing now.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=document_upload_to, blank=True)
    filename = models.CharField(max_length=200, blank=True, help_text="The name the download is given.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "document job"
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            # A person has at most one queued or running job for a document: concurrent requests
            # (a double click, four tabs) cannot make two, whatever the timing (PostgreSQL partial
            # unique index; the service returns the open job when its insert loses the race).
            models.UniqueConstraint(
                fields=["requested_by", "kind", "params_hash"],
                condition=models.Q(status__in=["queued", "running"]),
                name="document_job_one_open_per_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.params_hash = params_digest(self.params)
        if kwargs.get("update_fields") is not None and "params" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "params_hash"}
        super().save(*args, **kwargs)

    @property
    def is_unfinished(self) -> bool:
        return self.status in self.UNFINISHED

    @property
    def can_retry(self) -> bool:
        # an expired document is asked for afresh, as a new job
        return self.workflow.can("retry", self.status) or self.status == self.Status.EXPIRED

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.has_expired()

    def has_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (self.expires_at is not None and self.expires_at <= timezone.now())
