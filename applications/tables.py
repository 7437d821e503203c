"""The staff application list's table and the progress page's assignments (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pac.tables import EmptyLastDateColumn, StaffTable

from .models import Application, ReviewAssignment


class ApplicationTable(StaffTable):
    """Columns sort on the database; each sort ends on the reference so pages never overlap."""

    noun, noun_plural = "application", "applications"
    caption = "Applications"

    reference = tables.Column("Reference", linkify=("applications:staff_detail", [tables.A("reference")]))
    applicant = tables.Column(
        "Applicant",
        accessor="applicant__full_name",
        order_by=("applicant__last_name", "applicant__first_name", "reference"),
    )
    role = tables.Column("Role", order_by=("role", "reference"))
    region = tables.Column(
        "Region", accessor="program__region__number", default="—", order_by=("program__region__number", "reference")
    )
    stage = tables.Column("Stage", order_by=("stage", "reference"))
    received = tables.Column("Letters", order_by=("received", "reference"))
    reviews_done = tables.Column("Tier 2 reviews", order_by=("reviews_done", "reference"))

    class Meta(StaffTable.Meta):
        model = Application
        fields = ()
        empty_text = "No applications match."


SELECT_HEADER = mark_safe('<span class="visually-hidden">Select</span>')  # noqa: S308 - constant


class AssignmentTable(StaffTable):
    """The progress page's review assignments: rows come from selectors.review_progress, whose
    ``overdue`` the database works out; each sort ends on the id so pages never overlap."""

    noun, noun_plural = "assignment", "assignments"
    caption = "Review assignments"

    select = tables.Column(SELECT_HEADER, accessor="pk", orderable=False, empty_values=())
    application = tables.Column(
        "Application",
        accessor="application__reference",
        linkify=("applications:staff_detail", [tables.A("application__reference")]),
        order_by=("application__reference", "pk"),
    )
    reviewer = tables.Column("Reviewer", accessor="reviewer", order_by=("reviewer__email", "pk"))
    tier = tables.Column("Tier", order_by=("tier", "pk"))
    status = tables.Column("Status", order_by=("status", "pk"))
    due_on = EmptyLastDateColumn(verbose_name="Due", format="M j", default="—", order_by=("due_on", "pk"))
    last_reminded_at = EmptyLastDateColumn(
        verbose_name="Last reminded", format="M j", default="—", order_by=("last_reminded_at", "pk")
    )

    class Meta(StaffTable.Meta):
        model = ReviewAssignment
        fields = ()
        empty_text = "No assignments match."

    def render_select(self, record: ReviewAssignment) -> str:
        if not record.overdue:
            return ""
        return format_html(
            '<input class="form-check-input" type="checkbox" name="assignment" value="{}" id="as-{}"'
            ' aria-label="Select {} for {}">',
            record.pk,
            record.pk,
            record.application.reference,
            record.reviewer,
        )

    def render_tier(self, record: ReviewAssignment) -> int:
        return record.tier  # the number, as the page has always shown it (the column would say its label)

    # tables2's DateColumn compiles its template for every cell: these two format the date themselves
    def render_due_on(self, value) -> str:
        return date_format(value, "M j") if value else "—"

    def render_last_reminded_at(self, value) -> str:
        return date_format(timezone.localtime(value), "M j") if value else "—"

    def render_status(self, record: ReviewAssignment) -> str:
        if record.overdue:
            return format_html('{} <strong class="text-danger">overdue</strong>', record.get_status_display())
        return record.get_status_display()
