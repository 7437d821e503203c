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
