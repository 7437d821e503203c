"""The shared directory: who and where.

Regions, programs (early education and care sites), people known to PAC, program years
(cohorts) with their regional targets, and participations: what a person is in a given
program year. Every model keeps an audit trail (django-simple-history); nothing here is
hard-deleted through the application: records are ended or deactivated instead.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set")
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A sign-in account. The person behind it, and their program data, is ``Person``."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(
        "admin access", default=False, help_text="Can sign in to the staff admin (EEC staff only)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class Region(models.Model):
    """An EEC region. A dated lookup rather than an enum: regions have merged before."""

    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    name = models.CharField(max_length=80, unique=True)
    active_from = models.DateField(null=True, blank=True)
    active_until = models.DateField(null=True, blank=True, help_text="Leave empty while the region is in use.")
    support_organization = models.CharField(
        "professional development center",
        max_length=200,
        blank=True,
        help_text="The StrongStart PDC / EPS lead agency that hosts the region's PLC.",
    )
    notes = models.TextField(blank=True)
    facilitators = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="facilitated_regions",
        help_text="EPS/PLC facilitators for the region: PAC contacts and PLC attendance keepers.",
    )

    history = HistoricalRecords(m2m_fields=[facilitators])

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Region {self.number}: {self.name}"


class AgeGroup(models.Model):
    """Age groups a program serves (seeded; staff may add)."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """An early education and care site."""

    class ProgramType(models.TextChoices):
        CENTER = "center", "Center-based"
        FCC_SYSTEM = "fcc_system", "Family child care (in a contracted FCC system)"
        FCC_INDEPENDENT = "fcc_independent", "Family child care (independent)"
        HEAD_START = "head_start", "Head Start"
        PUBLIC_PRESCHOOL = "public_preschool", "Public preschool"
        ASOST = "asost", "After-school / out-of-school time"

    class Licensure(models.TextChoices):
        LICENSED = "licensed", "Licensed"
        EXEMPT = "exempt", "License-exempt"

    class QrisStatus(models.TextChoices):
        SELF_ASSESSED = "self_assessed", "Self-assessed"
        GRANTED = "granted", "Granted by EEC"

    FCC_TYPES = (ProgramType.FCC_SYSTEM, ProgramType.FCC_INDEPENDENT)

    name = models.CharField(max_length=200)
    license_number = models.CharField(
        "EEC license number", max_length=40, blank=True, help_text="Empty for license-exempt programs."
    )
    licensure = models.CharField(max_length=10, choices=Licensure.choices, default=Licensure.LICENSED)
    program_type = models.CharField(max_length=20, choices=ProgramType.choices)
    fcc_system_name = models.CharField(
        "FCC system", max_length=200, blank=True, help_text="Only for family child care in a contracted system."
    )
    qris_level = models.PositiveSmallIntegerField(
        "QRIS level",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1–4; empty if the program does not participate in QRIS.",
    )
    qris_status = models.CharField("QRIS level status", max_length=15, choices=QrisStatus.choices, blank=True)
    qris_as_of = models.DateField("QRIS level as of", null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="programs")
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(
        "ZIP code", max_length=10, blank=True, validators=[RegexValidator(r"^\d{5}(-\d{4})?$", "Use a ZIP code.")]
    )
    age_groups = models.ManyToManyField(AgeGroup, blank=True, related_name="programs")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[age_groups])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["license_number"],
                condition=~models.Q(license_number=""),
                name="program_unique_license_number",
            ),
            models.CheckConstraint(
                condition=models.Q(qris_level__isnull=True) | models.Q(qris_level__gte=1, qris_level__lte=4),
                name="program_qris_level_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def clean(self) -> None:
        errors = {}
        if self.program_type == self.ProgramType.FCC_SYSTEM and not self.fcc_system_name:
            errors["fcc_system_name"] = "Name the FCC system this family child care program belongs to."
        if self.program_type != self.ProgramType.FCC_SYSTEM and self.fcc_system_name:
            errors["fcc_system_name"] = "Only family child care programs in a contracted system have one."
        if self.licensure == self.Licensure.LICENSED and not self.license_number:
            errors["license_number"] = "A licensed program needs its EEC license number."
        if self.qris_level and not self.qris_status:
            errors["qris_status"] = "Say whether the QRIS level is self-assessed or granted."
        if errors:
            raise ValidationError(errors)

    @property
    def is_family_child_care(self) -> bool:
        return self.program_type in self.FCC_TYPES

    @property
    def address(self) -> str:
        return ", ".join(p for p in [self.street, self.city, "MA", self.postal_code] if p)


class Person(models.Model):
    """A person known to PAC, with or without an account.

    A leader or recommender may be known only by name and email until they sign up;
    the account is linked when its (verified) email matches.
    """

    class JobRole(models.TextChoices):
        LEAD_TEACHER = "lead_teacher", "Lead teacher"
        TEACHER = "teacher", "Teacher"
        ASSISTANT = "assistant", "Assistant teacher"
        FCC_PROVIDER = "fcc_provider", "FCC provider"
        FCC_ASSISTANT = "fcc_assistant", "FCC assistant"
        DIRECTOR = "director", "Director / site coordinator"
        FCC_SYSTEM_STAFF = "fcc_system_staff", "FCC system home visitor / coach"
        OTHER = "other", "Other"

    class Degree(models.TextChoices):
        NONE = "none", "No degree"
        CDA = "cda", "CDA credential"
        ASSOCIATE = "associate", "Associate's"
        BACHELOR = "bachelor", "Bachelor's"
        MASTER = "master", "Master's"
        DOCTORATE = "doctorate", "Doctorate"

    class DegreeField(models.TextChoices):
        ECE = "ece", "Early childhood education"
        RELATED = "related", "Related field"
        OTHER = "other", "Other field"

    class Certification(models.TextChoices):
        NONE = "none", "None"
        IT_TEACHER = "it_teacher", "Infant-Toddler Teacher"
        IT_LEAD = "it_lead", "Infant-Toddler Lead Teacher"
        PS_TEACHER = "ps_teacher", "Preschool Teacher"
        PS_LEAD = "ps_lead", "Preschool Lead Teacher"
        DIRECTOR_1 = "director_1", "Director I"
        DIRECTOR_2 = "director_2", "Director II"

    LEAD_TEACHER_QUALIFIED = (
        Certification.IT_LEAD,
        Certification.PS_LEAD,
        Certification.DIRECTOR_1,
        Certification.DIRECTOR_2,
    )
    DIRECTOR_QUALIFIED = (Certification.DIRECTOR_1, Certification.DIRECTOR_2)

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"
        PORTUGUESE = "pt", "Portuguese"
        HAITIAN_CREOLE = "ht", "Haitian Creole"
        CHINESE = "zh", "Chinese"
        VIETNAMESE = "vi", "Vietnamese"
        KHMER = "km", "Khmer"
        ARABIC = "ar", "Arabic"
        OTHER = "other", "Other"

    class ReminderEmails(models.TextChoices):
        EACH = "each", "An email for each reminder"
        DIGEST = "digest", "One email a day with all my reminders"
        NONE = "none", "No reminder emails (I check My work)"

    user = models.OneToOneField("pac.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="person")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(help_text="Used to link the person to an account when they sign up.")
    phone = models.CharField(max_length=30, blank=True)
    pq_registry_id = models.CharField(
        "PQ Registry ID",
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use letters, digits and hyphens only.")],
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    job_role = models.CharField(max_length=20, choices=JobRole.choices, blank=True)
    highest_degree = models.CharField(max_length=12, choices=Degree.choices, blank=True)
    degree_field = models.CharField(max_length=10, choices=DegreeField.choices, blank=True)
    degree_field_name = models.CharField("field of study", max_length=120, blank=True)
    eec_certification = models.CharField("EEC certification", max_length=12, choices=Certification.choices, blank=True)
    years_as_educator = models.PositiveSmallIntegerField(null=True, blank=True)
    years_supervising = models.PositiveSmallIntegerField("years supervising or coaching", null=True, blank=True)
    preferred_language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    reminder_emails = models.CharField(
        "reminder emails",
        max_length=8,
        choices=ReminderEmails.choices,
        default=ReminderEmails.EACH,
        help_text="Only reminders (reports due, meetings to log). Emails about an application, a decision, "
        "a pair or a link to answer are always sent.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_unique_email_ci"),
        ]

    NO_NAME = "Name not given"

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def has_name(self) -> bool:
        """Whether the person's name is on record. Nothing is emailed, put in an MOU or a PDF in the
        name of someone without one (see ``require_name``)."""
        return bool(self.first_name.strip() or self.last_name.strip())

    @property
    def full_name(self) -> str:
        """The name for pages and documents: never empty and never made from the email address."""
        return self.name_of(self.first_name, self.last_name)

    @classmethod
    def name_of(cls, first_name: str, last_name: str) -> str:
        """``full_name`` from the two fields alone (a list of names read with ``values_list``)."""
        return " ".join(f"{first_name} {last_name}".split()) or cls.NO_NAME

    @property
    def is_lead_teacher_qualified(self) -> bool:
        return self.eec_certification in self.LEAD_TEACHER_QUALIFIED

    @property
    def is_director_qualified(self) -> bool:
        return self.eec_certification in self.DIRECTOR_QUALIFIED


class ProgramYearQuerySet(models.QuerySet["ProgramYear"]):
    def current(self, on: datetime.date | None = None) -> ProgramYear | None:
        """The cohort running on a date: the latest one that has started."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).order_by("-starts_on").first() or self.order_by("starts_on").first()


