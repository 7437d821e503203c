"""The suggestion page's steps, one form each: lock a suggested pair, pair by hand, unlock a
locked pair, let a mentee be matched across regions, confirm the chosen pairs.

Each form checks the shape of what was posted and turns the ids on the page into rows of the
program year shown (a guessed or stale id is a form error in the program's words, never a 404 or
a 500); the services enforce the program's rules (capacity, regions, one pair per mentee).
"""

from __future__ import annotations

from django import forms

from applications.models import Application, Stage
from pac.models import Person, ProgramYear
from pac.views import is_id

from .models import KIND_ROLES, Kind, Pair

POOL_ERROR = "Choose an accepted mentee and coach from this year's pool."


class _PoolChoice(forms.ModelChoiceField):
    """A row chosen by its id on the page; any id that is not one of the allowed rows (guessed,
    stale, not a number, out of range) is the same clear error."""

    def __init__(self, queryset, message: str, **kwargs):
        super().__init__(
            queryset,
            widget=forms.HiddenInput,
            error_messages={"required": message, "invalid_choice": message},
            **kwargs,
        )


class _PairChoices(forms.MultipleChoiceField):
    """Ticked ``mentee:coach`` application ids of the suggestion; the suggestion is worked out
    again on every page, so the values are checked for their shape here and for their rows by
    the service."""

    def valid_value(self, value) -> bool:
        return True


class SuggestionStepForm(forms.Form):
    """A step of the suggestion page, bound for the program year and kind of pair the page showed
    (both posted as hidden fields and read as the page reads them: ``pac.views.program_year_for``
    and ``pairings.views._kind``, an unknown value falling back to the current year and CT–Mentee)."""

    def __init__(self, *args, program_year: ProgramYear, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_year = program_year
        self.pair_kind = kind if kind in Kind.values else Kind.CT_MENTEE
        self.coach_role, self.mentee_role = KIND_ROLES[Kind(self.pair_kind)]

    def _accepted(self, role: str):
        return Application.objects.filter(
            program_year=self.program_year, stage=Stage.ACCEPTED, role=role
        ).select_related("applicant", "program__region")

    def first_error(self) -> str:
        """The one message the page shows for a refused post (the steps redirect to the page)."""
        for errors in self.errors.values():
            return errors[0]
        return ""


class LockForm(SuggestionStepForm):
    """Lock one row of the suggestion: the mentee with the coach suggested for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"] = _PoolChoice(self._accepted(self.mentee_role), POOL_ERROR)
        self.fields["coach"] = _PoolChoice(self._accepted(self.coach_role), POOL_ERROR)


class PairByHandForm(LockForm):
    """Pair a mentee with a coach staff choose, with the reason when their regions differ."""

    relax_reason = forms.CharField(
        label="If the regions differ, why",
        required=False,
        max_length=Pair._meta.get_field("region_relaxed_reason").max_length,
        error_messages={"max_length": "Keep the reason to %(limit_value)d characters."},
    )


class UnlockForm(SuggestionStepForm):
    """Unlock a locked (proposed) pair. Any pair of the year is accepted here: a pair that is no
    longer locked (unlocked or confirmed in the meantime) is refused by the service, in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"] = _PoolChoice(
            Pair.objects.filter(program_year=self.program_year),
            "That pair is not one of this year's locked pairs; reload the page.",
        )


class WaiveForm(SuggestionStepForm):
    """Let an accepted mentee of the year be matched with a coach from another region."""

    reason = forms.CharField(
        label="Reason",
        max_length=300,
        error_messages={
            "required": "Give the reason this mentee may be paired outside their region.",
            "max_length": "Keep the reason to %(limit_value)d characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mentees = Person.objects.filter(
            applications__program_year=self.program_year,
            applications__stage=Stage.ACCEPTED,
            applications__role=self.mentee_role,
        ).distinct()
        self.fields["mentee_person"] = _PoolChoice(mentees, "Choose an accepted mentee from this year's pool.")
        self.order_fields(["mentee_person", "reason"])

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason this mentee may be paired outside their region.")
        return reason


class ConfirmForm(SuggestionStepForm):
    """Confirm the ticked rows: locked pairs (by pair id) and suggested pairs (mentee and coach
    application ids, as ``mentee:coach``)."""

    suggested = _PairChoices(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed"] = forms.ModelMultipleChoiceField(
            Pair.objects.filter(program_year=self.program_year).select_related(
                "coach_application", "mentee_application"
            ),
            required=False,
            error_messages={
                "invalid_choice": "A ticked locked pair is not one of this year's pairs; reload the page.",
                "invalid_pk_value": "A ticked locked pair is not one of this year's pairs; reload the page.",
            },
        )

    def clean_suggested(self) -> list[tuple[int, int]]:
        choices = []
        for value in self.cleaned_data["suggested"]:
            mentee_id, _, coach_id = value.partition(":")
            if not all(is_id(part) for part in (mentee_id, coach_id)):
                raise forms.ValidationError("A ticked suggested pair is not one the page offered; reload the page.")
            choices.append((int(mentee_id), int(coach_id)))
        return choices

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("proposed") and not cleaned.get("suggested"):
            raise forms.ValidationError("Select at least one pair to confirm.")
        return cleaned
