"""The interview list's filters (django-filter). A value the form does not accept is left out of
the filtering and named on the page; it never fails the page."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from pac.filters import StaffFilterSet

from ..models import FormativeInterview


class InterviewFilter(StaffFilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=FormativeInterview.Status.choices, empty_label="Any")
    role = django_filters.ChoiceFilter(
        label="Interview with", field_name="interviewee_role", choices=FormativeInterview.ROLES, empty_label="Anyone"
    )
    capacity = django_filters.ChoiceFilter(
        label="Interviewer",
        field_name="interviewer_capacity",
        choices=FormativeInterview.Capacity.choices,
        empty_label="Panel or staff",
    )
    q = django_filters.CharFilter(label="Name", method="filter_names", max_length=100)

    class Meta:
        model = FormativeInterview
        fields = ["status", "role", "capacity", "q"]

    def filter_names(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word against the interviewee's, the coach's and the interviewer's names."""
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(interviewee__first_name__icontains=word)
                | Q(interviewee__last_name__icontains=word)
                | Q(coach__first_name__icontains=word)
                | Q(coach__last_name__icontains=word)
                | Q(interviewer__full_name__icontains=word)
            )
        return queryset
