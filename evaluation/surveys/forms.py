"""Forms check the shape of the input; the services enforce the program's rules (who may be
asked, answer once, open rounds) and check every answer again."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pac.models import ProgramYear

from ..models import Audience, Question, Survey
from .services import TEXT_MAX_LENGTH, coaches_of_year

DEFAULT_OPEN_DAYS = 21


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RoundSendForm(forms.Form):
    survey = forms.ModelChoiceField(queryset=Survey.objects.none(), label="Survey")
    coach = forms.ModelChoiceField(
        queryset=None, label="Coach (the Consultant Teacher or Administrator the survey is about)"
    )
    audiences = forms.MultipleChoiceField(
        label="Who to ask",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=Audience.values,
        help_text="Each person is asked once, even if they are in more than one group; "
        "people without an email address are left out.",
    )
    closes_on = forms.DateField(
        label="Closes on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day answers are taken.",
    )

    def __init__(self, *args, program_year: ProgramYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(is_active=True, questions__isnull=False).distinct()
        self.fields["coach"].queryset = coaches_of_year(program_year).select_related("program")
        self.fields["coach"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.program.name})" if p.program_id else p.full_name
        )
        self.fields["closes_on"].initial = timezone.localdate() + datetime.timedelta(days=DEFAULT_OPEN_DAYS)
        self.helper = _helper()

    def clean_closes_on(self) -> datetime.date:
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError("Choose a closing date from today on.")
        return closes_on


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """One field per question: agreement and single choice as radio buttons (rendered in a
    fieldset with the question as its legend), free text as a text box."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question)
        self.helper = _helper()

    @staticmethod
    def _field(question: Question) -> forms.Field:
        required = {"required": "Answer this question."}
        if question.kind == Question.Kind.AGREEMENT:
            return forms.TypedChoiceField(
                label=question.text,
                required=question.required,
                coerce=int,
                choices=[(value, f"{value} · {label}") for value, label in Question.AGREEMENT_LABELS.items()],
                widget=forms.RadioSelect,
                error_messages={
                    **required,
                    "invalid_choice": "Choose a number from 1 (strongly disagree) to 5 (strongly agree).",
                },
            )
        if question.kind == Question.Kind.CHOICE:
            return forms.ChoiceField(
                label=question.text,
                required=question.required,
                choices=[(option, option) for option in question.choice_list],
                widget=forms.RadioSelect,
                error_messages={**required, "invalid_choice": "Choose one of the options listed."},
            )
        return forms.CharField(
            label=question.text,
            required=question.required,
            max_length=TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Only EEC staff read written answers, never next to your name.",
            error_messages={
                **required,
                "max_length": f"Keep your answer under {TEXT_MAX_LENGTH:,} characters.",
            },
        )

    def answers(self) -> dict[int, object]:
        """The cleaned answers keyed by question id, for ``response_submit``."""
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def add_service_errors(self, errors: dict[int, str]) -> None:
        by_id = {q.pk: q for q in self.questions}
        for question_id, message in errors.items():
            if question_id in by_id:
                self.add_error(field_name(by_id[question_id]), message)
            else:
                self.add_error(None, message)

    def items(self):
        """(question, bound field) pairs in the survey's order, for the template."""
        return [(q, self[field_name(q)]) for q in self.questions]
