"""Staff's lists of 30-day reports and Mentees' participation (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pac.tables import DateColumn, EmptyLastDateColumn, StaffTable
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
    due_on = DateColumn(verbose_name="Due", format="M j, Y", order_by=("due_on", "pk"))
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


ENDED = mark_safe(' <span class="small">(ended)</span>')  # noqa: S308 - constant
NO = mark_safe("<strong>no</strong>")  # noqa: S308 - constant
NOT_SIGNED_YET = mark_safe("<strong>not signed</strong>")  # noqa: S308 - constant


class OverviewTable(StaffTable):
    """The coaching overview's pairs. Meetings, the last meeting and the reports to review are the
    selector's subqueries, so they sort in the database; overdue reports, months flagged and the
    Mentee's participation are worked out for the page's pairs only (``selectors.overview_prepare``),
    so they do not sort. Each sort ends on the pair's id so pages never overlap."""

    noun, noun_plural = "pair", "pairs"
    caption = "Every pair with its meetings, reports, monthly flags and the Mentee's participation"

    pair = tables.Column(
        "Pair",
        accessor="coach__full_name",
        order_by=("coach__last_name", "coach__first_name", "mentee__last_name", "pk"),
        attrs={"td": {"class": "text-wrap"}},
    )
    region = tables.Column(
        "Region",
        accessor="mentee__program__region__number",
        default="—",
        order_by=("mentee__program__region__number", "coach__last_name", "pk"),
    )
    meeting_count = tables.Column("Meetings", order_by=("meeting_count", "pk"))
    last_meeting = EmptyLastDateColumn(
        verbose_name="Last meeting", format="M j", default="—", order_by=("last_meeting", "pk")
    )
    overdue = tables.Column("Overdue reports", orderable=False, empty_values=())
    awaiting_review = tables.Column("To review", order_by=("awaiting_review", "pk"))
    flags = tables.Column(
        "Months flagged", orderable=False, empty_values=(), attrs={"td": {"class": "small text-wrap"}}
    )
    participation = tables.Column(
        "Mentee participation", orderable=False, empty_values=(), attrs={"td": {"class": "small text-wrap"}}
    )

    class Meta(StaffTable.Meta):
        empty_text = "No pairs yet."

    def render_pair(self, record) -> str:
        url = reverse("coaching:workspace", args=[record.pk])
        ended = ENDED if record.status == Pair.Status.ENDED else ""
        return format_html('<a href="{}">{} and {}</a>{}', url, record.coach.full_name, record.mentee.full_name, ended)

    def render_overdue(self, record) -> str:
        if record.overdue:
            return format_html('<strong class="text-danger">{}</strong>', record.overdue)
        return "0"

    def render_flags(self, record) -> str:
        if not record.flags:
            return "None"
        return ", ".join(
            f"{date_format(month, 'M')}{' (no meeting)' if no_meeting else ''}{' (no check-in)' if no_check_in else ''}"
            for month, no_meeting, no_check_in in record.flags
        )

    def render_participation(self, record) -> str:
        p = record.participation
        return format_html(
            "Orientation: {}; acknowledgement: {}; training {} of {} done",
            "yes" if p.attended_orientation else NO,
            "signed" if p.acknowledgement else NOT_SIGNED_YET,
            p.completed,
            p.recommended_total,
        )


NOT_ATTENDED = mark_safe("<strong>Not attended</strong>")  # noqa: S308 - constant
NOT_SIGNED = mark_safe("<strong>Not signed</strong>")  # noqa: S308 - constant
NOT_READY = mark_safe("<strong>not ready to confirm</strong>")  # noqa: S308 - constant


class RosterTable(StaffTable):
    """The year's Mentees and MAs and their participation: rows are program roles
    (``participation.roster_people``), sorted and paged in the database; each page's rows are given
    their ``record`` and ``pair`` (``participation.roster_prepare``). Each sort ends on the name."""

    noun, noun_plural = "Mentee or MA", "Mentees and MAs"
    caption = "The year's Mentees and Mentee Administrators and their participation"
    NAME = ("person__last_name", "person__first_name", "pk")

    name = tables.Column("Name", accessor="person__full_name", order_by=NAME)
    role = tables.Column("Role", accessor="get_role_display", order_by=("role", *NAME))
    region = tables.Column("Region", accessor="region_number", default="—", order_by=("region_number", *NAME))
    orientation = EmptyLastDateColumn(
        verbose_name="Orientation",
        accessor="orientation_on",
        default=NOT_ATTENDED,
        format="M j",
        order_by=("orientation_on", *NAME),
    )
    training_days = tables.Column("Training days", accessor="record__training_days", order_by=("training_hours", *NAME))
    recommended = tables.Column("Recommended training", accessor="record__completed", orderable=False)
    acknowledgement = tables.Column(
        "Acknowledgement",
        accessor="record__acknowledgement",
        default=NOT_SIGNED,
        order_by=("acknowledged_at", *NAME),
    )
    pair = tables.Column(
        "Pair",
        accessor="pair",
        orderable=False,
        empty_values=(),
    )

    class Meta(StaffTable.Meta):
        empty_text = "No Mentees or MAs match."

    def order_acknowledgement(self, queryset, is_descending: bool):
        """Those who have not signed after those who have, both ways (like a date that may be empty)."""
        signed = F("acknowledged_at")
        signed = signed.desc(nulls_last=True) if is_descending else signed.asc(nulls_last=True)
        return queryset.order_by(signed, *self.NAME), True

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
