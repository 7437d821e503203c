"""The observation and coach-review lists (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from pac.tables import StaffTable

from .models import CoachReview, Observation


class ObservationTable(StaffTable):
    """Columns sort on the database; each sort ends on the observation's id so pages never
    overlap. Scores are not listed: they are read on the observation's page."""

    noun, noun_plural = "observation", "observations"
    caption = "Observations you may see, latest first"

    observed_on = tables.DateColumn(
        verbose_name="Date",
        format="M j, Y",
        linkify=("evaluation:observation", [tables.A("pk")]),
        order_by=("observed_on", "pk"),
    )
    classroom_of = tables.Column(
        "Classroom of",
        accessor="pair__mentee__full_name",
        order_by=("pair__mentee__last_name", "pair__mentee__first_name", "pk"),
    )
    region = tables.Column(
        "Region",
        accessor="pair__mentee__program__region__number",
        default="—",
        order_by=("pair__mentee__program__region__number", "pk"),
    )
    year = tables.Column("Year", accessor="pair__program_year", order_by=("pair__program_year__starts_on", "pk"))
    instrument = tables.Column("Tool", accessor="instrument__name", order_by=("instrument__pk", "pk"))
    time_point = tables.Column("Time point", order_by=("time_point", "pk"))
    observer = tables.Column(
        "Observer", accessor="observer__full_name", order_by=("observer__last_name", "observer__first_name", "pk")
    )

    class Meta(StaffTable.Meta):
        model = Observation
        fields = ()
        empty_text = "No observations match."


class CoachReviewTable(StaffTable):
    """Panel comments are never listed (they are read on the review's page, by staff and the panel)."""

    noun, noun_plural = "review", "reviews"
    caption = "Coaches under review with panel recommendations and the decision"

    coach = tables.Column(
        "Coach",
        accessor="coach__full_name",
        linkify=("evaluation:coach_review", [tables.A("pk")]),
        order_by=("coach__last_name", "coach__first_name", "pk"),
    )
    role = tables.Column("Role", order_by=("role", "pk"))
    region = tables.Column(
        "Region",
        accessor="coach__program__region__number",
        default="—",
        order_by=("coach__program__region__number", "pk"),
    )
    due_on = tables.DateColumn(verbose_name="Due", format="M j, Y", order_by=("due_on", "pk"))
    recommended = tables.Column("Recommendations", order_by=("recommended", "to_continue", "pk"))
    to_continue = tables.Column("Recommend continuing", visible=False)  # in the CSV; the page says "3 (2 to continue)"
    decision = tables.Column("Decision", empty_values=(), order_by=("decision", "pk"))

    class Meta(StaffTable.Meta):
        model = CoachReview
        fields = ()
        empty_text = "No reviews match. A coach's review opens six months after their first pair started."

    def render_recommended(self, value: int, record: CoachReview) -> str:
        return f"{value} ({record.to_continue} to continue)"

    def value_recommended(self, value: int) -> int:
        return value

    def render_decision(self, record: CoachReview) -> str:
        if record.decision:
            return format_html("<strong>{}</strong>", record.get_decision_display())
        return format_html('<span class="badge text-bg-warning">{}</span>', "Awaiting")

    def value_decision(self, record: CoachReview) -> str:
        return record.get_decision_display() if record.decision else "Awaiting"
