"""Staff's lists of 30-day reports and Mentees' participation (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pac.tables import EmptyLastDateColumn, StaffTable
from pairings.models import Pair

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


NOT_ATTENDED = mark_safe("<strong>Not attended</strong>")  # noqa: S308 - constant
NOT_SIGNED = mark_safe("<strong>Not signed</strong>")  # noqa: S308 - constant
NOT_READY = mark_safe("<strong>not ready to confirm</strong>")  # noqa: S308 - constant


class RosterTable(StaffTable):
    """The year's Mentees and MAs and their participation: rows are ``participation.RosterRow``s (a list),
    so columns sort in Python on the accessors; each sort ends on the name."""

    noun, noun_plural = "Mentee or MA", "Mentees and MAs"
    caption = "The year's Mentees and Mentee Administrators and their participation"
    NAME = ("participation__person__last_name", "participation__person__first_name")

    name = tables.Column("Name", accessor="person__full_name", order_by=NAME)
    role = tables.Column("Role", accessor="participation__get_role_display", order_by=("participation__role", *NAME))
    region = tables.Column("Region", accessor="region__number", default="—", order_by=("region__number", *NAME))
    orientation = tables.DateColumn(
        verbose_name="Orientation",
        accessor="record__orientation_on",
        default=NOT_ATTENDED,
        format="M j",
        order_by=("record__orientation_on", *NAME),
    )
    training_days = tables.Column(
        "Training days", accessor="record__training_days", order_by=("record__training_days", *NAME)
    )
    recommended = tables.Column("Recommended training", accessor="record__completed", orderable=False)
    acknowledgement = tables.Column(
        "Acknowledgement",
        accessor="record__acknowledgement",
        default=NOT_SIGNED,
        order_by=("record__acknowledgement__signed_at", *NAME),
    )
    pair = tables.Column(
        "Pair",
        accessor="pair",
        orderable=False,
        empty_values=(),
    )

    class Meta(StaffTable.Meta):
        empty_text = "No Mentees or MAs match."

    def render_pair(self, record) -> str:
        """Where the Mentee's pair stands, and whether it may be confirmed when the year requires it."""
        pair, own = record.pair, record.record
        not_ready = NOT_READY
        if pair is None:
            if own.required and not own.ready:
                return format_html("Not paired ({})", NOT_READY)
            return "Not paired"
        if pair.status == Pair.Status.ACTIVE:
            url = reverse("coaching:workspace", args=[pair.pk])
            return format_html('<a href="{}">Active with {}</a>', url, pair.coach.full_name)
        if pair.status == Pair.Status.PROPOSED:
            if not own.required:
                return f"Locked with {pair.coach.full_name}"
            return format_html(
                "Locked with {}: {}", pair.coach.full_name, "ready to confirm" if own.ready else not_ready
            )
        return "Ended"

    def render_recommended(self, record) -> str:
        return f"{record.record.completed} of {record.record.recommended_total} completed"

    def render_acknowledgement(self, value) -> str:
        return f"Signed {date_format(timezone.localtime(value.signed_at), 'M j')} (v{value.text.version})"

    def value_orientation(self, value) -> str:
        return value.isoformat() if value else ""

    def value_recommended(self, record) -> str:
        return f"{record.record.completed} of {record.record.recommended_total}"

    def value_acknowledgement(self, value) -> str:
        return f"{timezone.localtime(value.signed_at).date().isoformat()} v{value.text.version}" if value else ""

    def value_pair(self, record) -> str:
        pair = record.pair
        if pair is None:
            return "Not paired"
        return f"{pair.get_status_display()} with {pair.coach.full_name}"
