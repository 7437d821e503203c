"""The base of every staff list's filters (django-filter), and the filters the lists share.

A value the form does not accept (a stale choice, a bad date, a NUL byte stopped earlier by the
middleware) is left out of the filtering, and the page names the filters it ignored; it never
fails the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from .models import Region


class AnyYesNo(forms.NullBooleanSelect):
    """Any / Yes / No, for a yes-or-no filter (Django's own says "Unknown" for any)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", "Any"), ("true", "Yes"), ("false", "No"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StaffFilterSet(django_filters.FilterSet):
    """Bootstrap's small form controls on every field; ``ignored`` names the fields whose value
    was not understood."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for field in self.form.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    @property
    def ignored(self) -> list[str]:
        if not self.is_bound:
            return []
        return [str(self.form.fields[name].label) for name in self.form.errors if name in self.form.fields]

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (the page says so beside the count)."""
        return self.is_bound and any(v not in (None, "", [], ()) for v in self.form.cleaned_data.values())


def words_filter(lookups: Sequence[str]):
    """A filter method matching every word of the value against any of ``lookups`` (icontains),
    so "ana lee" finds Ana Lee whichever name field holds each word."""

    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:5]:
            match = Q()
            for lookup in lookups:
                match |= Q(**{f"{lookup}__icontains": word})
            queryset = queryset.filter(match)
        return queryset

    return method


def person_lookups(*paths: str) -> list[str]:
    """The name lookups of the people at ``paths`` ("pair__coach", "applicant", ...)."""
    return [f"{path}__{field}" for path in paths for field in ("first_name", "last_name")]


def search_filter(label: str, lookups: Sequence[str]) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=label, method=words_filter(lookups), max_length=100)


def region_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """A region by its number (``?region=3``, as the lists' links have always said)."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        label="Region",
        queryset=Region.objects.order_by("number"),
        to_field_name="number",
        empty_label="Any",
    )
