from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pac.models import Person, Program, Region
from pac.roles import StaffRole
from pairings.models import Kind, Pair

from .models import Dimension, Instrument, Observation, ScheduledObservation
from .selectors import KIND_CHOICES

MAX_CYCLES = 6


def pair_label(pair: Pair) -> str:
    program = pair.mentee.program
    where = f"{program.name}, region {program.region.number}" if program else "no program"
    return f"{pair.mentee.full_name} ({where}) · coach {pair.coach.full_name}"


class PairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pair) -> str:
        return pair_label(obj)


class PairsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Pair) -> str:
        return pair_label(obj)


class ObserverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


def observers() -> QuerySet[Person]:
    """People holding the CLASS observer role, or any reliability certificate."""
    return (
        (
            Person.objects.filter(user__groups__name=StaffRole.CLASS_OBSERVER)
            | Person.objects.filter(class_certificates__isnull=False)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class ObservationSetupForm(forms.Form):
    """Step one (a GET form): whose classroom, on which tool, at which time point, how many cycles."""

    pair = PairChoiceField(queryset=Pair.objects.none(), label="Classroom of (mentee)")
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.filter(is_active=True), to_field_name="code", label="CLASS tool"
    )
    time_point = forms.ChoiceField(choices=Observation.TimePoint.choices, label="Time point")
    cycles = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, MAX_CYCLES + 1)],
        coerce=int,
        initial=4,
        label="Number of cycles",
        help_text="Usually four; the manual recommends four to six.",
    )

    def __init__(self, *args, pairs: QuerySet[Pair], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pairs


class ObservationDetailsForm(forms.Form):
    observed_on = forms.DateField(label="Date observed", widget=forms.DateInput(attrs={"type": "date"}))
    observer = ObserverChoiceField(queryset=Person.objects.none(), label="Observer")
    classroom = forms.CharField(max_length=120, required=False, label="Classroom")
    educator_observed = forms.CharField(
        max_length=160,
        required=False,
        label="Educator or team observed",
        help_text="For a Mentee Administrator: the educator or team named in the MA's plan.",
    )

    def __init__(self, *args, pair: Pair, observer: Person | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        if observer is not None:  # a CLASS observer records their own observation
            del self.fields["observer"]
        else:
            self.fields["observer"].queryset = observers()
        if pair.kind == Kind.CA_MA:
            self.fields["educator_observed"].required = True
        else:
            del self.fields["educator_observed"]

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date observed cannot be in the future.")
        return day


class CycleScoresForm(forms.Form):
    """Every dimension in every cycle, a whole number from 1 to 7. Fields are named c<cycle>_<code>."""

    def __init__(self, *args, dimensions: list[Dimension], cycles: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        self.cycle_numbers = list(range(1, cycles + 1))
        for number in self.cycle_numbers:
            for dimension in dimensions:
                message = f"Cycle {number}, {dimension.name}: enter a whole number from 1 to 7."
                self.fields[self.field_name(number, dimension)] = forms.IntegerField(
                    label=f"Cycle {number}: {dimension.name} ({dimension.code})",
                    min_value=1,
                    max_value=7,
                    error_messages={
                        "required": f"Cycle {number}, {dimension.name}: a score is missing.",
                        "invalid": message,
                        "min_value": message,
                        "max_value": message,
                    },
                    widget=forms.NumberInput(
                        attrs={"inputmode": "numeric", "min": 1, "max": 7, "class": "form-control score-input"}
                    ),
                )

    @staticmethod
    def field_name(number: int, dimension: Dimension) -> str:
        return f"c{number}_{dimension.code}"

    def grid(self):
        """Rows for the template: (domain, dimension, [bound field per cycle])."""
        return [(d.domain, d, [self[self.field_name(n, d)] for n in self.cycle_numbers]) for d in self.dimensions]

    def cycles(self) -> list[dict[str, int]]:
        return [{d.code: self.cleaned_data[self.field_name(n, d)] for d in self.dimensions} for n in self.cycle_numbers]


class ScheduleForm(forms.ModelForm):
    pair = PairChoiceField(queryset=Pair.objects.none(), label="Pair (mentee's classroom)")
    observer = ObserverChoiceField(queryset=Person.objects.none(), required=False, label="Observer")

    class Meta:
        model = ScheduledObservation
        fields = ["pair", "time_point", "window_opens", "due_by", "observer", "instrument", "classroom", "note"]
        widgets = {
            "window_opens": forms.DateInput(attrs={"type": "date"}),
            "due_by": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"window_opens": "Window opens", "due_by": "Due by", "instrument": "CLASS tool"}

    def __init__(self, *args, pairs: QuerySet[Pair], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pairs
        self.fields["observer"].queryset = observers()
        self.fields["instrument"].queryset = Instrument.objects.filter(is_active=True)
        self.fields["instrument"].required = False

    def clean(self):
        data = super().clean()
        opens, due = data.get("window_opens"), data.get("due_by")
        if opens and due and due < opens:
            self.add_error("due_by", "The due date must be on or after the day the window opens.")
        return data


class BulkScheduleForm(forms.Form):
    pairs = PairsChoiceField(queryset=Pair.objects.none(), widget=forms.CheckboxSelectMultiple, label="Pairs")
    time_point = forms.ChoiceField(choices=Observation.TimePoint.choices, label="Time point")
    window_opens = forms.DateField(label="Window opens", widget=forms.DateInput(attrs={"type": "date"}))
    due_by = forms.DateField(label="Due by", widget=forms.DateInput(attrs={"type": "date"}))
    observer = ObserverChoiceField(queryset=Person.objects.none(), required=False, label="Observer (optional)")

    def __init__(self, *args, pairs: QuerySet[Pair], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].queryset = pairs
        self.fields["observer"].queryset = observers()

    def clean(self):
        data = super().clean()
        opens, due = data.get("window_opens"), data.get("due_by")
        if opens and due and due < opens:
            self.add_error("due_by", "The due date must be on or after the day the window opens.")
        return data


class CohortFilterForm(forms.Form):
    year = forms.ModelChoiceField(queryset=None, required=False, empty_label=None, label="Program year")
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.filter(is_active=True), to_field_name="code", empty_label=None, label="CLASS tool"
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("number"), to_field_name="number", required=False, empty_label="All regions"
    )
    program_type = forms.ChoiceField(
        choices=[("", "All program types"), *Program.ProgramType.choices], required=False, label="Program type"
    )
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False, label="Role")

    def __init__(self, *args, **kwargs):
        from pac.models import ProgramYear

        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = ProgramYear.objects.all()
