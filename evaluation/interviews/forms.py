"""Forms check the shape of the input; the services enforce the program's rules (who may be
interviewed and by whom, dates, answered once) and check every answer again."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from pac.models import Participation, Person, ProgramYear, User
from pac.roles import StaffRole
from pac.selectors import advisory_panel_memberships
from pairings.models import Kind, Pair

from ..models import FormativeInterview, InterviewQuestion
from .services import OPEN_ANSWER_MAX, ROLE_LABELS


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def interviewees(program_year: ProgramYear):
    """The year's coaches and paired Mentees and MAs, each with what they are (as the service reads it)."""
    live = Pair.objects.filter(program_year=program_year, status=Pair.Status.ACTIVE)
    as_coach = live.filter(coach=OuterRef("pk")).order_by("kind")
    as_mentee = live.filter(mentee=OuterRef("pk")).order_by("kind")
    accepted = Participation.objects.active().filter(
        person=OuterRef("pk"), program_year=program_year, role__in=FormativeInterview.COACH_ROLES
    )
    return (
        Person.objects.filter(Q(Exists(as_coach)) | Q(Exists(as_mentee)) | Q(Exists(accepted)), is_active=True)
        .annotate(
            coach_kind=Subquery(as_coach.values("kind")[:1]),
            mentee_kind=Subquery(as_mentee.values("kind")[:1]),
            accepted_role=Subquery(accepted.order_by("role").values("role")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )


def _role_label(person: Person) -> str:
    if person.coach_kind:
        return ROLE_LABELS["ca" if person.coach_kind == Kind.CA_MA else "ct"]
    if person.mentee_kind:
        return ROLE_LABELS["ma" if person.mentee_kind == Kind.CA_MA else "mentee"]
    return ROLE_LABELS.get(person.accepted_role, "")


def interviewers(program_year: ProgramYear):
    """Who may interview in the year: its Advisory Panel (serving today) and EEC staff."""
    seated = advisory_panel_memberships(program_year).filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True)
        .filter(Q(Exists(seated)) | Q(groups__name=StaffRole.EEC_STAFF))
        .annotate(on_panel=Exists(seated))
        .distinct()
        .order_by("full_name", "email")
    )


class ScheduleForm(forms.Form):
    interviewee = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Interview with",
        help_text="A Consultant Teacher or Administrator, a Mentee or a Mentee Administrator of the year.",
        error_messages={"invalid_choice": "Choose someone from the list."},
    )
    interviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Interviewer",
        help_text="An Advisory Panel member of the year, or EEC staff.",
        error_messages={"invalid_choice": "Choose an interviewer from the list."},
    )
    scheduled_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}), help_text="The day planned for the interview."
    )

    def __init__(self, *args, program_year: ProgramYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewee"].queryset = interviewees(program_year)
        self.fields["interviewee"].label_from_instance = lambda p: f"{p.full_name} ({_role_label(p)})"
        self.fields["interviewer"].queryset = interviewers(program_year)
        self.fields["interviewer"].label_from_instance = lambda u: (
            f"{u} (Advisory Panel)" if u.on_panel else f"{u} (EEC staff)"
        )
        today = timezone.localdate()
        self.fields["scheduled_on"].initial = min(
            max(today + datetime.timedelta(days=14), program_year.starts_on), program_year.ends_on
        )
        self.helper = _helper()


def field_name(question: InterviewQuestion) -> str:
    return f"q{question.pk}"


class RecordForm(forms.Form):
    """The protocol's questions in order: closed ones as radio buttons, open ones as text boxes."""

    held_on = forms.DateField(
        label="Date of the interview",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day it took place.",
    )

    def __init__(self, *args, interview: FormativeInterview, questions: list[InterviewQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["held_on"].initial = min(interview.scheduled_on, timezone.localdate())
        for question in questions:
            self.fields[field_name(question)] = self._field(question)
        self.helper = _helper()

    @staticmethod
    def _field(question: InterviewQuestion) -> forms.Field:
        required = {"required": "Record the answer to this question."}
        if question.kind == InterviewQuestion.Kind.CHOICE:
            return forms.ChoiceField(
                label=question.text,
                required=question.required,
                choices=[(option, option) for option in question.choice_list],
                widget=forms.RadioSelect,
                help_text=question.guidance,
                error_messages={**required, "invalid_choice": "Choose one of the options listed."},
            )
        return forms.CharField(
            label=question.text,
            required=question.required,
            max_length=OPEN_ANSWER_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=question.guidance or "In the interviewee's words where you can.",
            error_messages={**required, "max_length": f"Keep the answer under {OPEN_ANSWER_MAX:,} characters."},
        )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(field_name(q)) or "" for q in self.questions}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=300,
        help_text="Kept with the interview's record; the interviewer and the interviewee are told it is cancelled.",
        error_messages={"required": "Say why the interview is cancelled."},
    )
