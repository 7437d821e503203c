"""Forms of the participation pages: a recommended training and its outcome and the staff
roster's filters."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from .models import Goal, TrainingRecommendation


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class TrainingRecommendationForm(forms.ModelForm):
    class Meta:
        model = TrainingRecommendation
        fields = ["title", "details", "goal"]
        help_texts = {
            "title": "A course, a PD center session, a webinar: what the Mentee will take.",
            "details": "Where, when or a link, so the Mentee can sign up.",
        }

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(pair=pair).exclude(status=Goal.Status.DROPPED)
        self.fields["goal"].empty_label = "Not tied to one goal"
        self.fields["goal"].required = False
        self.helper = _helper()


class TrainingOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[
            (TrainingRecommendation.Status.COMPLETED, "Completed"),
            (TrainingRecommendation.Status.NOT_TAKEN, "Not taken"),
        ],
        widget=forms.RadioSelect,
    )
    completed_on = forms.DateField(label="Completed on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label="Hours (optional)", required=False, min_value=0.5, max_value=999, decimal_places=1, max_digits=5
    )
    reason = forms.CharField(label="Why it was not taken", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == TrainingRecommendation.Status.COMPLETED and not cleaned.get("completed_on"):
            self.add_error("completed_on", "Give the date the training was completed.")
        if status == TrainingRecommendation.Status.NOT_TAKEN and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the training was not taken.")
        return cleaned
