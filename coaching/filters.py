"""Filters of staff's list of 30-day reports (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from pac.filters import AnyYesNo, DateInput, StaffFilterSet, person_lookups, region_filter, search_filter
from pairings.models import Kind

from .models import ThirtyDayReport

EDITABLE = (ThirtyDayReport.Status.DRAFT, ThirtyDayReport.Status.RETURNED)


class ReportFilter(StaffFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=ThirtyDayReport.Status.choices)
    kind = django_filters.ChoiceFilter(label="Kind of pair", field_name="pair__kind", choices=Kind.choices)
    region = region_filter("pair__mentee__program__region")
    overdue = django_filters.BooleanFilter(label="Overdue", method="filter_overdue", widget=AnyYesNo)
    was_late = django_filters.BooleanFilter(label="Submitted late", widget=AnyYesNo)
    due_after = django_filters.DateFilter(
        label="Due on or after", field_name="due_on", lookup_expr="gte", widget=DateInput
    )
    due_before = django_filters.DateFilter(
        label="Due on or before", field_name="due_on", lookup_expr="lte", widget=DateInput
    )
    q = search_filter("Coach or mentee", person_lookups("pair__coach", "pair__mentee"))

    class Meta:
        model = ThirtyDayReport
        fields = ["status", "kind", "region", "overdue", "was_late", "due_after", "due_before", "q"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Overdue as ThirtyDayReport.is_overdue says: still with the coach, and past its due date."""
        if value is None:
            return queryset
        overdue = {"status__in": EDITABLE, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
