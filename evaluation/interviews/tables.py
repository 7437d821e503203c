"""The formative-interview list's table (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from pac.tables import StaffTable

from ..models import FormativeInterview


class InterviewTable(StaffTable):
    """Columns sort on the database; each sort ends on the interview's id so pages never overlap.
    The answers are not listed (nor in the CSV): they are read on the interview's page."""

    noun, noun_plural = "interview", "interviews"
    caption = "Formative interviews"

    interview_on = tables.DateColumn(
        verbose_name="Date",
        format="M j, Y",
        linkify=("evaluation:interview", [tables.A("pk")]),
        order_by=("interview_on", "pk"),
    )
    interviewee = tables.Column(
        "Interview with",
        accessor="interviewee__full_name",
        order_by=("interviewee__last_name", "interviewee__first_name", "pk"),
    )
    coach = tables.Column(
        "For the review of",
        accessor="coach__full_name",
        order_by=("coach__last_name", "coach__first_name", "pk"),
    )
    interviewer = tables.Column(
        "Interviewer", accessor="interviewer__full_name", order_by=("interviewer__full_name", "pk")
    )
    status = tables.Column("Status", order_by=("status", "pk"))

    class Meta(StaffTable.Meta):
        model = FormativeInterview
        fields = ()
        empty_text = "No interviews match."

    def render_interviewee(self, record: FormativeInterview) -> str:
        role = record.get_interviewee_role_display()
        return format_html('{}<br><span class="small">{}</span>', record.interviewee.full_name, role)

    def value_interviewee(self, record: FormativeInterview) -> str:
        return f"{record.interviewee.full_name} ({record.get_interviewee_role_display()})"

    def render_coach(self, record: FormativeInterview) -> str:
        if record.is_about_a_mentee:
            return record.coach.full_name
        return format_html('<span class="small">{}</span>', "their own")

    def value_coach(self, record: FormativeInterview) -> str:
        return record.coach.full_name if record.is_about_a_mentee else "their own"

    def render_interviewer(self, record: FormativeInterview) -> str:
        capacity = record.get_interviewer_capacity_display()
        return format_html('{}<br><span class="small">{}</span>', record.interviewer, capacity)

    def value_interviewer(self, record: FormativeInterview) -> str:
        return f"{record.interviewer} ({record.get_interviewer_capacity_display()})"

    def value_interview_on(self, value) -> str:
        return value.isoformat() if value else ""
