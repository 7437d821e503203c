"""Form fields shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from django import forms
from django.forms.models import ModelChoiceIterator


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """The field's choices as optgroups: (group label, [choices]) for runs of rows with the same
    field.group_by(row). The queryset's ordering decides the groups' order (order by the group first)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()
        for group, rows in groupby(queryset, key=self.field.group_by):
            yield (str(group), [self.choice(row) for row in rows])


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField shown as optgroups (a <select> with <optgroup>s)."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, queryset, *, group_by: Callable[[object], object], **kwargs):
        self.group_by = group_by
        super().__init__(queryset, **kwargs)


class GroupedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose checkboxes come in groups (templates/pac/grouped_checkboxes.html
    renders each group as a fieldset with its legend)."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, queryset, *, group_by: Callable[[object], object], **kwargs):
        self.group_by = group_by
        super().__init__(queryset, **kwargs)
