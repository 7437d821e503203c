"""The six-month coach review: a CT or CA continues into a second year only after a favourable
evaluation. Advisory Panel members recommend; EEC staff decide; the next year can see it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Recommendation(models.TextChoices):
    CONTINUE = "continue", "Continue for a second year"
    DISCONTINUE = "discontinue", "Do not continue"


class CoachReview(models.Model):
    """One coach's six-month review in a program year."""

    program_year = models.ForeignKey("pac.ProgramYear", on_delete=models.PROTECT, related_name="coach_reviews")
    coach = models.ForeignKey("pac.Person", on_delete=models.PROTECT, related_name="coach_reviews")
    role = models.CharField(max_length=4, choices=[("ct", "Consultant Teacher"), ("ca", "Consultant Administrator")])
    due_on = models.DateField(help_text="Six months after the coach's first pair started.")
    opened_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey("pac.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_year", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "coach"], name="one_coach_review_per_year"),
            models.CheckConstraint(
                condition=models.Q(decision="") | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="decision_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"Six-month review of {self.coach} ({self.program_year})"


class PanelRecommendation(models.Model):
    """An Advisory Panel member's recommendation on a coach review; one per member, editable until
    staff decide (the history keeps every version)."""

    review = models.ForeignKey(CoachReview, on_delete=models.PROTECT, related_name="recommendations")
    member = models.ForeignKey("pac.User", on_delete=models.PROTECT, related_name="coach_recommendations")
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices)
    comments = models.TextField()
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "submitted_at"]
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="one_recommendation_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_recommendation_display()}"


class ReviewOutcome(models.Model):
    """What a six-month review's decision has done (evaluation/second_year.py): one row per review,
    following its latest decision (the history keeps each version).

    "Continue" carries the coach into the next program year without a new application: a renewal
    (an accepted application of that year, linked to this year's) with a renewed MOU for their
    leader or supervisor to sign, their capacity, and their pairs continued where the mentee is
    accepted again. "Do not continue" ends their role at the year's end, with notice: their pairs
    are set to end that day and any application of theirs for the role next year is withdrawn.
    Until the next program year exists the outcome waits; it is carried out when staff create it
    (or ask for it), once."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the next program year"
        DONE = "done", "Carried out"

    review = models.OneToOneField(CoachReview, on_delete=models.PROTECT, related_name="outcome")
    decision = models.CharField(max_length=12, choices=Recommendation.choices)
    decided_at = models.DateTimeField(help_text="The decision this outcome follows (a revision has its own time).")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    prior_application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The coach's accepted application in the review's year.",
    )
    next_year = models.ForeignKey("pac.ProgramYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    renewal = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Continue: the coach's accepted application of the next year (their second year).",
    )
    role_ends_on = models.DateField(
        null=True, blank=True, help_text="Do not continue: the last day of the coach's role (the year's end)."
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(
        max_length=300, blank=True, help_text="Why it could not be carried out (shown to staff)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="waiting") | models.Q(carried_out_at__isnull=False, next_year__isnull=False),
                name="outcome_carried_out_into_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_decision_display()} ({self.get_status_display().lower()})"
