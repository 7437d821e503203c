"""Filters of staff's list of survey rounds (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from pac.filters import AnyYesNo, StaffFilterSet, person_lookups, search_filter

from ..models import Survey, SurveyRound


class SurveyRoundFilter(StaffFilterSet):
    survey = django_filters.ModelChoiceFilter(
        label="Survey", queryset=Survey.objects.order_by("name"), empty_label="Any"
    )
    is_open = django_filters.BooleanFilter(label="Still open", method="filter_open", widget=AnyYesNo)
    q = search_filter("Coach", person_lookups("coach"))

    class Meta:
        model = SurveyRound
        fields = ["survey", "is_open", "q"]

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(closes_on__gte=today) if value else queryset.filter(closes_on__lt=today)
