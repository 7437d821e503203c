"""Forms for the shared directory: sign-up details, the profile page, and form fields shared by the apps."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import groupby

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest

from .models import Person, User

PHONE_HELP = "A number EEC staff and your coach can reach you on, for example 617-555-0142."


def clean_phone(value: str) -> str:
    value = " ".join(value.split())
    if value and (len(re.sub(r"\D", "", value)) < 7 or not re.fullmatch(r"[0-9+().\- ]+(?:(?:x|ext\.?) ?\d+)?", value)):
        raise forms.ValidationError("Enter a phone number with its area code, for example 617-555-0142.")
    return value


class SignupForm(forms.Form):
    """allauth's sign-up form takes these fields too (ACCOUNT_SIGNUP_FORM_CLASS): PAC never
    has to name a person after their email address."""

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    phone = forms.CharField(label="Phone", max_length=30, required=False, help_text=PHONE_HELP)
    preferred_language = forms.ChoiceField(
        label="Preferred language", choices=Person.Language.choices, initial=Person.Language.ENGLISH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in (("first_name", "given-name"), ("last_name", "family-name"), ("phone", "tel")):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def signup(self, request: HttpRequest, user: User) -> None:
        from .services import person_sign_up

        person_sign_up(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            phone=self.cleaned_data.get("phone", ""),
            preferred_language=self.cleaned_data["preferred_language"],
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "phone", "preferred_language", "reminder_emails"]
        widgets = {"reminder_emails": forms.RadioSelect}
        help_texts = {"phone": PHONE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in (("first_name", "given-name"), ("last_name", "family-name"), ("phone", "tel")):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
        self.fields["first_name"].label = "First name"
        self.fields["last_name"].label = "Last name"
        self.fields["phone"].label = "Phone"
        self.fields["preferred_language"].label = "Preferred language"
        self.fields["reminder_emails"].label = "Reminder emails"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))


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
