"""Formative interviews: the model's "periodic interviews by panel members or EEC" in the ongoing
evaluation of coaches, Mentees and Mentee Administrators.

Staff schedule an interview (who, with whom, when); the interviewer records the answers to a short
structured protocol: closed (one choice) and open questions that staff edit in the admin. A protocol
version that has recorded interviews never changes (the model refuses it): staff make a new version,
so every recorded answer keeps the question it answered. Nothing is deleted: an interview that will
not happen is cancelled with a reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class InterviewProtocol(models.Model):
    """One version of the questions asked of one audience (coaches, or Mentees and MAs)."""

    class Audience(models.TextChoices):
        COACH = "coach", "Coaches (Consultant Teachers and Consultant Administrators)"
        MENTEE = "mentee", "Mentees and Mentee Administrators"

    CONTENT_FIELDS = ("audience", "name", "introduction")

    audience = models.CharField(max_length=8, choices=Audience.choices)
    version = models.PositiveSmallIntegerField(editable=False)
    name = models.CharField(max_length=120)
    introduction = models.TextField(
        blank=True, help_text="What the interviewer says first: the purpose of the interview and who reads it."
    )
    is_active = models.BooleanField(
        default=True, help_text="New interviews use the audience's active version (one at a time)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["audience", "-version"]
        verbose_name = "interview protocol"
        constraints = [
            models.UniqueConstraint(fields=["audience", "version"], name="one_protocol_version_per_audience"),
            models.UniqueConstraint(
                fields=["audience"], condition=models.Q(is_active=True), name="one_active_protocol_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            if not self.version:
                latest = InterviewProtocol.objects.filter(audience=self.audience).aggregate(v=models.Max("version"))
                self.version = (latest["v"] or 0) + 1
        else:
            stored = InterviewProtocol.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            changed = stored and any(stored[f] != getattr(self, f) for f in self.CONTENT_FIELDS)
            if changed and self.is_in_use():
                raise ValidationError(self.IN_USE)
        super().save(*args, **kwargs)

    IN_USE = (
        "This version has recorded interviews, so its wording cannot change: make a new version "
        "(the list's action “Make a new version of the selected protocols”)."
    )

    def is_in_use(self) -> bool:
        """Whether any interview was recorded with this version (then it is frozen)."""
        return self.pk is not None and self.interviews.filter(status=FormativeInterview.Status.RECORDED).exists()


class InterviewQuestion(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", "Closed: one choice (given to evaluators, de-identified)"
        OPEN = "open", "Open: the interviewer writes the answer (staff and the panel only)"

    protocol = models.ForeignKey(InterviewProtocol, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.CharField(max_length=300)
    choices = models.TextField(blank=True, help_text="Closed questions: one option a line.")
    guidance = models.CharField(
        max_length=300, blank=True, help_text="For the interviewer: a prompt or what to listen for."
    )
    required = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["protocol", "order", "pk"]
        verbose_name = "interview question"

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        if InterviewProtocol(pk=self.protocol_id).is_in_use():
            raise ValidationError(InterviewProtocol.IN_USE)
        super().save(*args, **kwargs)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class FormativeInterview(models.Model):
    """One interview of a coach, Mentee or MA in a program year, informing a coach's six-month
    review: the interviewee's own if they coach, else their coach's."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        RECORDED = "recorded", "Recorded"
        CANCELLED = "cancelled", "Cancelled"

    class Capacity(models.TextChoices):
        PANEL = "panel", "Advisory Panel member"
        STAFF = "staff", "EEC staff"

    ROLES = [
        ("ct", "Consultant Teacher"),
        ("ca", "Consultant Administrator"),
        ("mentee", "Mentee"),
        ("ma", "Mentee Administrator"),
    ]
    COACH_ROLES = ("ct", "ca")

    program_year = models.ForeignKey("pac.ProgramYear", on_delete=models.PROTECT, related_name="formative_interviews")
    interviewee = models.ForeignKey("pac.Person", on_delete=models.PROTECT, related_name="formative_interviews")
    interviewee_role = models.CharField(max_length=8, choices=ROLES)
    pair = models.ForeignKey(
        "pairings.Pair",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formative_interviews",
        help_text="A Mentee's or MA's pair when the interview was scheduled.",
    )
    coach = models.ForeignKey(
        "pac.Person",
        on_delete=models.PROTECT,
        related_name="formative_interviews_about",
        help_text="The coach whose six-month review shows the interview.",
    )
    interviewer = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="formative_interviews_held")
    interviewer_capacity = models.CharField(max_length=8, choices=Capacity.choices)
    scheduled_on = models.DateField()
    protocol = models.ForeignKey(InterviewProtocol, on_delete=models.PROTECT, related_name="interviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    scheduled_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)
    held_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_on", "pk"]
        verbose_name = "formative interview"
        constraints = [
            models.UniqueConstraint(
                fields=["interviewee", "interviewer", "scheduled_on"],
                condition=models.Q(status="scheduled"),
                name="one_open_interview_per_pair_of_people_and_day",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="recorded")
                | models.Q(held_on__isnull=False, recorded_at__isnull=False, recorded_by__isnull=False),
                name="recorded_interview_has_record",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled")
                | (models.Q(cancelled_at__isnull=False) & ~models.Q(cancel_reason="")),
                name="cancelled_interview_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Formative interview with {self.interviewee} ({self.scheduled_on:%Y-%m-%d})"

    @property
    def is_about_a_mentee(self) -> bool:
        return self.interviewee_role not in self.COACH_ROLES


class InterviewAnswer(models.Model):
    """The interviewer's record of one answer: a choice for a closed question, text for an open one."""

    interview = models.ForeignKey(FormativeInterview, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(InterviewQuestion, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["interview", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "question"], name="one_answer_per_interview_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice or self.text[:30]}"