class ProgramYear(models.Model):
    """A PAC cohort, e.g. 2026–27."""

    name = models.CharField(max_length=20, unique=True, help_text="For example 2026–27.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    applications_open_on = models.DateField()
    applications_close_on = models.DateField()
    tier2_blind = models.BooleanField(
        "blind Tier 2 review",
        default=False,
        help_text="Reviewers see a reference number instead of the applicant's name, email, program and "
        "recommenders' names.",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = ProgramYearQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="year_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(applications_close_on__gte=models.F("applications_open_on")),
                name="year_application_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = "The year must end after it starts."
        if (
            self.applications_open_on
            and self.applications_close_on
            and self.applications_close_on < self.applications_open_on
        ):
            errors["applications_close_on"] = "Applications must close on or after the day they open."
        if errors:
            raise ValidationError(errors)

    def applications_open(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.applications_open_on <= on <= self.applications_close_on


class RegionTarget(models.Model):
    """How many pairs a region should have in a program year."""

    program_year = models.ForeignKey(ProgramYear, on_delete=models.CASCADE, related_name="targets")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="targets")
    ct_mentee_pairs = models.PositiveSmallIntegerField("CT–Mentee pairs", default=8)
    ca_ma_pairs = models.PositiveSmallIntegerField("CA–MA pairs", default=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_year", "region__number"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "region"], name="one_target_per_region_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.program_year} · {self.region}: {self.ct_mentee_pairs} CT–Mentee, {self.ca_ma_pairs} CA–MA"


class ProgramRole(models.TextChoices):
    """What a person can be in a program year. Staff-like roles are groups instead (pac.roles)."""

    CT = "ct", "Consultant Teacher"
    MENTEE = "mentee", "Mentee"
    CA = "ca", "Consultant Administrator"
    MA = "ma", "Mentee Administrator"
    LEADER = "leader", "Program/Instructional Leader"
    SUPERVISOR = "supervisor", "Supervisor"


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def active(self) -> ParticipationQuerySet:
        return self.filter(ended_on__isnull=True)


class Participation(models.Model):
    """What a person is in a program year, and why.

    Rows are written by the workflow that makes a person a CT, Mentee, leader, ... (an
    accepted application, a pairing, a signed MOU), never typed in by hand, so that
    permissions follow the program's own data.
    """

    class Source(models.TextChoices):
        APPLICATION = "application", "Accepted application"
        PAIRING = "pairing", "Pairing"
        MOU = "mou", "Signed MOU"
        DEMO = "demo", "Demo data"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=ProgramRole.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_reference = models.CharField(
        max_length=80, blank=True, help_text="The record that made this so, e.g. application PAC-2026-00012."
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["program_year", "role", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program_year", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="one_active_participation_per_role_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} ({self.program_year})"


class OutboundEmail(models.Model):
    """The outbox: every email PAC sends is written here first, in the same transaction
    as the change that causes it, then sent by a Celery task that takes its id.

    If Redis or the mail server is down, the row stays queued and the beat sweep
    (``email_retry_unsent``) sends it later, so nothing is lost; ``key`` makes the
    enqueue itself idempotent (the same reminder is never queued twice).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="Idempotency key, when the sender gives one."
    )
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    from_email = models.CharField(max_length=200, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="List of {filename, mimetype, content (base64)}."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.get_status_display()})"


class Tag(models.Model):
    """One shared list of areas: what a Mentee or MA needs and what a CT or CA offers.

    Applications choose from it; pairing matches on it; coaching goals target it.
    """

    class Kind(models.TextChoices):
        CLASS = "class", "CLASS domain or dimension"
        COMPETENCY = "competency", "MA Core Competency area"
        QRIS = "qris", "QRIS standard"
        AGE = "age", "Age group"
        LEADERSHIP = "leadership", "Supervision and leadership"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


from pac.beat_models import ScheduleChange  # noqa: E402,F401  (why a PAC schedule was disabled)
from pac.calendar_models import CalendarFeed  # noqa: E402,F401  (private calendar feeds; pac.calendar)
from pac.documents.models import DocumentJob  # noqa: E402,F401  (a pac model; its own module)
from pac.panel_models import AdvisoryPanel, AdvisoryPanelMembership  # noqa: E402,F401  (the Advisory Panel)
