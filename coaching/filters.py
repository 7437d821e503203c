"""Filters of staff's lists of 30-day reports and Mentees' participation (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from pac.filters import AnyYesNo, DateInput, StaffFilterSet, person_lookups, region_filter, search_filter
from pac.models import Participation, ProgramRole, Region
from pairings.models import Kind, Pair

from . import participation
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


class OverviewFilter(StaffFilterSet):
    """The coaching overview's pairs: by region, status, kind and coach or mentee name."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=[(Pair.Status.ACTIVE, "Active"), (Pair.Status.ENDED, "Ended")], empty_label="Any"
    )
    kind = django_filters.ChoiceFilter(label="Kind of pair", choices=Kind.choices)
    region = region_filter("mentee__program__region")
    q = search_filter("Coach or mentee", person_lookups("coach", "mentee"))

    class Meta:
        model = Pair
        fields = ["status", "kind", "region", "q"]


class RosterFilter(StaffFilterSet):
    """The staff participation page's filters: role, region and what is missing narrow the year's
    Mentees and MAs in the database (``participation.roster_people`` gives each its first orientation
    and when it signed the acknowledgement)."""

    SHOW = [("missing", "Missing orientation or the acknowledgement"), ("ready", "Ready")]

    role = django_filters.ChoiceFilter(
        label="Role",
        choices=[(ProgramRole.MENTEE, "Mentees"), (ProgramRole.MA, "Mentee Administrators")],
        empty_label="Mentees and MAs",
    )
    region = django_filters.ModelChoiceFilter(
        label="Region",
        queryset=Region.objects.order_by("number"),
        to_field_name="number",
        empty_label="Any",
        method="filter_region",
    )
    show = django_filters.ChoiceFilter(label="Show", choices=SHOW, empty_label="Everyone", method="filter_show")

    class Meta:
        model = Participation
        fields = ["role", "region", "show"]

    def filter_region(self, queryset: QuerySet, name: str, value: Region | None) -> QuerySet:
        return participation.in_region(queryset, value.pk) if value else queryset

    def filter_show(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Those missing orientation or the acknowledgement, or those with both (ready)."""
        if value == "missing":
            return queryset.filter(Q(orientation_on__isnull=True) | Q(acknowledged_at__isnull=True))
        if value == "ready":
            return queryset.filter(orientation_on__isnull=False, acknowledged_at__isnull=False)
        return queryset
