"""An application and its components: recommendations, the MOU, Tier 1 screening results."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pac.models import Person, Program, ProgramYear, Tag, User
from pac.workflow import Transition, Workflow, new_token

from ..roles import ApplicantRole, LeaderPosition, Relationship, spec_for
from .loaded import RemembersLoadedValues


def private_upload_to(instance, filename: str) -> str:
    """Uploads are stored under a random name; the original name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"private/{type(instance).__name__.lower()}/{uuid.uuid4().hex}{suffix}"


def _temporary_reference() -> str:
    return f"TMP-{uuid.uuid4().hex[:16]}"


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted: waiting for components"
    SCREENED_OUT = "screened_out", "Did not meet minimum qualifications"
    IN_REVIEW = "in_review", "Tier 2: committee review"
    INTERVIEW = "interview", "Tier 3: interview"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    WAITLISTED = "waitlisted", "Waitlisted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# the stages whose applications take no rank in the results: they never reached review, or were
# withdrawn (a withdrawn application's submitted reviews still count in its reviewers' z-scores)
UNRANKED_STAGES = (Stage.DRAFT, Stage.SUBMITTED, Stage.SCREENED_OUT, Stage.WITHDRAWN)

# the stages in which an application's recommendations and MOU may still change
MOU_OPEN_STAGES = (Stage.DRAFT, Stage.SUBMITTED, Stage.SCREENED_OUT)


def mou_open_q(prefix: str = "") -> models.Q:
    """``Application.mou_open`` as a filter (``prefix`` reaches the application from another model)."""
    return models.Q(**{f"{prefix}renewal_of__isnull": True, f"{prefix}stage__in": MOU_OPEN_STAGES}) | models.Q(
        **{f"{prefix}renewal_of__isnull": False, f"{prefix}stage": Stage.ACCEPTED}
    )


def ready_to_pair_q() -> models.Q:
    """``Application.ready_to_pair`` for accepted applications, as a filter: any first-year
    acceptance, and a renewal once its renewed MOU is complete."""
    complete = MOU.objects.filter(application=models.OuterRef("pk"), status__in=MOU.COMPLETE)
    return models.Q(renewal_of__isnull=True) | models.Q(models.Exists(complete))


