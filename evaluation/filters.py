"""Filters of the observation and coach-review lists (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from pac.filters import DateInput, StaffFilterSet, person_lookups, region_filter, search_filter
from pac.models import ProgramYear
from pairings.models import Pair

from .models import CoachReview, Instrument, Observation, Recommendation


class ObservationFilter(StaffFilterSet):
    year = django_filters.ModelChoiceFilter(
        label="Program year", field_name="pair__program_year", queryset=ProgramYear.objects.all(), empty_label="Any"
    )
    instrument = django_filters.ModelChoiceFilter(
        label="Tool", queryset=Instrument.objects.order_by("pk"), to_field_name="code", empty_label="Any"
    )
    time_point = django_filters.ChoiceFilter(label="Time point", choices=Observation.TimePoint.choices)
    region = region_filter("pair__mentee__program__region")
    observed_after = django_filters.DateFilter(
        label="Observed on or after", field_name="observed_on", lookup_expr="gte", widget=DateInput
    )
    observed_before = django_filters.DateFilter(
        label="Observed on or before", field_name="observed_on", lookup_expr="lte", widget=DateInput
    )
    q = search_filter("Mentee, coach or observer", person_lookups("pair__mentee", "pair__coach", "observer"))

    class Meta:
        model = Observation
        fields = ["year", "instrument", "time_point", "region", "observed_after", "observed_before", "q"]


class CoachReviewFilter(StaffFilterSet):
    AWAITING = "awaiting"

    role = django_filters.ChoiceFilter(
        label="Role", choices=[("ct", "Consultant Teacher"), ("ca", "Consultant Administrator")]
    )
    region = region_filter("coach__program__region")
    decision = django_filters.ChoiceFilter(
        label="Decision",
        choices=[(AWAITING, "Awaiting a decision"), *Recommendation.choices],
        method="filter_decision",
    )
    q = search_filter("Coach", person_lookups("coach"))

    class Meta:
        model = CoachReview
        fields = ["role", "region", "decision", "q"]

    def filter_decision(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(decision="" if value == self.AWAITING else value)


class TickedOrAny(forms.CheckboxInput):
    """A checkbox filter: ticked narrows the list; unticked is no filter at all (not "no")."""

    TICKED = ("1", "on", "true", "True")  # "on" from the box; "1" from My work's links

    def value_from_datadict(self, data, files, name):
        return True if data.get(name) in self.TICKED else None


class ScheduleFilter(StaffFilterSet):
    """The observation schedule's filters: pairs missing an observation (``?missing=1``, as My work
    links), with an observation in a given state, by region, by name."""

    missing = django_filters.BooleanFilter(
        label="Only pairs missing an observation", method="filter_missing", widget=TickedOrAny
    )
    state = django_filters.ChoiceFilter(
        label="Pre or post is",
        choices=[
            ("overdue", "Overdue"),
            ("missing", "Not scheduled"),
            ("scheduled", "Scheduled, not yet due"),
            ("recorded", "Recorded"),
        ],
        method="filter_state",
        empty_label="Any",
    )
    region = region_filter("mentee__program__region")
    q = search_filter("Mentee or coach", person_lookups("mentee", "coach"))

    class Meta:
        model = Pair
        fields = ["missing", "state", "region", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["missing"].widget.attrs["class"] = "form-check-input"

    def filter_missing(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        # not recorded at pre or at post (scheduled or not)
        return queryset.filter(Q(pre_on__isnull=True) | Q(post_on__isnull=True)) if value else queryset

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(pre_state=value) | Q(post_state=value))
