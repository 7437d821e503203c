"""Funding rules per program year, in the admin (staff): the stipends with their installments and
conditions, substitute reimbursement, durable goods; and the budget lines."""

from django import forms
from django.contrib import admin

from pac.admin import RecordAdmin

from .models import BudgetLine, FundingRules, StipendInstallment


class InstallmentsAddUp(forms.BaseInlineFormSet):
    """A role's installments add up to its stipend (when any are set), so nothing is paid twice or
    left unpaid by a typing slip."""

    def clean(self):
        super().clean()
        totals: dict[str, object] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            totals[data["role"]] = totals.get(data["role"], 0) + (data.get("amount") or 0)
        rules = self.instance
        stipends = {"ct": self.data.get("ct_stipend"), "ca": self.data.get("ca_stipend")}
        for role, total in totals.items():
            try:
                stipend = forms.DecimalField().clean(stipends[role])
            except forms.ValidationError:
                continue  # the stipend's own field says what is wrong
            if stipend is not None and total != stipend:
                label = dict(StipendInstallment.Role.choices)[role]
                raise forms.ValidationError(
                    f"The {label} installments add up to ${total:,.2f}; the stipend is ${stipend:,.2f}."
                )
        return rules


class StipendInstallmentInline(admin.TabularInline):
    model = StipendInstallment
    formset = InstallmentsAddUp
    extra = 0
    can_delete = False


@admin.register(FundingRules)
class FundingRulesAdmin(RecordAdmin):
    list_display = ["program_year", "ct_stipend", "ca_stipend", "substitute_day_rate", "goods_max_per_mentee"]
    inlines = [StipendInstallmentInline]
    fieldsets = [
        (None, {"fields": ["program_year"]}),
        ("Coach stipends", {"fields": ["ct_stipend", "ca_stipend"]}),
        (
            "Substitute reimbursement",
            {
                "fields": [
                    "substitute_day_rate",
                    "substitute_half_day_rate",
                    "substitute_max_days",
                    "substitute_for_meetings",
                    "substitute_for_observations",
                    "substitute_for_training",
                ]
            },
        ),
        ("Durable goods", {"fields": ["goods_max_per_mentee", "goods_max_per_ma", "goods_categories"]}),
    ]


@admin.register(BudgetLine)
class BudgetLineAdmin(RecordAdmin):
    list_display = ["program_year", "region", "kind", "amount", "code"]
    list_filter = ["program_year", "kind", "region"]
    list_select_related = ["program_year", "region"]
    ordering = ["-pk"]
