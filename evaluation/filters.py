"""Filters of the observation and coach-review lists (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from pac.filters import DateInput, StaffFilterSet, person_lookups, region_filter, search_filter
from pac.models import ProgramYear

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
