from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from pac.models import Person, Program, Region
from pac.roles import StaffRole
from pairings.models import Pair

from .models import Dimension, Instrument, Observation, ObserverCertificate, PrePostCycle, ScheduledObservation
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
    """People holding the CLASS observer role, or any reliability certificate (two index lookups,
    no DISTINCT over every column of the joined rows)."""
    role = Person.objects.filter(user__groups__name=StaffRole.CLASS_OBSERVER).values("pk")
    certified = ObserverCertificate.objects.values("observer_id")
    return Person.objects.filter(Q(pk__in=role) | Q(pk__in=certified)).order_by("last_name", "first_name")


def offer(field: forms.ModelChoiceField, objects) -> None:
    """Show only ``objects`` (a page's rows, or a list read once and shared by several forms of a
    page) as the field's choices; the field still accepts, and checks, whatever its queryset holds."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *((obj.pk, field.label_from_instance(obj)) for obj in objects)]


class ObservationSetupForm(forms.Form):
    """Step one (a GET form): whose classroom, at which time point, how many cycles. The tool is
    not asked here: it is the pair's pre/post cycle's."""

    pair = PairChoiceField(queryset=Pair.objects.none(), label="Classroom of (mentee)")
    time_point = forms.ChoiceField(choices=Observation.TimePoint.choices, label="Time point")
    cycles = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, MAX_CYCLES + 1)],
        coerce=int,
        initial=4,
        label="Number of cycles",
        help_text="Usually four; the manual recommends four to six. A mixed-age room alternates its two tools.",
    )

    def __init__(self, *args, pairs: QuerySet[Pair], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pairs


class ToolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Instrument) -> str:
        return f"{obj.name} ({obj.ages})" if obj.ages else obj.name


def tool_fields(*, required: bool) -> dict[str, forms.Field]:
    """The CLASS tool of a pair's pre/post cycle, and the second tool of a mixed-age room."""
    active = Instrument.objects.filter(is_active=True)
    return {
        "instrument": ToolChoiceField(
            queryset=active,
            required=required,
            label="CLASS tool",
            help_text="Every observation of the pair this year (pre, mid, post) uses it, so pre and post compare.",
        ),
        "second_instrument": ToolChoiceField(
            queryset=active,
            required=False,
            label="Second CLASS tool (mixed-age room only)",
            help_text="For a room that spans age bands, such as a mixed-age family child care room: the observer "
            "alternates cycles between the two tools (odd cycles on the first) and each is scored on its own.",
        ),
    }


def _clean_tools(form: forms.Form, data: dict) -> dict:
    first, second = data.get("instrument"), data.get("second_instrument")
    if second is not None and first is not None and second.pk == first.pk:
        form.add_error("second_instrument", "Choose a different tool from the first, or leave this empty.")
    if second is not None and first is None and "instrument" not in form.errors:
        form.add_error("instrument", "Choose the first tool as well as the second.")
    return data


class PrePostCycleForm(forms.Form):
    """The CLASS tool (or two, for a mixed-age room) of a pair's pre/post cycle."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(tool_fields(required=True))

    def clean(self):
        return _clean_tools(self, super().clean())


class ObservationForm(forms.Form):
    """One visit: the date, the observer (staff record for someone else), the classroom, and every
    dimension of each cycle's tool scored 1–7. Score fields are named c<cycle>_<code>; in a mixed-age
    room odd cycles take the first tool's dimensions and even cycles the second's."""

    observed_on = forms.DateField(label="Date observed", widget=forms.DateInput(attrs={"type": "date"}))
    observer = ObserverChoiceField(queryset=Person.objects.none(), label="Observer")
    classroom = forms.CharField(max_length=120, required=False, label="Classroom")

    def __init__(self, *args, cycle: PrePostCycle, cycles: int, observer: Person | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        if observer is not None:  # a CLASS observer records their own observation
            del self.fields["observer"]
        else:
            self.fields["observer"].queryset = observers()
        self.cycle_numbers = list(range(1, cycles + 1))
        self.tools = cycle.instruments()
        by_tool: dict[int, list[Dimension]] = {t.pk: [] for t in self.tools}
        for dimension in (
            Dimension.objects.filter(domain__instrument__in=self.tools)
            .select_related("domain")
            .order_by("domain__order", "order")
        ):
            by_tool[dimension.domain.instrument_id].append(dimension)
        self.dimensions = by_tool
        for number in self.cycle_numbers:
            for dimension in by_tool[cycle.instrument_of_cycle(number).pk]:
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

    def detail_fields(self) -> list:
        return [self[name] for name in ("observed_on", "observer", "classroom") if name in self.fields]

    def score_fields(self) -> list:
        return [self[name] for name in self.fields if name not in ("observed_on", "observer", "classroom")]

    def grids(self):
        """One grid per tool for the template: (tool, its cycle numbers, rows of (domain, dimension,
        [bound field per cycle]))."""
        out = []
        for tool in self.tools:
            numbers = [n for n in self.cycle_numbers if self.cycle.instrument_of_cycle(n).pk == tool.pk]
            rows = [(d.domain, d, [self[self.field_name(n, d)] for n in numbers]) for d in self.dimensions[tool.pk]]
            out.append((tool, numbers, rows))
        return out

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date observed cannot be in the future.")
        return day

    def cycles(self) -> list[dict[str, int]]:
        """Each cycle's scores by dimension code, in cycle order."""
        return [
            {
                d.code: self.cleaned_data[self.field_name(n, d)]
                for d in self.dimensions[self.cycle.instrument_of_cycle(n).pk]
            }
            for n in self.cycle_numbers
        ]


class ScheduleForm(forms.ModelForm):
    pair = PairChoiceField(queryset=Pair.objects.none(), label="Pair (mentee's classroom)")
    observer = ObserverChoiceField(queryset=Person.objects.none(), required=False, label="Observer")

    class Meta:
        model = ScheduledObservation
        fields = ["pair", "time_point", "window_opens", "due_by", "observer", "classroom", "note"]
        widgets = {
            "window_opens": forms.DateInput(attrs={"type": "date"}),
            "due_by": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"window_opens": "Window opens", "due_by": "Due by", "instrument": "CLASS tool"}

    def __init__(self, *args, pairs: QuerySet[Pair], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pairs
        self.fields["observer"].queryset = observers()
        tools = tool_fields(required=False)
        tools["instrument"].help_text = (
            "The pair's pre/post cycle's tool: every observation of the pair this year uses it. Leave it empty "
            "to let the observer choose at the first visit; it cannot change once an observation is recorded."
        )
        self.fields.update(tools)
        self.order_fields(
            ["pair", "time_point", "window_opens", "due_by", "observer", "instrument", "second_instrument"]
        )

    def limit_pairs(self, listed: list[Pair], *, also: Pair | None = None) -> None:
        """Offer only ``listed`` pairs (the schedule page's rows) and the one chosen or posted, so the
        select does not grow with the year. Any pair of the year is still accepted."""
        chosen = [also] if also is not None else []
        if self.is_bound and getattr(self, "cleaned_data", {}).get("pair") is not None:
            chosen.append(self.cleaned_data["pair"])
        pairs = {pair.pk: pair for pair in [*listed, *chosen]}
        offer(self.fields["pair"], pairs.values())

    def clean(self):
        data = _clean_tools(self, super().clean())
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