class YesNoNA(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable (no Program/Instructional Leader)"


class Application(RemembersLoadedValues, models.Model):
    """One person's application for one role in one program year.

    Qualification answers are kept on the application as the applicant stated them when
    applying (the directory's Person may change later), so Tier 1 and the reviewers see
    exactly what was submitted.
    """

    Stage = Stage
    REMEMBERED = ("stage", "role", "program_id")  # what its standings are computed from
    EDITABLE_STAGES = (Stage.DRAFT,)
    OPEN_STAGES = (
        Stage.DRAFT,
        Stage.SUBMITTED,
        Stage.IN_REVIEW,
        Stage.INTERVIEW,
        Stage.AWAITING_DECISION,
        Stage.WAITLISTED,
    )
    # every step an application's stage can take, and from where (drawn in docs/workflows.md)
    workflow = Workflow(
        "Application",
        Stage,
        [
            Transition("submit", (Stage.DRAFT,), Stage.SUBMITTED, "the applicant submits"),
            Transition(
                "return_incomplete", (Stage.SUBMITTED, Stage.SCREENED_OUT), Stage.DRAFT, "Tier 1 returns it unfinished"
            ),
            Transition("screen_out", (Stage.SUBMITTED,), Stage.SCREENED_OUT, "Tier 1 finds a qualification unmet"),
            Transition("screen_in", (Stage.SCREENED_OUT,), Stage.SUBMITTED, "a Tier 1 override"),
            Transition("pass_tier1", (Stage.SUBMITTED,), Stage.IN_REVIEW, "Tier 1 passed"),
            Transition("advance_to_interview", (Stage.IN_REVIEW,), Stage.INTERVIEW, "staff advance it to Tier 3"),
            Transition("skip_interview", (Stage.IN_REVIEW,), Stage.AWAITING_DECISION, "Tier 3 not needed"),
            Transition("interview_scored", (Stage.INTERVIEW,), Stage.AWAITING_DECISION, "the panel scored it"),
            Transition("accept", (Stage.AWAITING_DECISION, Stage.WAITLISTED), Stage.ACCEPTED, "accept"),
            Transition("waitlist", (Stage.AWAITING_DECISION,), Stage.WAITLISTED, "waitlist"),
            Transition("decline", (Stage.AWAITING_DECISION, Stage.WAITLISTED), Stage.DECLINED, "decline"),
            Transition(
                "withdraw",
                OPEN_STAGES + (Stage.ACCEPTED, Stage.SCREENED_OUT),
                Stage.WITHDRAWN,
                "the applicant withdraws",
            ),
        ],
        initial=Stage.DRAFT,
        noun="application",
        field="stage",
    )
    # the structured answers about workplace and qualifications, in the order the form asks them
    ANSWER_FIELDS = (
        "program_type",
        "qris_level",
        "qris_status",
        "fcc_system_member",
        "job_role",
        "highest_degree",
        "degree_field",
        "degree_field_name",
        "eec_certification",
        "years_as_educator",
        "years_supervising",
        "pq_registry_id",
        "provides_direct_care",
        "provides_supervision",
        "has_technology",
        "has_leader_support",
        "has_ipdp",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False, default=_temporary_reference)
    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="applications")
    role = models.CharField(max_length=10, choices=ApplicantRole.choices)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFT, db_index=True)

    # where the applicant works
    program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="applications")
    program_type = models.CharField(max_length=20, choices=Program.ProgramType.choices, blank=True)
    qris_level = models.PositiveSmallIntegerField(
        "current QRIS level",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Leave empty if the program does not participate in QRIS.",
    )
    qris_status = models.CharField("QRIS level status", max_length=15, choices=Program.QrisStatus.choices, blank=True)
    fcc_system_member = models.BooleanField("Is your program part of a contracted FCC system?", null=True, blank=True)

    # qualifications, as structured answers
    job_role = models.CharField(max_length=20, choices=Person.JobRole.choices, blank=True)
    highest_degree = models.CharField(max_length=12, choices=Person.Degree.choices, blank=True)
    degree_field = models.CharField(max_length=10, choices=Person.DegreeField.choices, blank=True)
    degree_field_name = models.CharField("field of study", max_length=120, blank=True)
    eec_certification = models.CharField(
        "EEC certification", max_length=12, choices=Person.Certification.choices, blank=True
    )
    years_as_educator = models.PositiveSmallIntegerField(null=True, blank=True)
    years_supervising = models.PositiveSmallIntegerField("years supervising or coaching", null=True, blank=True)
    pq_registry_id = models.CharField("PQ Registry ID", max_length=30, blank=True)
    provides_direct_care = models.BooleanField(
        "Do you currently provide direct care to children?", null=True, blank=True
    )
    provides_supervision = models.BooleanField(
        "Do you currently provide direct supervision or coaching to educators?", null=True, blank=True
    )
    has_technology = models.BooleanField("Do you have a computer and the internet?", null=True, blank=True)
    has_leader_support = models.CharField(
        "Does your Program/Instructional Leader support your application?",
        max_length=3,
        choices=YesNoNA.choices,
        blank=True,
    )
    has_ipdp = models.BooleanField(
        "Do you have an Individual Professional Development Plan (IPDP)?", null=True, blank=True
    )

    # statements
    statement = models.TextField(blank=True)
    preferred_coaching = models.TextField("preferred ways to use peer coaching", blank=True)
    program_profile = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="applications")
    resume = models.FileField(upload_to=private_upload_to, blank=True)
    resume_name = models.CharField(max_length=200, blank=True)

    # workflow
    submitted_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    tier3_not_needed_reason = models.CharField(max_length=300, blank=True)
    # the SEQUENCE of the interview's calendar invitation (UID pac-interview-<id>): one more on every
    # booking, move, change or cancellation, so calendar programs apply them in order (applications/ics.py)
    interview_sequence = models.PositiveIntegerField(default=0, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision_note = models.TextField(blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    # staff may reopen one application after its year's window closed, until a date, with a reason
    reopened_until = models.DateField(
        null=True, blank=True, help_text="The applicant may change and submit it until the end of this day."
    )
    reopened_reason = models.TextField(blank=True)
    reopened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    # a second year: a coach who continues after a favourable six-month review is carried into the
    # next program year without a new application (applications.services.application_renew); the
    # renewal is accepted from the start and only needs its leader's or supervisor's renewed MOU
    renewal_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        help_text="The accepted application of the year before, which this second year continues.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_all_applications", "Can see every application (program staff)")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "program_year", "role"],
                condition=~models.Q(stage__in=["withdrawn", "declined"]),
                name="one_open_application_per_role_and_year",
            ),
        ]
        indexes = [
            models.Index(fields=["program_year", "role", "stage"]),
            # the year's applications at a stage (Tier 3 waiting for a slot, Tier 2 without
            # reviewers), and, covering the reference and role, the year's applications joined to
            # their review assignments and slots without reading the wide application rows
            models.Index(
                fields=["program_year", "stage"], include=["reference", "role"], name="application_year_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_role_display()}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.reference.startswith("TMP-") or not self.reference:
            # the readable reference needs the primary key, so it is set just after the insert
            self.reference = f"PAC-{self.program_year.starts_on.year}-{self.pk:05d}"
            Application.objects.filter(pk=self.pk).update(reference=self.reference)

    @property
    def spec(self):
        return spec_for(self.role)

    @property
    def is_editable(self) -> bool:
        return self.stage in self.EDITABLE_STAGES

    @property
    def is_renewal(self) -> bool:
        return self.renewal_of_id is not None

    @property
    def mou_open(self) -> bool:
        """Whether its MOU may still be requested, re-sent, signed, declined or waived: while the
        application gathers its components, and for an accepted second year (the renewed MOU)."""
        if self.is_renewal:
            return self.stage == Stage.ACCEPTED
        return self.stage in MOU_OPEN_STAGES

    def ready_to_pair(self) -> bool:
        """Accepted, and for a second year also its renewed MOU signed (or marked not applicable):
        the leader's agreement comes before a coach is paired again, as it does in the first year."""
        if self.stage != Stage.ACCEPTED:
            return False
        return not self.is_renewal or self.mous.filter(status__in=MOU.COMPLETE).exists()

    def window_open(self, on: datetime.date | None = None) -> bool:
        """Whether the applicant may change or submit it today: within the year's application
        window, or within a reopening staff granted this application."""
        on = on or timezone.localdate()
        return self.program_year.applications_open(on) or self.reopened_on(on)

    def reopened_on(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.reopened_until is not None and self.program_year.applications_close_on < on <= self.reopened_until

    @property
    def region(self):
        return self.program.region if self.program_id else None


class ApplicationEvent(models.Model):
    """A stage change: who moved the application, from where to where, when and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.from_stage or '—'} → {self.to_stage}"


class LinkRequest(models.Model):
    """Shared fields of a request answered through an emailed link (recommendation, MOU)."""

    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def issue_link(self, *, days: int, status: str) -> str:
        """Give the row a fresh single-use link (any earlier one stops working) and return the token,
        which is never stored: only its hash is."""
        token, self.token_hash = new_token()
        now = timezone.now()
        self.token_expires_at = now + datetime.timedelta(days=days)
        self.requested_at = now
        self.sent_count += 1
        self.status = status
        self.save()
        return token

    def link_is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.token_hash) and self.token_expires_at is not None and now < self.token_expires_at


class Recommendation(LinkRequest):
    class Status(models.TextChoices):
        PENDING = "pending", "Not yet requested"
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Replaced by the applicant"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="recommendations")
    name = models.CharField("recommender's name", max_length=200)
    email = models.EmailField("recommender's email")
    relationship = models.CharField(max_length=24, choices=Relationship.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    letter_text = models.TextField(blank=True)
    letter_file = models.FileField(upload_to=private_upload_to, blank=True)
    letter_filename = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Recommendation from {self.name} for {self.application.reference}"

    def clean(self) -> None:
        if self.application_id and self.relationship not in self.application.spec.relationships:
            allowed = ", ".join(Relationship(r).label.lower() for r in self.application.spec.relationships)
            raise ValidationError({"relationship": f"For this role the recommender must be: {allowed}."})


SIGNED_TEMPLATE_ERROR = (
    "Version {version} of this MOU template has been signed, so its title and text cannot be changed; "
    "edit it through applications.services.mou_template_edit, which saves a new version."
)


def _signed_mous() -> models.Q:
    # a superseded MOU that had been signed still points at the text it signed
    return models.Q(mous__status="signed") | models.Q(mous__signed_at__isnull=False)


class MOUTemplateQuerySet(models.QuerySet):
    def signed(self) -> MOUTemplateQuerySet:
        """Versions somebody has signed."""
        return self.filter(_signed_mous()).distinct()

    def update(self, **kwargs):
        # the bulk path (update, bulk_update) is refused like save() for a signed version's text
        if set(kwargs) & set(MOUTemplate.FROZEN_ONCE_SIGNED):
            signed = self.signed().order_by().values_list("version", flat=True).first()
            if signed is not None:
                raise ValidationError(SIGNED_TEMPLATE_ERROR.format(version=signed))
        return super().update(**kwargs)


class MOUTemplate(models.Model):
    """The MOU text staff maintain. A version that has been signed is never changed: save()
    refuses a change to its title or text (as a signed MOU refuses any change), and editing it
    through the service (the admin uses it) saves a new version and retires the signed one."""

    role = models.CharField(max_length=10, choices=ApplicantRole.choices)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Placeholders: {applicant_name}, {role}, {program_name}, {program_address}, {program_type}, "
        "{qris_level}, {signer_name}, {signer_title}, {program_year}, {reference}, {program_profile}."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    objects = MOUTemplateQuerySet.as_manager()

    FROZEN_ONCE_SIGNED = ("role", "version", "title", "body")

    class Meta:
        ordering = ["role", "-version"]
        verbose_name = "MOU template"
        constraints = [models.UniqueConstraint(fields=["role", "version"], name="one_mou_template_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        if self.pk and not self._state.adding:
            stored = MOUTemplate.objects.filter(pk=self.pk).values(*self.FROZEN_ONCE_SIGNED).first()
            if stored and any(getattr(self, f) != stored[f] for f in self.FROZEN_ONCE_SIGNED) and self.is_signed():
                raise ValidationError(SIGNED_TEMPLATE_ERROR.format(version=stored["version"]))
        super().save(*args, **kwargs)

    def is_signed(self) -> bool:
        return self.pk is not None and MOUTemplate.objects.filter(pk=self.pk).filter(_signed_mous()).exists()

    def clean(self) -> None:
        import re

        from ..services.components import MOU_PLACEHOLDERS

        unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", self.body)) - set(MOU_PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {
                    "body": "Unknown placeholder(s): "
                    + ", ".join("{" + u + "}" for u in unknown)
                    + ". Use: "
                    + ", ".join("{" + p + "}" for p in MOU_PLACEHOLDERS)
                    + "."
                }
            )


class MOU(LinkRequest):
    """The memorandum of understanding a Program/Instructional Leader or supervisor signs.

    Signed, it is immutable: the exact text signed is stored with the signature record.
    A change needs a new MOU and a new signature; the old one is kept as superseded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Not yet requested"
        REQUESTED = "requested", "Waiting for signature"
        SIGNED = "signed", "Signed"
        DECLINED = "declined", "Declined"
        WAIVED = "waived", "Not applicable"
        SUPERSEDED = "superseded", "Replaced by a newer MOU"

    COMPLETE = (Status.SIGNED, Status.WAIVED)

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="mous")
    signer_name = models.CharField("leader's or supervisor's name", max_length=200, blank=True)
    signer_email = models.EmailField("leader's or supervisor's email", blank=True)
    signer_title = models.CharField("their title", max_length=120, blank=True)
    signer_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="mous")
    template = models.ForeignKey(MOUTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="mous")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    signed_text = models.TextField(blank=True)
    signature_name = models.CharField("typed full name", max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=300, blank=True)
    signed_by_user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decline_reason = models.TextField(blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    waived_reason = models.TextField(blank=True)
    waived_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    waived_at = models.DateTimeField(null=True, blank=True)
    # what a Program/Instructional Leader told us when signing (screened in Tier 1); blank/None
    # when not asked (a supervisor's MOU, or one signed before the questions existed)
    leader_position = models.CharField(
        "leader's position in the program", max_length=20, choices=LeaderPosition.choices, blank=True
    )
    leader_ece_education = models.BooleanField("leader has early childhood education", null=True, blank=True)
    leader_ece_experience = models.BooleanField("leader has early childhood experience", null=True, blank=True)
    leader_pq_registry_id = models.CharField("leader's PQ Registry ID", max_length=40, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    FROZEN_ONCE_SIGNED = (
        "leader_position",
        "leader_ece_education",
        "leader_ece_experience",
        "leader_pq_registry_id",
        "signer_name",
        "signer_email",
        "signer_title",
        "template_id",
        "signed_text",
        "signature_name",
        "signed_at",
        "signed_ip",
        "signed_user_agent",
        "application_id",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "MOU"
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["pending", "requested", "signed", "waived"]),
                name="one_current_mou_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"MOU for {self.application.reference} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = MOU.objects.filter(pk=self.pk).values(*self.FROZEN_ONCE_SIGNED, "status").first()
            if stored and stored["status"] == self.Status.SIGNED:
                changed = [f for f in self.FROZEN_ONCE_SIGNED if getattr(self, f) != stored[f]]
                if changed or self.status not in (self.Status.SIGNED, self.Status.SUPERSEDED):
                    raise ValidationError("A signed MOU cannot be changed; request a new MOU instead.")
        super().save(*args, **kwargs)

    @property
    def is_complete(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.WAIVED)


class ScreeningCheck(models.Model):
    """The outcome of one Tier 1 rule for one application, with any staff override."""

    class Category(models.TextChoices):
        COMPLETENESS = "completeness", "Complete application"
        QUALIFICATION = "qualification", "Minimum qualification"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="screening_checks")
    rule = models.CharField(max_length=40)
    category = models.CharField(max_length=14, choices=Category.choices)
    passed = models.BooleanField()
    message = models.CharField(max_length=400)
    overridden = models.BooleanField(default=False)
    override_justification = models.TextField(blank=True)
    overridden_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="one_check_per_rule")]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.rule}: {'pass' if self.satisfied else 'fail'}"

    @property
    def satisfied(self) -> bool:
        return self.passed or self.overridden
