"""Filters of the staff application list and the progress page's assignments (django-filter; see pac/filters.py)."""

from __future__ import annotations

import django_filters

from pac.filters import AnyYesNo, StaffFilterSet, region_filter, search_filter

from .models import Application, ReviewAssignment, Stage, Tier
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


class AssignmentFilter(StaffFilterSet):
    """Filters of the Tier 2 progress page's assignments (the year's, never the withdrawn)."""

    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[c for c in ReviewAssignment.Status.choices if c[0] != ReviewAssignment.Status.WITHDRAWN],
    )
    overdue = django_filters.BooleanFilter(label="Overdue", widget=AnyYesNo)  # the selector's annotation
    committee = django_filters.ChoiceFilter(label="Committee", choices=[])  # the year's: see __init__
    tier = django_filters.ChoiceFilter(label="Tier", choices=Tier.choices)
    q = search_filter("Reviewer or reference", ["reviewer__full_name", "reviewer__email", "application__reference"])

    class Meta:
        model = ReviewAssignment
        fields = ["status", "overdue", "committee", "tier", "q"]

    def __init__(self, data=None, *args, committees=(), **kwargs):
        """``committees``: the year's committees, already read by the page (no query of its own)."""
        super().__init__(data, *args, **kwargs)
        self.form.fields["committee"].choices = [(str(c.pk), c.name) for c in committees]
