"""The review page's two forms. They check the shape of the input; the services enforce the rules
(who may recommend or decide, when a note is required)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from ..models import Recommendation


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the coach should continue for a second year."},
    )
    comments = forms.CharField(
        label="Comments",
        help_text="What in the figures, surveys or observations supports your recommendation.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Add comments that explain your recommendation."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose continue or do not continue."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        help_text="Required when the decision is not the panel's majority (or the panel is split or has not "
        "recommended). Not shown to the coach.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
