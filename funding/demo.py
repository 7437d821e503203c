"""seed_demo's funding rules for the current program year: stipends in three installments for a CT
and two for a CA, substitute rates, durable-goods caps and a budget line per region and kind."""

from __future__ import annotations

from decimal import Decimal

from pac.demo import DemoContext
from pac.models import Region

from .models import BudgetKind, BudgetLine, FundingRules, StipendInstallment

BUDGET = {
    BudgetKind.STIPENDS: Decimal("15000"),
    BudgetKind.SUBSTITUTES: Decimal("8000"),
    BudgetKind.GOODS: Decimal("6000"),
}


def seed(ctx: DemoContext) -> None:
    year = ctx.program_year
    if year is None or FundingRules.objects.filter(program_year=year).exists():
        return
    rules = FundingRules.objects.create(
        program_year=year,
        ct_stipend=Decimal("1500"),
        ca_stipend=Decimal("1200"),
        substitute_day_rate=Decimal("150"),
        substitute_half_day_rate=Decimal("80"),
        substitute_max_days=10,
        goods_max_per_mentee=Decimal("500"),
        goods_max_per_ma=Decimal("400"),
        goods_categories="Books\nManipulatives and math materials\nSensory and science materials\nClassroom furniture",
    )
    StipendInstallment.objects.bulk_create(
        [
            StipendInstallment(
                rules=rules, role="ct", number=1, amount=Decimal("500"), needs_mou=True, needs_orientation=True
            ),
            StipendInstallment(
                rules=rules,
                role="ct",
                number=2,
                amount=Decimal("500"),
                reports_acknowledged=3,
                needs_review_continue=True,
            ),
            StipendInstallment(rules=rules, role="ct", number=3, amount=Decimal("500"), needs_year_completed=True),
            StipendInstallment(
                rules=rules, role="ca", number=1, amount=Decimal("600"), needs_mou=True, needs_orientation=True
            ),
            StipendInstallment(rules=rules, role="ca", number=2, amount=Decimal("600"), needs_year_completed=True),
        ]
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            program_year=year,
            region=region,
            kind=kind,
            amount=amount * ctx.scale,
            code=f"PAC-{region.number}-{kind[:3].upper()}",
        )
        for region in Region.objects.order_by("number")
        for kind, amount in BUDGET.items()
    )
