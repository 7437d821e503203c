"""Staff's list of 30-day reports (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from pac.tables import EmptyLastDateColumn, StaffTable

from .models import ThirtyDayReport


class ReportTable(StaffTable):
    """Columns sort on the database; each sort ends on the report's id so pages never overlap.
    The report's answers are not listed: they are read on the report's page."""

    noun, noun_plural = "report", "reports"
    caption = "30-day reports"

    period = tables.Column("Report", linkify=("coaching:report", [tables.A("pk")]), order_by=("period", "due_on", "pk"))
    coach = tables.Column(
        "Coach",
        accessor="pair__coach__full_name",
        order_by=("pair__coach__last_name", "pair__coach__first_name", "period", "pk"),
    )
    mentee = tables.Column(
        "Mentee",
        accessor="pair__mentee__full_name",
        order_by=("pair__mentee__last_name", "pair__mentee__first_name", "period", "pk"),
    )
    region = tables.Column(
        "Region",
        accessor="pair__mentee__program__region__number",
        default="—",
        order_by=("pair__mentee__program__region__number", "pk"),
    )
    due_on = tables.DateColumn(verbose_name="Due", format="M j, Y", order_by=("due_on", "pk"))
    status = tables.Column("Status", order_by=("status", "pk"))
    submitted_at = EmptyLastDateColumn(
        verbose_name="Submitted", format="M j, Y", default="—", order_by=("submitted_at", "pk")
    )
    was_late = tables.BooleanColumn(verbose_name="Late", yesno="Yes,No", order_by=("was_late", "pk"))

    class Meta(StaffTable.Meta):
        model = ThirtyDayReport
        fields = ()
        empty_text = "No reports match."

    def render_period(self, value: int) -> str:
        return f"Report {value}"

    def value_submitted_at(self, value) -> str:
        return timezone.localtime(value).date().isoformat() if value else ""

    def value_was_late(self, value: bool) -> str:
        return "Yes" if value else "No"
