"""Forms check the shape of what people send; evidence.services enforces the program's rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from coaching.models import Goal
from evaluation.models import Dimension
from pac.models import AgeGroup, Tag

from . import media
from .models import Clip, Comment

CAPTION_MAX_BYTES = 1024 * 1024


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ClipDetailsForm(forms.Form):
    """What the uploader says about the clip. The file itself comes in pieces (resumable upload),
    or, without JavaScript, in the ``file`` field of the same form."""

    title = forms.CharField(max_length=160, help_text="For example: Small-group read-aloud, or Transition to lunch.")
    recorded_on = forms.DateField(label="Date recorded", widget=forms.DateInput(attrs={"type": "date"}))
    setting = forms.CharField(
        label="Classroom or setting",
        max_length=160,
        help_text="For example: Toddler room, circle time; or, for a Mentee Administrator: staff meeting.",
    )
    age_group = forms.ModelChoiceField(queryset=AgeGroup.objects.order_by("order", "name"), label="Age group")
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, label="Goal it shows work on (optional)", empty_label="None"
    )
    captions = forms.FileField(
        required=False,
        label="Captions (optional, WebVTT .vtt file)",
        help_text="A caption file made for this clip, if you have one.",
    )
    consent_families = forms.BooleanField(
        label="The program holds written consent from the families of every child shown in this clip for recording and for sharing it with the coach.",
    )
    consent_educators = forms.BooleanField(label="Every educator shown in the clip agrees to it being shared.")
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # the resumable upload sends these instead of the file
    filename = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    size = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    file = forms.FileField(
        required=False,
        label="Video clip",
        help_text="MP4, MOV (iPhone) or WebM, up to 2 GB and 60 minutes.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm"}),
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["goal"].queryset = Goal.objects.filter(pair=pair).order_by("status", "pk")
        self.fields["file"].help_text = (
            f"MP4, MOV (iPhone) or WebM, up to {filesizeformat(settings.PAC_CLIP_MAX_BYTES)} and "
            f"{settings.PAC_CLIP_MAX_SECONDS // 60} minutes."
        )
        self.helper = _helper()

    def clean_recorded_on(self):
        recorded = self.cleaned_data["recorded_on"]
        if recorded > timezone.localdate():
            raise forms.ValidationError("The date recorded cannot be in the future.")
        return recorded

    def clean_captions(self):
        upload = self.cleaned_data.get("captions")
        if not upload:
            return ""
        if upload.size > CAPTION_MAX_BYTES:
            raise forms.ValidationError(
                "This caption file is larger than 1 MB; a WebVTT file for a clip is much smaller."
            )
        try:
            return media.check_webvtt(upload.read())
        except media.ClipRefused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from refused

    def clean_replaces(self):
        replaces = self.cleaned_data.get("replaces")
        if replaces and not Clip.objects.filter(pk=replaces, pair=self.pair, returned_at__isnull=False).exists():
            return None  # not a clip of this pair the coach asked to have recorded again
        return replaces

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "recorded_on": data["recorded_on"].isoformat(),
            "setting": data["setting"].strip(),
            "age_group": data["age_group"].pk,
            "goal": data["goal"].pk if data.get("goal") else None,
            "captions": data.get("captions") or "",
            "replaces": data.get("replaces"),
            "consent": bool(data.get("consent_families") and data.get("consent_educators")),
        }


class CommentForm(forms.Form):
    at = forms.FloatField(
        label="Time in the clip (seconds)",
        min_value=0,
        max_value=24 * 3600,
        initial=0,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    kind = forms.ChoiceField(label="Type", choices=Comment.Kind.choices, initial=Comment.Kind.STRENGTH)
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    dimension = forms.ModelChoiceField(
        queryset=Dimension.objects.none(), required=False, label="CLASS dimension (optional)", empty_label="None"
    )
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, label="Goal (optional)", empty_label="None"
    )
    is_private = forms.BooleanField(
        required=False,
        label="Private note (only you will ever see it)",
        help_text="Not shared with anyone, not counted.",
    )

    def __init__(self, *args, dimensions, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = Dimension.objects.filter(pk__in=[d.pk for d in dimensions]).select_related(
            "domain__instrument"
        )
        self.fields["dimension"].label_from_instance = lambda d: f"{d.name} ({d.code})"
        self.fields["goal"].queryset = Goal.objects.filter(pair=pair).order_by("status", "pk")
        self.helper = _helper()


class NoteForm(forms.Form):
    """A mentee's or leader's private note at a time in the clip."""

    at = forms.FloatField(label="Time in the clip (seconds)", min_value=0, max_value=24 * 3600, initial=0)
    text = forms.CharField(
        label="Private note (only you will ever see it)", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


def rating_field_name(dimension: Dimension) -> str:
    return f"rating_{dimension.pk}"


class ObservationForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=8000, help_text="What the clip shows."
    )
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=8000)

    RATING_CHOICES = [("", "Not rated")] + [(str(i), str(i)) for i in range(1, 8)]

    def __init__(self, *args, dimensions, initial_ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        for dimension in self.dimensions:
            self.fields[rating_field_name(dimension)] = forms.TypedChoiceField(
                label=f"{dimension.name} ({dimension.code})",
                choices=self.RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=(initial_ratings or {}).get(dimension.pk, ""),
            )
        self.helper = _helper()

    def ratings(self) -> dict[int, int]:
        return {
            d.pk: self.cleaned_data[rating_field_name(d)]
            for d in self.dimensions
            if self.cleaned_data.get(rating_field_name(d))
        }

    def rating_fields(self):
        return [self[rating_field_name(d)] for d in self.dimensions]


class MeetingLogForm(forms.Form):
    held_on = forms.DateField(label="Date of the review", widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=1, max_value=600, initial=60)
    duration_reason = forms.CharField(
        label="Why the review was shorter or longer than 60–90 minutes", max_length=300, required=False
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why a new clip is needed",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the sound is too quiet to hear the conversation; please record small-group time.",
    )


def _comment_choices(comments) -> list[tuple[str, str]]:
    """The clip's public comments as choices ("1:23 Strength: the first words…"), from the page's
    own list (no query)."""
    return [("", "None")] + [
        (str(c.pk), f"{c.timecode} {c.get_kind_display()}: {c.text[:60]}") for c in comments if not c.is_private
    ]


class GoalFromFeedbackForm(forms.Form):
    comment = forms.TypedChoiceField(label="From the comment (optional)", coerce=int, empty_value=None, required=False)
    title = forms.CharField(max_length=200, label="Goal")
    area = forms.ModelChoiceField(
        queryset=Tag.objects.filter(is_active=True).order_by("kind", "order", "name"), label="Area it targets"
    )

    def __init__(self, *args, comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].choices = _comment_choices(comments)
        self.helper = _helper()


class GoalNoteFromFeedbackForm(forms.Form):
    comment = forms.TypedChoiceField(label="From the comment (optional)", coerce=int, empty_value=None, required=False)
    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), label="Goal")
    text = forms.CharField(label="Progress note", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)

    def __init__(self, *args, pair, comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(pair=pair).order_by("status", "pk")
        self.fields["comment"].choices = _comment_choices(comments)
        self.helper = _helper()


class PromoteForm(forms.Form):
    dimensions = forms.ModelMultipleChoiceField(
        queryset=Dimension.objects.filter(domain__instrument__is_active=True).select_related("domain__instrument"),
        label="CLASS dimensions it shows",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimensions"].label_from_instance = lambda d: f"{d.domain.instrument.name}: {d.name} ({d.code})"


class LibraryFilterForm(forms.Form):
    dimension = forms.ModelChoiceField(
        queryset=Dimension.objects.filter(domain__instrument__is_active=True).select_related("domain__instrument"),
        required=False,
        label="CLASS dimension",
        empty_label="Any",
    )
    age_group = forms.ModelChoiceField(queryset=AgeGroup.objects.order_by("order"), required=False, empty_label="Any")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].label_from_instance = lambda d: f"{d.domain.instrument.name}: {d.name} ({d.code})"
