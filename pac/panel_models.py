"""The PAC Advisory Panel: its own body in each program year, with members, a chair and terms.

The panel reviews coaches' six-month evaluations, answers surveys about coaches and holds formative
interviews; its members may also sit on a review committee (Tier 2 and 3), but being on the panel
is recorded here, once, and every page asks ``pac.selectors.is_on_advisory_panel``.
Nothing here is deleted: a member who leaves gets an end date to their term.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class AdvisoryPanel(models.Model):
    """The Advisory Panel of one program year."""

    program_year = models.OneToOneField("pac.ProgramYear", on_delete=models.PROTECT, related_name="advisory_panel")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-program_year__starts_on"]
        verbose_name = "Advisory Panel"

    def __str__(self) -> str:
        return f"Advisory Panel {self.program_year}"


class AdvisoryPanelMembership(models.Model):
    """A seat on a year's panel: member or chair, for a term. A person sits on the panel while
    their term has started and not ended (``pac.selectors.advisory_panel_memberships``)."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        CHAIR = "chair", "Chair"

    panel = models.ForeignKey(AdvisoryPanel, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advisory_panel_memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    represents = models.CharField(
        max_length=200, blank=True, help_text="The organisation or constituency the member brings to the panel."
    )
    term_starts_on = models.DateField(blank=True, help_text="Leave empty for the start of the program year.")
    term_ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="Leave empty while they serve. Set it when they leave the panel: they keep their history "
        "but no longer see the panel's pages.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["panel", "role", "user__full_name", "user__email"]  # the chair first
        verbose_name = "Advisory Panel membership"
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_seat_per_panel_and_user"),
            models.UniqueConstraint(
                fields=["panel"],
                condition=models.Q(role="chair", term_ends_on__isnull=True),
                name="one_serving_chair_per_panel",
            ),
            models.CheckConstraint(
                condition=models.Q(term_ends_on__isnull=True) | models.Q(term_ends_on__gte=models.F("term_starts_on")),
                name="panel_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.panel})"

    def save(self, *args, **kwargs) -> None:
        if not self.term_starts_on:
            self.term_starts_on = self.panel.program_year.starts_on
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.panel_id and not self.term_starts_on:
            self.term_starts_on = self.panel.program_year.starts_on
        errors = {}
        if self.term_starts_on and self.term_ends_on and self.term_ends_on < self.term_starts_on:
            errors["term_ends_on"] = "The term must end on or after the day it starts."
        if self.role == self.Role.CHAIR and self.panel_id and self.term_starts_on:
            for other in self.panel.memberships.filter(role=self.Role.CHAIR).exclude(pk=self.pk):
                if self._overlaps(other):
                    errors["role"] = f"{other.user} chairs the panel for part of this term; end their term first."
                    break
        if errors:
            raise ValidationError(errors)

    def _overlaps(self, other: AdvisoryPanelMembership) -> bool:
        ends_before_other = self.term_ends_on is not None and self.term_ends_on < other.term_starts_on
        starts_after_other = other.term_ends_on is not None and self.term_starts_on > other.term_ends_on
        return not (ends_before_other or starts_after_other)
