"""Pairs: a Consultant Teacher with a Mentee, or a Consultant Administrator with a Mentee
Administrator, for a program year, with the Mentee's Program/Instructional Leader (or the MA's
supervisor) who supports them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from applications.models import Application
from pac.models import Person, ProgramYear, User
from pac.workflow import Transition, Workflow

DEFAULT_CAPACITY = 2
MAX_CAPACITY = 4


class Kind(models.TextChoices):
    CT_MENTEE = "ct_mentee", "Consultant Teacher – Mentee"
    CA_MA = "ca_ma", "Consultant Administrator – Mentee Administrator"


# which application roles each kind of pair joins
KIND_ROLES = {Kind.CT_MENTEE: ("ct", "mentee"), Kind.CA_MA: ("ca", "ma")}


class Capacity(models.Model):
    """How many pairs a coach takes on in a program year (the model: one or two, on top of a
    full-time job). Without a row a coach takes DEFAULT_CAPACITY."""

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="coach_capacities")
    coach = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="capacities")
    capacity = models.PositiveSmallIntegerField(
        default=DEFAULT_CAPACITY, validators=[MinValueValidator(0), MaxValueValidator(MAX_CAPACITY)]
    )
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "capacities"
        constraints = [
            models.UniqueConstraint(fields=["program_year", "coach"], name="one_capacity_per_coach_and_year"),
            models.CheckConstraint(condition=models.Q(capacity__lte=MAX_CAPACITY), name="capacity_at_most_max"),
        ]

    def __str__(self) -> str:
        return f"{self.coach}: {self.capacity} ({self.program_year})"


def person_of(user) -> models.Subquery:
    """The person row of a signed-in user, as a scalar subquery (a user has at most one person)."""
    return models.Subquery(Person.objects.filter(user=user).order_by().values("pk")[:1])


def member_of(user, prefix: str = "") -> models.Q:
    """The pairs (``prefix``: the rows of a pair, "pair__") the user belongs to as coach, mentee or
    leader. The person is looked up once and compared with the pair's coach_id, mentee_id and
    leader_id, by their indexes: an OR over three joins to pac_person read every pair instead."""
    if not getattr(user, "is_authenticated", False):
        return models.Q(pk__in=[])
    person = person_of(user)
    return (
        models.Q(**{f"{prefix}coach_id": person})
        | models.Q(**{f"{prefix}mentee_id": person})
        | models.Q(**{f"{prefix}leader_id": person})
    )


class Pair(models.Model):
    """A coach and a mentee for a program year.

    The database itself keeps a coach within their capacity: each live pair (proposed or
    active) takes one of the coach's numbered slots, slot numbers are unique per coach and year,
    and a slot may not exceed the capacity recorded on the pair when it was made.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (locked by staff, not yet confirmed)"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DISCARDED = "discarded", "Proposal discarded"

    class EndKind(models.TextChoices):
        COMPLETED = "completed", "Completed"
        EARLY = "early", "Ended early"

    LIVE = (Status.PROPOSED, Status.ACTIVE)
    # every step a pair's status can take, and from where (drawn in docs/workflows.md)
    workflow = Workflow(
        "Pair",
        Status,
        [
            Transition("confirm", (Status.PROPOSED,), Status.ACTIVE, "staff confirm it"),
            Transition("discard", (Status.PROPOSED,), Status.DISCARDED, "staff discard the proposal"),
            Transition("end", (Status.ACTIVE,), Status.ENDED, "completed, or ended early"),
        ],
        initial=Status.PROPOSED,
        noun="pair",
    )

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="pairs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    coach = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairs_as_coach")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairs_as_mentee")
    coach_application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    mentee_application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs_as_leader",
        help_text="The Mentee's Program/Instructional Leader, or the MA's supervisor (from the signed MOU).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True)
    coach_slot = models.PositiveSmallIntegerField()
    coach_capacity = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    score_breakdown = models.JSONField(default=dict, blank=True)
    region_relaxed = models.BooleanField(default=False)
    region_relaxed_reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_kind = models.CharField(max_length=10, choices=EndKind.choices, blank=True)
    end_reason = models.TextField(blank=True)
    # an end set ahead (a coach who does not continue after their six-month review: their pairs end
    # with the program year); the daily sweep ends the pair once the day has passed
    end_scheduled_on = models.DateField(null=True, blank=True)
    end_scheduled_reason = models.CharField(max_length=300, blank=True)
    # a second year's pair that continues a pair of the year before (the coach and the same mentee)
    continued_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="continuations"
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_year", "kind", "coach", "coach_slot"]
        permissions = [("pair", "Can propose, confirm and end pairs")]
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "mentee"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="one_live_pair_per_mentee_and_year",
            ),
            models.UniqueConstraint(
                fields=["program_year", "coach", "coach_slot"],
                condition=models.Q(status__in=["proposed", "active"]),
                name="coach_slots_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(coach_slot__gte=1) & models.Q(coach_slot__lte=models.F("coach_capacity")),
                name="coach_slot_within_capacity",
            ),
            models.CheckConstraint(condition=~models.Q(coach=models.F("mentee")), name="coach_is_not_mentee"),
        ]
        indexes = [models.Index(fields=["program_year", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.coach} → {self.mentee} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class RegionWaiver(models.Model):
    """Staff allow a mentee to be paired with a coach from another region (the model pairs by
    location; there may be no suitable coach nearby)."""

    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="region_waivers")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="region_waivers")
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program_year", "mentee"], condition=models.Q(is_active=True), name="one_active_waiver"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee} may be paired outside their region ({self.program_year})"


# the confidentiality acknowledgement and each year's confirmation requirement (their own module)
from pairings.participation_models import (  # noqa: E402,F401
    ConfidentialityAcknowledgement,
    ConfidentialityText,
    ConfirmationRequirement,
)
