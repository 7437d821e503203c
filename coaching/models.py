"""Coaching: what a pair does together. Monthly meetings, goals and their progress, the 30-day
reports the coach files, and the reminders that keep them on time."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pac.models import OutboundEmail, Person, Tag, User
from pac.workflow import Transition, Workflow
from pairings.models import Pair

MEETING_MINUTES = (60, 90)


class MeetingQuerySet(models.QuerySet):
    def held(self) -> MeetingQuerySet:
        """Meetings that count: a withdrawn meeting stays on record (and in history) but is not counted."""
        return self.filter(withdrawn_at__isnull=True)

    def awaiting_confirmation(self) -> MeetingQuerySet:
        """Held meetings the mentee took part in and has not yet confirmed."""
        return self.held().filter(mentee_present=True, mentee_confirmed_at__isnull=True)


class Meeting(models.Model):
    """A coaching meeting, logged by the coach; the mentee can confirm it took place. The coach who
    logged it may correct it (every change is kept in its history) or withdraw it with a reason; a
    meeting is never deleted."""

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email exchange"
        CLIP_REVIEW = "clip_review", "Video clip review"

    class Purpose(models.TextChoices):
        RELATIONSHIP = "relationship", "Relationship building"
        ACTION_PLANNING = "action_planning", "Data review and action planning"
        OBSERVATION = "observation", "Observation"
        FOLLOW_UP = "follow_up", "Follow-up conference"
        LEADER_CHECK_IN = "leader_check_in", "Leader check-in"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    duration_reason = models.CharField(
        "why the meeting was shorter or longer than 60–90 minutes", max_length=300, blank=True
    )
    modality = models.CharField(max_length=12, choices=Modality.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    leader_present = models.BooleanField("the Program/Instructional Leader took part", default=False)
    mentee_present = models.BooleanField(
        "the Mentee took part",
        default=True,
        help_text="Untick for a leader check-in held without the Mentee; they are then not asked to confirm it.",
    )
    notes = models.TextField(blank=True)
    observed = models.TextField("what was observed", blank=True)
    next_steps = models.TextField("agreed next steps", blank=True)
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawal_reason = models.CharField("why the meeting is withdrawn", max_length=300, blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["pair", "held_on"]),
            # a month's meetings across every pair (staff's My work: who met last month)
            models.Index(fields=["held_on"], name="coaching_meeting_held_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="withdrawn_meeting_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} on {self.held_on:%b %-d, %Y}"

    @property
    def duration_outside_expectation(self) -> bool:
        """Coaching meetings are expected to last 60–90 minutes (leader check-ins are not)."""
        if self.purpose == self.Purpose.LEADER_CHECK_IN:
            return False
        low, high = MEETING_MINUTES
        return not low <= self.duration_minutes <= high

    @property
    def duration_note(self) -> str:
        """The warning shown wherever the duration is, with the coach's reason (one wording everywhere)."""
        if not self.duration_outside_expectation:
            return ""
        low, high = MEETING_MINUTES
        reason = self.duration_reason.strip()
        return (
            f"Outside {low}–{high} minutes: {reason}" if reason else f"Outside {low}–{high} minutes (no reason given)"
        )

    @property
    def is_leader_check_in(self) -> bool:
        return self.purpose == self.Purpose.LEADER_CHECK_IN or self.leader_present

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def awaits_confirmation(self) -> bool:
        return not self.is_withdrawn and self.mentee_present and self.mentee_confirmed_at is None


