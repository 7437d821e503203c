"""Filters of the staff application list (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters

from pac.filters import StaffFilterSet, region_filter, search_filter

from .models import Application, Stage
from .roles import ApplicantRole


class ApplicationFilter(StaffFilterSet):
    stage = django_filters.ChoiceFilter(label="Stage", choices=Stage.choices)
    role = django_filters.ChoiceFilter(label="Role", choices=ApplicantRole.choices)
    region = region_filter("program__region")
    q = search_filter(
        "Name, email or reference",
        ["reference", "applicant__first_name", "applicant__last_name", "applicant__email"],
    )

    class Meta:
        model = Application
        fields = ["stage", "role", "region", "q"]
