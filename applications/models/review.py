"""Tier 2 committee review and Tier 3 interviews: committees, rubrics, assignments, scores, slots."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pac.models import ProgramYear, Region, User

from ..roles import ApplicantRole
from .application import Application
from .loaded import RemembersLoadedValues


class Tier(models.IntegerChoices):
    APPLICATION = 2, "Tier 2: application review"
    INTERVIEW = 3, "Tier 3: interview"


class Committee(models.Model):
    """A review committee (at least three people) for a program year, optionally scoped to a
    region and a role. Its members review applications (Tier 2) and sit on interview panels."""

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=120)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty to review every region.",
    )
    role = models.CharField(
        max_length=10, choices=ApplicantRole.choices, blank=True, help_text="Leave empty to review every role."
    )
    members = models.ManyToManyField(User, through="CommitteeMember", related_name="committees")
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.program_year})"

    def covers(self, application: Application) -> bool:
        if self.role and self.role != application.role:
            return False
        return not (self.region_id and application.program_id and application.program.region_id != self.region_id)


class CommitteeMember(models.Model):
    """A seat on a review committee. The model's committees "may include a member of the Advisory
    Panel, an EEC representative and other representatives": whether a member sits on the Advisory
    Panel is read from the year's panel (``pac.AdvisoryPanel``, ``pac.selectors``), never stored here,
    so ``kind`` says only whether they come from EEC."""

    class Kind(models.TextChoices):
        EEC = "eec", "EEC representative"
        OTHER = "other", "Other representative (or an Advisory Panel member)"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="committee_memberships")
    kind = models.CharField(
        max_length=16,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="Advisory Panel members are recognised from the year's Advisory Panel (Directory).",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="one_membership_per_committee")]

    def __str__(self) -> str:
        return f"{self.user} in {self.committee}"


class Rubric(models.Model):
    """What reviewers score, per role and tier. Staff maintain criteria in the admin."""

    role = models.CharField(max_length=10, choices=ApplicantRole.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.APPLICATION)
    name = models.CharField(max_length=120)
    instructions = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "tier"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()}, tier {self.tier})"


class Criterion(RemembersLoadedValues, models.Model):
    REMEMBERED = ("weight",)  # standings are recomputed when it changes

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveSmallIntegerField(default=0)
    anchor_1 = models.CharField("1 means", max_length=300)
    anchor_2 = models.CharField("2 means", max_length=300, blank=True)
    anchor_3 = models.CharField("3 means", max_length=300)
    anchor_4 = models.CharField("4 means", max_length=300, blank=True)
    anchor_5 = models.CharField("5 means", max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rubric", "order", "pk"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.name

    @property
    def anchors(self) -> list[tuple[int, str]]:
        return [(n, getattr(self, f"anchor_{n}")) for n in range(1, 6)]


class ReviewAssignment(RemembersLoadedValues, models.Model):
    """One reviewer's review of one application at one tier."""

    REMEMBERED = ("status", "reviewer_id", "application_id", "tier")  # what standings are computed from

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RECUSED = "recused", "Recused (conflict of interest)"
        WITHDRAWN = "withdrawn", "Removed by staff"

    ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED)
    OPENED = (Status.IN_PROGRESS, Status.SUBMITTED)  # the reviewer has declared no conflict of interest

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="review_assignments")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.APPLICATION)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASSIGNED, db_index=True)
    conflict_declared_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(null=True, blank=True)
    conflict_reason = models.TextField(blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("overall comment", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "tier", "pk"]
        indexes = [
            # overdue reviews (the progress page's count, filter and reminder): open and past due
            models.Index(
                fields=["due_on"],
                condition=models.Q(status__in=["assigned", "in_progress"]),
                name="assignment_open_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "tier"],
                condition=models.Q(status__in=["assigned", "in_progress", "submitted", "recused"]),
                name="one_assignment_per_reviewer_and_tier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application.reference} (tier {self.tier})"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RECUSED, self.Status.WITHDRAWN)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in (self.Status.ASSIGNED, self.Status.IN_PROGRESS) and bool(self.due_on) and self.due_on < today
        )


class Score(RemembersLoadedValues, models.Model):
    REMEMBERED = ("value", "criterion_id", "assignment_id")  # what standings are computed from

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="score_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Standing(models.Model):
    """Where an application stands after its submitted reviews of one tier: the figures the
    results, decisions and application pages show, kept by ``applications.services.standings``.

    Derived data, never edited: a standing is recomputed for its whole year and tier (z-scores
    and ranks depend on every review of the year) in the transaction that changes what it is
    computed from, and ``manage.py standings_rebuild`` recomputes every one. Only applications
    that reached review (not in ``UNRANKED_STAGES``) and have at least one submitted review have one."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="standings")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    # the application's year, role and region when it was ranked: the group its rank is within
    program_year = models.ForeignKey(ProgramYear, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=ApplicantRole.choices)
    region_number = models.PositiveSmallIntegerField(help_text="Its program's region (0: no program).")
    review_count = models.PositiveSmallIntegerField()
    mean = models.FloatField(help_text="Mean of the reviews' plain means.")
    weighted_total = models.FloatField(help_text="Mean of the reviews' weighted totals.")
    normalised = models.FloatField(help_text="Mean of the reviewers' z-scores.")
    rank = models.PositiveIntegerField(help_text="Within role and region, 1 first.")
    disagreement_criteria = models.TextField(
        blank=True, help_text="Criteria (ids, comma-separated) on which reviewers differ by two points or more."
    )
    computed_at = models.DateTimeField(help_text="When these figures last changed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "tier"], name="one_standing_per_application_and_tier")
        ]
        # the results page: a year and tier, by role, region and rank, fifty at a time
        indexes = [models.Index(fields=["program_year", "tier", "role", "region_number", "rank"])]

    def __str__(self) -> str:
        return f"{self.application_id} tier {self.tier}: rank {self.rank}"

    @property
    def disagreement(self) -> list[int]:
        """The criterion ids where reviewers differ by two points or more, in order."""
        return sorted(int(c) for c in self.disagreement_criteria.split(",") if c)


class InterviewSlot(models.Model):
    """A Tier 3 interview time with its panel (at least three people)."""

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="interview_slots")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=45, validators=[MinValueValidator(10)])
    location = models.CharField(max_length=200, blank=True, help_text="An address, or empty for a video interview.")
    video_link = models.URLField(blank=True)
    panel = models.ManyToManyField(User, related_name="interview_slots")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="interview_slot"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[panel])

    class Meta:
        ordering = ["starts_at"]
        # the interviews page: the year's slots to come, or past, in time order
        indexes = [models.Index(fields=["program_year", "starts_at"], name="interviewslot_year_start")]

    def __str__(self) -> str:
        return f"Interview {timezone.localtime(self.starts_at):%b %-d, %Y %-I:%M %p}"

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def where(self) -> str:
        return self.location or self.video_link or "to be confirmed"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()
