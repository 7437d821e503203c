"""Evaluation: CLASS instruments (data, seeded by migration; staff may correct them in the admin).
Observations, analytics, surveys and coach reviews arrive with the rest of issue 6."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class Instrument(models.Model):
    """A CLASS tool: Infant, Toddler, Pre-K, K–3. Scores are integers 1–7."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=80)
    ages = models.CharField(max_length=80, blank=True)
    cycle_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Observation minutes a cycle.")
    min_cycle_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="domains")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_domain_code_per_instrument")]

    def __str__(self) -> str:
        return f"{self.instrument.code}: {self.name}"


class Dimension(models.Model):
    """A scored dimension. A reversed one (Negative Climate) enters its domain as 8 − score."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="dimensions")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    reversed = models.BooleanField(default=False, help_text="Low is good: enters the domain score as 8 − score.")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__instrument", "domain__order", "order"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
