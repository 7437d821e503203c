"""The interview list's filters (django-filter). A value the form does not accept is left out of
the filtering and named on the page; it never fails the page."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from ..models import FormativeInterview


class InterviewFilter(django_filters.FilterSet):
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

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

    @property
    def ignored(self) -> list[str]:
        if not self.is_bound:
            return []
        return [str(self.form.fields[name].label) for name in self.form.errors if name in self.form.fields]
