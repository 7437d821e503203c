"""Video evidence: classroom clips a pair shares, the coach's time-stamped feedback on them, the
coach's video observation with its practice ratings, and the year's exemplar library.

Children appear in these clips. A clip exists only once its uploader has confirmed the families'
consent and the educators' agreement (kept on the clip, with who and when); it is seen only by its
pair (the leader when the mentee shares it, EEC staff when shared with EEC or in the library); its
video and poster files are removed under the retention rule while its record, comments and ratings
stay. Nothing a person wrote is deleted: comments are withdrawn, not removed."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coaching.models import Goal, Meeting
from evaluation.models import Dimension
from pac.models import AgeGroup, User
from pairings.models import Pair

# the words the uploader confirms; stored on the clip as they were shown
CONSENT_TEXT = (
    "The program holds written consent from the families of every child shown in this clip for recording "
    "and for sharing it with the coach, and every educator shown agrees to it being shared."
)
LIBRARY_CONSENT_TEXT = (
    "I agree that EEC may show this clip, with its CLASS and age-group tags, to the coaches, PLC facilitators "
    "and EEC staff of this program year as an example of practice. I can withdraw this at any time."
)
RATING_LABEL = "Coaching practice rating (not an official CLASS score)"


def clip_storage():
    """Clips and posters: local disk by default, S3-compatible object storage when configured
    (pac/settings/base.py, ``PAC_CLIP_STORAGE``). Never MEDIA_URL: served only through the
    permission-checked views."""
    return storages["clips"]


def _clip_path(clip: Clip, filename: str, what: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"clips/{clip.pair_id}/{clip.pk or 'new'}-{what}-{timezone.now():%Y%m%d%H%M%S}.{extension}"


def original_upload_to(clip: Clip, filename: str) -> str:
    return _clip_path(clip, filename, "original")


def video_upload_to(clip: Clip, filename: str) -> str:
    return _clip_path(clip, filename, "video")


def poster_upload_to(clip: Clip, filename: str) -> str:
    return _clip_path(clip, filename, "poster")


class ClipUpload(models.Model):
    """A resumable upload in progress: what the uploader typed (kept here so an interrupted upload
    resumes without asking again) and how many bytes have arrived in the staging file. The clip is
    made only when the last byte has arrived and the file reads as a video within the limits; a
    refused upload keeps its reason and no file."""

    class Status(models.TextChoices):
        OPEN = "open", "Uploading"
        COMPLETE = "complete", "Complete"
        REFUSED = "refused", "Refused"
        ABANDONED = "abandoned", "Abandoned"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="clip_uploads")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict, help_text="The clip's title, date, setting... as the uploader gave them.")
    filename = models.CharField(max_length=200, help_text="The file's name on the uploader's device (shown only).")
    size = models.PositiveBigIntegerField(help_text="The file's size in bytes, as the browser declared it.")
    received = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(max_length=500, blank=True)
    consent_confirmed_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    clip = models.OneToOneField("Clip", on_delete=models.PROTECT, null=True, blank=True, related_name="upload")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(received__lte=models.F("size")), name="upload_within_size")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.received} of {self.size} bytes)"

    @property
    def percent(self) -> int:
        return int(100 * self.received / self.size) if self.size else 0


class ClipQuerySet(models.QuerySet):
    def in_library(self) -> ClipQuerySet:
        return self.filter(
            library_promoted_at__isnull=False, library_consent_at__isnull=False, library_withdrawn_at__isnull=True
        )

    def awaiting_feedback(self) -> ClipQuerySet:
        """Clips the mentee shared that are playable and have no feedback from the coach yet."""
        return self.filter(
            status=Clip.Status.READY, first_feedback_at__isnull=True, removed_at__isnull=True, from_coach=False
        )


class Clip(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", "Being prepared for playback"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="clips")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    from_coach = models.BooleanField(default=False, help_text="A model lesson the coach recorded.")
    title = models.CharField(max_length=160)
    recorded_on = models.DateField("date recorded")
    setting = models.CharField(
        "classroom or setting", max_length=160, help_text="For example: Toddler room, circle time; or: staff meeting."
    )
    age_group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clips",
        help_text="The goal it shows work on.",
    )
    captions = models.TextField("captions (WebVTT)", blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clip it was recorded again for.",
    )
    # consent: the uploader's confirmation, kept with the clip
    consent_text = models.TextField()
    consent_confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    consent_confirmed_at = models.DateTimeField()
    # the file, then its web-playable copy and poster
    original = models.FileField(storage=clip_storage, upload_to=original_upload_to, max_length=300, blank=True)
    original_format = models.CharField(max_length=10, help_text="What the file was recognised as: MP4, MOV, WebM.")
    size = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    video = models.FileField(storage=clip_storage, upload_to=video_upload_to, max_length=300, blank=True)
    poster = models.FileField(storage=clip_storage, upload_to=poster_upload_to, max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=600, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took it: another waits until it is done or stale."
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    # who else sees it
    shared_with_leader_at = models.DateTimeField(null=True, blank=True)
    shared_with_eec_at = models.DateTimeField(null=True, blank=True)
    # feedback turnaround (set once, by the coach's first comment or observation)
    first_feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the mentee last marked the feedback read (new feedback is newer than this).",
    )
    last_feedback_at = models.DateTimeField(null=True, blank=True)
    # return for resubmission
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    return_reason = models.CharField("why a new clip is needed", max_length=500, blank=True)
    # the exemplar library: the educator's own consent, then staff's promotion with tags
    library_consent_text = models.TextField(blank=True)
    library_consent_at = models.DateTimeField(null=True, blank=True)
    library_consent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    library_withdrawn_at = models.DateTimeField(null=True, blank=True)
    library_promoted_at = models.DateTimeField(null=True, blank=True)
    library_promoted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    library_dimensions = models.ManyToManyField(
        Dimension, blank=True, related_name="+", verbose_name="CLASS dimensions"
    )
    # retention
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClipQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["progress", "stage"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pair", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(consent_text=""), name="clip_has_consent"),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True) | ~models.Q(return_reason=""),
                name="clip_return_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(library_promoted_at__isnull=True) | models.Q(library_consent_at__isnull=False),
                name="library_clip_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_playable(self) -> bool:
        return self.status == self.Status.READY and not self.is_removed and bool(self.video)

    @property
    def in_library(self) -> bool:
        return bool(self.library_promoted_at and self.library_consent_at and not self.library_withdrawn_at)

    @property
    def has_unread_feedback(self) -> bool:
        """Feedback newer than the mentee's last "read" (My work lists it until then)."""
        return bool(
            self.last_feedback_at and (not self.feedback_seen_at or self.feedback_seen_at < self.last_feedback_at)
        )

    @property
    def has_library_consent(self) -> bool:
        return bool(self.library_consent_at and not self.library_withdrawn_at)


