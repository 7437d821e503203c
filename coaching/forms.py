from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from pac.models import Tag

from .models import Goal, Meeting, PlanEducator


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "duration_minutes",
            "duration_reason",
            "modality",
            "purpose",
            "leader_present",
            "notes",
            "observed",
            "next_steps",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 600}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "observed": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    # Asked the other way round so that leaving it alone means the mentee was there: only a
    # check-in held with the leader alone is ticked, and the mentee is then not asked to confirm it.
    mentee_absent = forms.BooleanField(
        label="The Mentee did not take part (a check-in with the leader only)",
        required=False,
        help_text="The Mentee confirms each meeting they took part in.",
    )

    def __init__(self, *args, has_leader: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if not has_leader:  # without a leader every meeting is the coach's with the mentee
            del self.fields["leader_present"]
            del self.fields["mentee_absent"]
        elif self.instance.pk:
            self.fields["mentee_absent"].initial = not self.instance.mentee_present
        # keep the leader questions together
        order = list(self.fields)
        if "mentee_absent" in order:
            order.remove("mentee_absent")
            order.insert(order.index("leader_present") + 1, "mentee_absent")
            self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        if "mentee_absent" in self.fields:
            cleaned["mentee_present"] = not cleaned.pop("mentee_absent", False)
        return cleaned


class MeetingWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is this meeting withdrawn?",
        max_length=300,
        help_text="For example: logged twice, or logged for the wrong pair. The pair and EEC staff see this.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the meeting is withdrawn."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "horizon", "area", "strategies", "recommended_training", "target_date", "status"]
        widgets = {
            "horizon": forms.RadioSelect,
            "target_date": forms.DateInput(attrs={"type": "date"}),
            "strategies": forms.Textarea(attrs={"rows": 3}),
            "recommended_training": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Tag.objects.filter(
            is_active=True, kind__in=["class", "competency", "qris", "leadership"]
        )
        self.fields["area"].label_from_instance = lambda t: t.name
        self.helper = _helper()


class PlanEducatorForm(forms.ModelForm):
    """The one educator or classroom team a Mentee Administrator supports through the plan."""

    class Meta:
        model = PlanEducator
        fields = ["name", "classroom"]
        labels = {"name": "Educator or classroom team", "classroom": "Classroom or room (optional)"}
        error_messages = {"name": {"required": "Name the educator or classroom team."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class GoalNoteForm(forms.Form):
    text = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReportForm(forms.Form):
    """One text box per section of the report's template."""

    def __init__(self, *args, sections: list[tuple[str, str, str]], initial_answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title, help_text in sections:
            self.fields[key] = forms.CharField(
                label=title,
                help_text=help_text,
                required=False,
                initial=initial_answers.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.helper = _helper()


class ReturnForm(forms.Form):
    comment = forms.CharField(label="What needs revising", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TrainingEventForm(forms.ModelForm):
    class Meta:
        from .models import TrainingEvent

        model = TrainingEvent
        fields = ["kind", "title", "audience", "region", "held_on", "hours", "facilitator"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from pac.models import Person, Region
        from pac.permissions import is_eec_staff

        self.helper = _helper()
        self.fields["facilitator"].queryset = Person.objects.filter(facilitated_regions__isnull=False).distinct()
        if not is_eec_staff(user):  # a facilitator adds PLC sessions for their own regions, as themselves
            self.fields["kind"].choices = [("plc", "Professional Learning Community")]
            self.fields["facilitator"].queryset = Person.objects.filter(user=user)
            self.fields["region"].queryset = Region.objects.filter(facilitators__user=user)
            self.fields["region"].required = True
            del self.fields["audience"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "plc" and "audience" in self.fields:
            cleaned["audience"] = "coaches"  # the PLC is the coaches' and leaders' (the model)
        return cleaned


class CoachReportsForm(forms.Form):
    """The dates (and, for staff, the coach) of a bundle of 30-day reports."""

    MAX_DAYS = 400

    coach = forms.ModelChoiceField(label="Consultant Teacher / Administrator", queryset=None)
    start = forms.DateField(
        label="From",
        help_text="Reports whose period overlaps these dates are included.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD.", "required": "Enter a start date."},
    )
    end = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD.", "required": "Enter an end date."},
    )

    def __init__(self, *args, choose_coach: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from pac.models import Person

        self.helper = _helper()
        if choose_coach:
            self.fields["coach"].queryset = (
                Person.objects.filter(pairs_as_coach__isnull=False).distinct().order_by("last_name", "first_name")
            )
            self.fields["coach"].label_from_instance = lambda p: p.full_name
            self.fields["coach"].error_messages["required"] = "Choose the coach whose reports you want."
        else:
            del self.fields["coach"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", f"Choose a range of at most {self.MAX_DAYS} days (about 13 months).")
        return cleaned
