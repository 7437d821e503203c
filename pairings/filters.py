"""Filters of staff's list of pairs (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters

from pac.filters import StaffFilterSet, person_lookups, region_filter, search_filter

from .models import Kind, Pair


class PairFilter(StaffFilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=Kind.choices)
    status = django_filters.ChoiceFilter(label="Status", choices=Pair.Status.choices)
    region = region_filter("mentee__program__region")
    q = search_filter("Coach, mentee or leader", person_lookups("coach", "mentee", "leader"))

    class Meta:
        model = Pair
        fields = ["kind", "status", "region", "q"]
