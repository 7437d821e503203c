"""Staff's list of survey rounds with their response rates (django-tables2; see pac/tables.py).
Answers are never listed: rates only."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from pac.tables import StaffTable

from ..models import SurveyRound
from .selectors import percent


class SurveyRoundTable(StaffTable):
    noun, noun_plural = "round", "rounds"
    caption = "Survey rounds with their response rates"

    coach = tables.Column(
        "Coach",
        accessor="coach__full_name",
        linkify=("evaluation:survey_round", [tables.A("pk")]),
        order_by=("coach__last_name", "coach__first_name", "pk"),
    )
    survey = tables.Column("Survey", accessor="survey__name", order_by=("survey__name", "pk"))
    sent_at = tables.DateColumn(verbose_name="Sent", format="M j", order_by=("sent_at", "pk"))
    closes_on = tables.DateColumn(verbose_name="Closes", format="M j", order_by=("closes_on", "pk"))
    answered = tables.Column("Answered", order_by=("answered", "pk"))
    invited = tables.Column("Invited", visible=False)  # in the CSV; the page says "3 of 5"
    unsent = tables.Column("Not yet emailed", visible=False)
    rate = tables.Column("Rate", empty_values=(), order_by=("rate", "pk"))
    reminders = tables.Column("Reminders", order_by=("reminders", "pk"))
    results = tables.Column(
        format_html('<span class="visually-hidden">{}</span>', "Results"),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(StaffTable.Meta):
        model = SurveyRound
        fields = ()
        empty_text = "No surveys match."

    def render_closes_on(self, value) -> str:
        if value < timezone.localdate():
            return format_html('{} <span class="small">(closed)</span>', f"{value:%b} {value.day}")
        return f"{value:%b} {value.day}"

    def value_closes_on(self, value) -> str:
        return value.isoformat()

    def render_answered(self, value: int, record: SurveyRound) -> str:
        if record.unsent:
            return format_html(
                '{} of {} <span class="small">({} not yet emailed)</span>', value, record.invited, record.unsent
            )
        return f"{value} of {record.invited}"

    def value_answered(self, value: int) -> int:
        return value

    def render_rate(self, record: SurveyRound) -> str:
        rate = percent(record.answered, record.invited)
        return "—" if rate is None else f"{rate}%"

    def value_rate(self, record: SurveyRound) -> int | str:
        rate = percent(record.answered, record.invited)
        return "" if rate is None else rate

    def render_results(self, record: SurveyRound) -> str:
        url = reverse("evaluation:survey_results", args=[record.coach_id])
        return format_html(
            '<a href="{}?year={}">Results<span class="visually-hidden"> for {}</span></a>',
            url,
            record.program_year_id,
            record.coach.full_name,
        )
