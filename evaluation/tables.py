"""The observation, schedule, coach-review and second-year lists (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables
from django.http import QueryDict
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from pac.tables import StaffTable
from pairings.models import Pair

from . import selectors
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


class ScheduleTable(StaffTable):
    """The observation schedule: each pair's pre and post observation, recorded, scheduled, overdue
    or not scheduled, with a box to pick it for scheduling in bulk (the page wraps the table in that
    form) and a link to schedule or change one. ``selected`` holds the pair ids picked before a form
    error."""

    noun, noun_plural = "pair", "pairs"
    caption = "Each pair's pre and post observation: recorded, scheduled, overdue or missing"

    pick = tables.Column(
        format_html('<span class="visually-hidden">{}</span>', "Select"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
    )
    mentee = tables.Column(
        "Mentee (classroom)",
        accessor="mentee__full_name",
        order_by=("mentee__last_name", "mentee__first_name", "pk"),
    )
    coach = tables.Column(
        "Coach", accessor="coach__full_name", order_by=("coach__last_name", "coach__first_name", "pk")
    )
    region = tables.Column(
        "Region",
        accessor="mentee__program__region__number",
        default="",
        order_by=("mentee__program__region__number", "pk"),
    )
    pre = tables.Column("Pre", accessor="pk", orderable=False, attrs={"td": {"class": "small"}})
    post = tables.Column("Post", accessor="pk", orderable=False, attrs={"td": {"class": "small"}})

    class Meta(StaffTable.Meta):
        model = Pair
        fields = ()
        attrs = {"class": "table table-sm align-middle"}
        empty_text = "No pairs."

    def __init__(self, *args, selected=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = selected

    def render_pick(self, record: Pair) -> str:
        return format_html(
            '<input class="form-check-input" type="checkbox" name="pairs" value="{}" id="pick-{}"{}>'
            '<label class="visually-hidden" for="pick-{}">Select {}</label>',
            record.pk,
            record.pk,
            " checked" if str(record.pk) in self.selected else "",
            record.pk,
            record.mentee.full_name,
        )

    def render_mentee(self, record: Pair) -> str:
        program = record.mentee.program
        cycle = getattr(record, "pre_post_cycle", None)
        return format_html(
            '{}<br><span class="small">{}</span>{}',
            record.mentee.full_name,
            program.name if program else "",
            format_html('<br><span class="small">{}</span>', cycle.tools_label) if cycle else "",
        )

    def render_pre(self, record: Pair) -> str:
        return self._status(record, selectors.schedule_statuses(record)[0])

    def render_post(self, record: Pair) -> str:
        return self._status(record, selectors.schedule_statuses(record)[1])

    def _status(self, pair: Pair, status: selectors.TimePointStatus) -> str:
        if status.state == "recorded":
            day = status.observation_date
            return format_html('<span class="badge text-bg-success">Recorded</span> {}', f"{day:%b} {day.day}")
        if status.state == "missing":
            badge = format_html('<span class="badge text-bg-warning">{}</span>', "Not scheduled")
        else:
            schedule = status.schedule
            colour = "text-bg-danger" if status.state == "overdue" else "text-bg-secondary"
            observer = f", {schedule.observer.full_name}" if schedule.observer else ""
            badge = format_html(
                '<span class="badge {}">{}</span> by {}{}',
                colour,
                status.state.capitalize(),
                f"{schedule.due_by:%b} {schedule.due_by.day}",
                observer,
            )
        # the page's filters, sort and page are kept, so staff come back to the same rows
        request = getattr(self, "request", None)
        query = request.GET.copy() if request is not None else QueryDict(mutable=True)
        query["year"] = pair.program_year_id
        query["pair"], query["time_point"] = pair.pk, status.time_point
        return format_html(
            '{} <a href="?{}#schedule-one">{}<span class="visually-hidden"> the {} observation of {}</span></a>',
            badge,
            query.urlencode(),
            "Change" if status.schedule else "Schedule",
            status.time_point,
            pair.mentee.full_name,
        )


def _day(value) -> str:
    return date_filter(timezone.localtime(value) if timezone.is_aware(value) else value, "M j, Y")


class SecondYearTable(StaffTable):
    """Staff's second-year overview: each decided review of a year and what its decision has done.
    The view attaches each page row's ``progress`` (``second_year.progress_of``, a fixed number of
    queries for the page's reviews)."""

    noun, noun_plural = "decision", "decisions"
    caption = "Decided six-month reviews and what each decision has done"

    coach = tables.Column(
        "Coach", accessor="coach__full_name", order_by=("coach__last_name", "coach__first_name", "pk")
    )
    decision = tables.Column("Decision", order_by=("decision", "coach__last_name", "pk"))
    state = tables.Column("Where it stands", accessor="pk", orderable=False)
    mou = tables.Column("Renewed MOU", accessor="pk", orderable=False)
    capacity = tables.Column("Capacity", accessor="pk", orderable=False)
    pairs = tables.Column("Pairs", accessor="pk", orderable=False)

    class Meta(StaffTable.Meta):
        model = CoachReview
        fields = ()
        attrs = {"class": "table table-sm align-middle"}
        row_attrs = {"data-testid": "second-year-row"}

    def render_coach(self, record: CoachReview) -> str:
        program = record.coach.program
        region = program.region.number if program and program.region_id else "—"
        return format_html(
            '<a href="{}">{}</a><span class="small d-block">{}, Region {}</span>',
            reverse("evaluation:coach_review", args=[record.pk]),
            record.coach.full_name,
            record.get_role_display(),
            region,
        )

    def render_decision(self, record: CoachReview) -> str:
        return format_html(
            '{}<span class="small d-block">{}</span>',
            record.get_decision_display(),
            _day(record.decided_at) if record.decided_at else "",
        )

    def render_state(self, record: CoachReview) -> str:
        return record.progress.state

    def render_mou(self, record: CoachReview) -> str:
        row = record.progress
        renewal = row.outcome.renewal if row.outcome else None
        link = (
            format_html(
                '<a href="{}">{}</a>: ',
                reverse("applications:staff_detail", args=[renewal.reference]),
                renewal.reference,
            )
            if renewal
            else ""
        )
        return format_html("{}{}", link, row.mou_line or "—")

    def render_capacity(self, record: CoachReview) -> str:
        capacity = record.progress.capacity
        return "—" if capacity is None else str(capacity)

    def render_pairs(self, record: CoachReview) -> str:
        row = record.progress
        if row.outcome and row.outcome.decision == "discontinue":
            return (
                format_html_join(
                    ", ",
                    "{} ({})",
                    (
                        (
                            p.mentee.full_name,
                            f"ended {date_filter(p.ended_on, 'M j')}"
                            if p.status == "ended"
                            else f"ends {date_filter(p.end_scheduled_on, 'M j, Y')}",
                        )
                        for p in row.ending_pairs
                    ),
                )
                or "—"
            )
        if row.next_pairs:
            return format_html_join(
                ", ",
                '<a href="{}">{}</a> ({})',
                (
                    (reverse("pairings:detail", args=[p.pk]), p.mentee.full_name, p.get_status_display().lower())
                    for p in row.next_pairs
                ),
            )
        if row.ready_to_pair:
            return format_html(
                '<a href="{}?year={}&amp;kind={}">Pair <span class="visually-hidden">{} </span>in {}</a>',
                reverse("pairings:suggest"),
                row.outcome.next_year_id,
                row.pair_kind,
                record.coach.full_name,
                row.outcome.next_year,
            )
        return "—"
