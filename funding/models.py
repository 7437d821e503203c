"""Funding rules per program year, set by staff in the admin: budget lines per region and kind, the
coach stipends and their installments (each with the conditions that make it payable, chosen from
what PAC already records), substitute reimbursement and durable goods.

Claims, durable-goods requests and payment batches build on these rules (not yet built: see
docs/funding.md)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from pac.models import ProgramYear, Region

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class BudgetKind(models.TextChoices):
    STIPENDS = "stipends", "Coach stipends"
    SUBSTITUTES = "substitutes", "Substitute reimbursement"
    GOODS = "goods", "Durable goods"


class FundingRules(models.Model):
    """One program year's funding rules."""

    program_year = models.OneToOneField(ProgramYear, on_delete=models.PROTECT, related_name="funding_rules")
    ct_stipend = models.DecimalField("stipend per Consultant Teacher", **MONEY, default=Decimal("0"))
    ca_stipend = models.DecimalField("stipend per Consultant Administrator", **MONEY, default=Decimal("0"))
    substitute_day_rate = models.DecimalField("substitute: daily rate", **MONEY, default=Decimal("0"))
    substitute_half_day_rate = models.DecimalField("substitute: half-day rate", **MONEY, default=Decimal("0"))
    substitute_max_days = models.PositiveSmallIntegerField("substitute: most days per program per year", default=0)
    substitute_for_meetings = models.BooleanField(
        "substitutes for coaching meetings held during classroom hours", default=True
    )
    substitute_for_observations = models.BooleanField("substitutes for CLASS observation days", default=True)
    substitute_for_training = models.BooleanField("substitutes for training and PLC days", default=True)
    goods_max_per_mentee = models.DecimalField("durable goods: most per Mentee", **MONEY, default=Decimal("0"))
    goods_max_per_ma = models.DecimalField(
        "durable goods: most per Mentee Administrator", **MONEY, default=Decimal("0")
    )
    goods_categories = models.TextField(
        "durable goods: categories allowed",
        blank=True,
        help_text="One category a line (for example: Books, Manipulatives).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "funding rules"

    def __str__(self) -> str:
        return f"Funding rules {self.program_year}"

    def stipend_for(self, role: str) -> Decimal:
        return self.ct_stipend if role == "ct" else self.ca_stipend

    @property
    def categories(self) -> list[str]:
        return [line.strip() for line in self.goods_categories.splitlines() if line.strip()]


class BudgetLine(models.Model):
    program_year = models.ForeignKey(ProgramYear, on_delete=models.PROTECT, related_name="budget_lines")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="budget_lines")
    kind = models.CharField(max_length=12, choices=BudgetKind.choices)
    amount = models.DecimalField(**MONEY)
    code = models.CharField("budget line code (state accounting)", max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program_year", "region__number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["program_year", "region", "kind"], name="one_budget_line_per_region_kind"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.get_kind_display()} ({self.program_year})"


class StipendInstallment(models.Model):
    """One installment of a coach's stipend and the conditions that make it payable, each read from
    what PAC records: the coach's MOU signed (or waived), pre-service orientation attended, a number
    of 30-day reports acknowledged by EEC, the six-month review decided "continue", the year
    completed (every pair of the year ended as completed)."""

    class Role(models.TextChoices):
        CT = "ct", "Consultant Teacher"
        CA = "ca", "Consultant Administrator"

    rules = models.ForeignKey(FundingRules, on_delete=models.PROTECT, related_name="installments")
    role = models.CharField(max_length=2, choices=Role.choices)
    number = models.PositiveSmallIntegerField(help_text="1 for the first installment, 2 for the second...")
    amount = models.DecimalField(**MONEY)
    needs_mou = models.BooleanField("the coach's MOU is signed", default=False)
    needs_orientation = models.BooleanField("pre-service orientation attended", default=False)
    reports_acknowledged = models.PositiveSmallIntegerField("30-day reports acknowledged by EEC (at least)", default=0)
    needs_review_continue = models.BooleanField('six-month review decided "continue"', default=False)
    needs_year_completed = models.BooleanField("the program year completed", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rules", "role", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "role", "number"], name="one_installment_number_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} installment {self.number}"