class Comment(models.Model):
    """A time-stamped comment on a clip by the coach (typed, optionally tagged with a CLASS dimension
    and a goal), a reply in its thread, or a private note only its author sees."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", "Strength"
        GROWTH = "growth", "Opportunity for growth"
        QUESTION = "question", "Question"
        NOTE = "note", "Note"

    clip = models.ForeignKey(Clip, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    at_ms = models.PositiveIntegerField("time in the clip (ms)", default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="CLASS dimension"
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_private = models.BooleanField("private note", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at_ms", "pk"]
        indexes = [models.Index(fields=["clip", "at_ms"])]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="comment_has_text")]

    def __str__(self) -> str:
        return f"{self.timecode} {self.get_kind_display()}"

    @property
    def seconds(self) -> float:
        return self.at_ms / 1000

    @property
    def timecode(self) -> str:
        return timecode(self.at_ms / 1000)


def timecode(seconds: float) -> str:
    """3:07, or 1:02:05 past an hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class VideoObservation(models.Model):
    """The coach's observation of one clip: practice ratings on the CLASS dimensions seen (a coaching
    rating, never an official CLASS score), a summary and next steps. Optionally logged as a
    meeting of modality "video clip review"."""

    clip = models.OneToOneField(Clip, on_delete=models.PROTECT, related_name="observation")
    coach = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    next_steps = models.TextField(blank=True)
    completed_at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Video observation of {self.clip}"


class PracticeRating(models.Model):
    observation = models.ForeignKey(VideoObservation, on_delete=models.PROTECT, related_name="ratings")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(RATING_LABEL, validators=[MinValueValidator(1), MaxValueValidator(7)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__domain__order", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "dimension"], name="one_rating_per_dimension"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=7), name="practice_rating_1_to_7"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.rating}"


class RetentionSettings(models.Model):
    """How long a clip's video and poster are kept after its pair ends (one row, in the admin)."""

    days_after_pair_ends = models.PositiveSmallIntegerField(
        "remove clip videos this many days after the pair ends", default=180
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "clip retention"

    def __str__(self) -> str:
        return f"Clip videos removed {self.days_after_pair_ends} days after the pair ends"

    @classmethod
    def current(cls) -> RetentionSettings:
        default = getattr(settings, "PAC_CLIP_RETENTION_DAYS", 180)
        return cls.objects.order_by("pk").first() or cls.objects.create(days_after_pair_ends=default)