class PlanEducator(models.Model):
    """The one educator or classroom team a Mentee Administrator supports through the plan (the
    model: "one of the initial meetings will include identification of one educator or classroom
    team that receives support from the MA"). Named once, in the MA's plan; the pair's goals and
    CLASS observations point at it rather than repeating its name as free text.

    Choosing someone else later does not rewrite the past: the earlier row is marked replaced and
    kept, so a goal set or an observation made about the earlier educator still says whom it was
    about. At most one row of a pair is current (not replaced)."""

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="plan_educators")
    name = models.CharField(
        "educator or classroom team",
        max_length=160,
        help_text="The educator, or the classroom team, the Mentee Administrator supervises and supports "
        "through this plan (for example: Ana Ruiz, or the Toddler room team).",
    )
    classroom = models.CharField(
        max_length=120, blank=True, help_text="Their classroom or room, where CLASS observations take place."
    )
    named_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the Mentee Administrator chose another educator or team."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pair", "-named_at", "-pk"]
        verbose_name = "educator or classroom team in an MA's plan"
        verbose_name_plural = "educators or classroom teams in MAs' plans"
        constraints = [
            models.UniqueConstraint(
                fields=["pair"], condition=models.Q(replaced_at__isnull=True), name="one_current_plan_educator"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="plan_educator_has_a_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.classroom})" if self.classroom else self.name

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None


class Goal(models.Model):
    """A goal coach and mentee set together; the professional development plan is the set of them.
    A Mentee Administrator's goals are about the educator or classroom team named in the plan."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        MET = "met", "Met"
        DROPPED = "dropped", "Dropped"

    class Horizon(models.TextChoices):
        """The model's action plans hold both: steps for the coming 30 days and aims for the year."""

        LONG = "long", "Long-term (this program year)"
        SHORT = "short", "Short-term (this 30-day period)"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="goals")
    area = models.ForeignKey(
        Tag,
        on_delete=models.PROTECT,
        related_name="goals",
        help_text="The CLASS dimension, Core Competency area or QRIS standard it targets.",
    )
    title = models.CharField(max_length=200)
    horizon = models.CharField(
        max_length=5,
        choices=Horizon.choices,
        default=Horizon.LONG,
        help_text="A long-term goal is for the program year; a short-term one for the coming 30-day period.",
    )
    strategies = models.TextField(blank=True)
    recommended_training = models.TextField("recommended training or courses", blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    plan_educator = models.ForeignKey(
        PlanEducator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name="educator or classroom team",
        help_text="For a Mentee Administrator: the educator or team in the plan this goal is about "
        "(set from the plan when the goal is made).",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "target_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def horizon_word(self) -> str:
        """ "Long-term" or "Short-term", as a badge or a heading says it."""
        return self.get_horizon_display().split(" (")[0]


class GoalNote(models.Model):
    """A dated note of progress on a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="notes")
    noted_on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-noted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.noted_on}"


class ReportTemplate(models.Model):
    """The 30-day report template staff maintain (by default: actions taken, progress toward
    goals, next steps, support needed). Sections are "key: Title | help" lines."""

    name = models.CharField(max_length=120)
    sections = models.TextField(
        help_text="One section a line: key: Title | help text. Keys are short words (actions, progress, ...)."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "-created_at"]

    def __str__(self) -> str:
        return self.name

    def section_list(self) -> list[tuple[str, str, str]]:
        """(key, title, help) for each section."""
        out = []
        for line in self.sections.splitlines():
            if ":" not in line:
                continue
            key, _, rest = line.partition(":")
            title, _, help_text = rest.partition("|")
            if key.strip():
                out.append((key.strip().lower(), title.strip() or key.strip(), help_text.strip()))
        return out


class ThirtyDayReport(models.Model):
    """The coach's report for one 30-day period of a pair."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for revision"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    # every step a report's status can take, and from where (drawn in docs/workflows.md)
    workflow = Workflow(
        "ThirtyDayReport",
        Status,
        [
            Transition("submit", (Status.DRAFT, Status.RETURNED), Status.SUBMITTED, "the coach submits"),
            Transition("return", (Status.SUBMITTED,), Status.RETURNED, "EEC returns it for revision"),
            Transition("acknowledge", (Status.SUBMITTED,), Status.ACKNOWLEDGED, "EEC acknowledges it"),
        ],
        initial=Status.DRAFT,
        noun="30-day report",
    )

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="reports")
    period = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    was_late = models.BooleanField(default=False)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pair", "period"]
        verbose_name = "30-day report"
        constraints = [models.UniqueConstraint(fields=["pair", "period"], name="one_report_per_period")]

    def __str__(self) -> str:
        return f"30-day report {self.period} ({self.period_start:%b %-d}–{self.period_end:%b %-d, %Y})"

    @property
    def is_editable(self) -> bool:
        """The coach edits a report while it can still be submitted."""
        return self.workflow.can("submit", self.status)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_editable and self.due_on < today

    @property
    def submittable_from(self) -> datetime.date:
        """A report is about a whole period: it is submitted once the period is over."""
        return self.period_end + datetime.timedelta(days=1)

    def period_has_ended(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.submittable_from


class ReminderSettings(models.Model):
    """How reminders behave; one row, edited in the admin. The daily send time is the
    django-celery-beat schedule of the reminder sweep, also in the admin."""

    days_before_due = models.PositiveSmallIntegerField(
        "remind the coach this many days before a report is due", default=5
    )
    days_overdue_before_staff = models.PositiveSmallIntegerField(
        "tell EEC staff when a report is this many days overdue", default=7
    )
    remind_no_meeting = models.BooleanField("remind pairs with no meeting in a calendar month", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return "Reminder settings"

    @classmethod
    def current(cls) -> ReminderSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class Reminder(models.Model):
    """One reminder for one subject, stage and recipient. The unique key makes the daily sweep
    idempotent: running it twice, or a worker retrying, never sends the same reminder twice."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", "Report due soon"
        DUE_TODAY = "due_today", "Report due today"
        OVERDUE = "overdue", "Report overdue"
        OVERDUE_STAFF = "overdue_staff", "Report overdue (to staff)"
        NO_MEETING = "no_meeting", "No meeting this month"
        # video evidence (evidence/ records them through coaching.services.reminder_record)
        CLIP_SHARED = "clip_shared", "Video clip shared"
        CLIP_FEEDBACK = "clip_feedback", "Feedback on a video clip"
        CLIP_RETURNED = "clip_returned", "New video clip requested"

    key = models.CharField(max_length=120, unique=True)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reminders")
    report = models.ForeignKey(
        ThirtyDayReport, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="reminders")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    email = models.ForeignKey(OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class TrainingEvent(models.Model):
    """Pre-service orientation, an ongoing training day, or a monthly regional PLC session."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", "Pre-service orientation"
        TRAINING = "training", "Ongoing training day"
        PLC = "plc", "Professional Learning Community"

    class Audience(models.TextChoices):
        """Who is expected at the event (and listed on its attendance sheet). The model asks every role
        to attend pre-service orientation; ongoing training days are the coaches'; a PLC is always for
        coaches and leaders."""

        COACHES = "coaches", "Coaches and leaders"
        MENTEES = "mentees", "Mentees and Mentee Administrators"
        EVERYONE = "everyone", "Everyone in the program year"

    program_year = models.ForeignKey("pac.ProgramYear", on_delete=models.PROTECT, related_name="training_events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    region = models.ForeignKey(
        "pac.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The region whose PLC this is; empty for statewide events.",
    )
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)])
    facilitator = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    audience = models.CharField(
        "who attends",
        max_length=10,
        choices=Audience.choices,
        default=Audience.COACHES,
        help_text="Orientation is for everyone; a PLC is always for coaches and leaders.",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "kind"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%b %-d, %Y})"


class Attendance(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.person} at {self.event}: {'present' if self.attended else 'absent'}"


class TrainingRecommendation(models.Model):
    """A training or course recommended to a pair's Mentee or MA: the model asks them to "participate in
    recommended training as determined by" the coach, the Mentee and the Program/Instructional Leader.
    Its outcome (completed on a date, or not taken, with the reason) is recorded by any of them or
    staff; it is never deleted."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", "Recommended"
        COMPLETED = "completed", "Completed"
        NOT_TAKEN = "not_taken", "Not taken"

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="training_recommendations")
    goal = models.ForeignKey(
        Goal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_recommendations",
        help_text="The goal of the plan it serves, if any.",
    )
    title = models.CharField("training or course", max_length=200)
    details = models.CharField("where and when", max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECOMMENDED, db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0.5)]
    )
    not_taken_reason = models.CharField("why it was not taken", max_length=300, blank=True)
    recommended_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(default=timezone.now)
    outcome_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "-recommended_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_on__isnull=False),
                name="completed_training_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_taken") | ~models.Q(not_taken_reason=""),
                name="training_not_taken_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECOMMENDED
