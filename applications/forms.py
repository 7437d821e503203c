"""Forms check the shape of input; services enforce the program's rules."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from pac.forms import GroupedModelChoiceField, GroupedModelMultipleChoiceField
from pac.models import Program, Region, Tag, User

from .models import Application, Criterion, InterviewSlot, YesNoNA
from .roles import ApplicantRole, LeaderPosition, Relationship, leader_positions_for, spec_for
from .signatures import signature_problem
from .uploads import validate_document

YES_NO = [("yes", "Yes"), ("no", "No")]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question as radio buttons, stored as True/False."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO, widget=forms.RadioSelect, coerce=lambda v: v == "yes", empty_value=None, **kwargs
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class TagChoiceField(GroupedModelMultipleChoiceField):
    """Areas from pac.Tag, grouped by kind (templates/pac/grouped_checkboxes.html)."""

    def label_from_instance(self, obj: Tag) -> str:
        return obj.name


class ApplicationForm(forms.ModelForm):
    """The application, shaped by the role. Nothing here is final until the applicant submits."""

    new_program_name = forms.CharField(label="Program name", max_length=200, required=False)
    new_program_type = forms.ChoiceField(
        label="Program type", choices=[("", "—")] + list(Program.ProgramType.choices), required=False
    )
    new_program_license = forms.CharField(label="EEC license number (if licensed)", max_length=40, required=False)
    new_program_city = forms.CharField(label="City or town", max_length=100, required=False)
    new_program_region = forms.ModelChoiceField(label="EEC region", queryset=Region.objects.all(), required=False)

    class Meta:
        model = Application
        fields = [
            "program",
            *Application.ANSWER_FIELDS,
            "statement",
            "preferred_coaching",
            "program_profile",
            "tags",
        ]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 8}),
            "preferred_coaching": forms.Textarea(attrs={"rows": 4}),
            "program_profile": forms.Textarea(attrs={"rows": 5}),
            "has_leader_support": forms.RadioSelect,
        }

    resume_upload = forms.FileField(label="Resume (PDF or Word .docx, up to 10 MB)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = spec_for(self.instance.role)
        self.spec = spec
        self.helper = _helper()
        self.fields["program"] = GroupedModelChoiceField(
            Program.objects.filter(is_active=True).select_related("region").order_by("region__number", "name"),
            group_by=lambda p: p.region,
            required=False,
            label="Your program",
            help_text="Choose your program. If it is not listed, fill in “My program is not listed”.",
            widget=forms.Select(attrs={"data-choice-filter": "Search programs by name, town or region"}),
        )
        self.fields["program"].label_from_instance = lambda p: f"{p.name}, {p.city}"
        self.fields["program_type"].required = True
        self.fields["tags"] = TagChoiceField(
            queryset=Tag.objects.filter(is_active=True).order_by("kind", "order"),
            group_by=lambda tag: tag.get_kind_display(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Areas of expertise" if spec.coach else "Areas of need",
            help_text="Choose the areas that fit best; they help EEC match coaches and mentees.",
        )
        for name in ("provides_direct_care", "provides_supervision", "has_technology", "has_ipdp", "fcc_system_member"):
            old = self.fields[name]
            self.fields[name] = YesNoField(label=old.label, required=False)
        self.fields["has_leader_support"].choices = list(YesNoNA.choices)
        self.fields["has_leader_support"].required = False
        self.fields["statement"].label = spec.statement_label
        self.fields["statement"].help_text = spec.statement_help
        if not spec.asks_preferred_coaching:
            del self.fields["preferred_coaching"]
        if spec.needs_program_profile:
            self.fields["program_profile"].label = spec.program_profile_label
        else:
            del self.fields["program_profile"]
        if not spec.needs_resume:
            del self.fields["resume_upload"]
        if spec.role in (ApplicantRole.CA, ApplicantRole.MA):
            del self.fields["provides_direct_care"]
            del self.fields["has_ipdp"]
        else:
            del self.fields["provides_supervision"]
            if spec.role == ApplicantRole.CT:
                del self.fields["has_ipdp"]
        if spec.mou_signer == "supervisor":
            self.fields["has_leader_support"].label = "Does your supervisor support your application?"
            self.fields["has_leader_support"].choices = [("yes", "Yes"), ("no", "No")]
        for name, field in self.fields.items():
            if name in ("years_as_educator", "years_supervising", "qris_level"):
                field.widget.attrs.update({"inputmode": "numeric", "min": 0})
        self.fields["qris_level"].help_text = (
            "Your program's current QRIS level, 1 to 4 (a self-assessed level counts). "
            f"A {spec.label} needs a program at Level 2 or above."
        )
        if "pq_registry_id" in spec.answers:
            self.fields["pq_registry_id"].help_text = f"A {spec.label} must be registered in the EEC PQ Registry."
        # a draft saves whatever is filled in; the role's required answers are needed only to
        # submit (roles.missing_before_submission), so the form marks the rest "optional"
        needed = {*spec.answers, "statement", "preferred_coaching", "program_profile", "resume_upload"}
        for name, field in self.fields.items():
            if name not in needed and not name.startswith("new_program_"):
                field.label = f"{field.label} (optional)"

    def clean_resume_upload(self):
        upload = self.cleaned_data.get("resume_upload")
        if upload:
            validate_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("program") and cleaned.get("new_program_name"):
            for name in ("new_program_type", "new_program_city", "new_program_region"):
                if not cleaned.get(name):
                    self.add_error(name, "Needed to add your program.")
        return cleaned


class RecommenderForm(forms.Form):
    name = forms.CharField(label="Recommender's full name", max_length=200)
    email = forms.EmailField(label="Recommender's email")
    relationship = forms.ChoiceField(label="How they know you")

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        spec = spec_for(role)
        self.fields["relationship"].choices = [(r, Relationship(r).label) for r in spec.relationships]
        self.helper = _helper()


class MOURequestForm(forms.Form):
    signer_name = forms.CharField(label="Their full name", max_length=200)
    signer_email = forms.EmailField(label="Their email")
    signer_title = forms.CharField(
        label="Their title",
        max_length=120,
        required=False,
        help_text="For example: Center Director, FCC System Home Visitor.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class LetterForm(forms.Form):
    letter_text = forms.CharField(label="Your letter", widget=forms.Textarea(attrs={"rows": 12}), required=False)
    letter_file = forms.FileField(label="Or upload your letter (PDF or Word .docx, up to 10 MB)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_letter_file(self):
        upload = self.cleaned_data.get("letter_file")
        if upload:
            validate_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("letter_text") or "").strip() and not cleaned.get("letter_file") and not self.errors:
            raise forms.ValidationError("Write your letter in the box or upload it as a file.")
        return cleaned


class MOUSignForm(forms.Form):
    """The signer types their own name as the MOU shows it (checked again by the service). A
    Program/Instructional Leader also answers what Tier 1 needs to know about them."""

    signature_name = forms.CharField(label="Type your full name to sign", max_length=200)
    confirm = forms.BooleanField(label="I have read this MOU and agree to it as the person named above.")

    def __init__(self, *args, signer_name: str, leader_program_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer_name = signer_name
        self.asks_leader = leader_program_type is not None
        if self.asks_leader:
            positions = leader_positions_for(leader_program_type) + (LeaderPosition.OTHER,)
            leader_fields = {
                "leader_position": forms.ChoiceField(
                    label="Your position in the applicant's program",
                    choices=[(p.value, p.label) for p in positions],
                    widget=forms.RadioSelect,
                    help_text="The program model asks who the Program/Instructional Leader is for this kind of "
                    "program. Choose the one that describes you.",
                ),
                "leader_ece_education": YesNoField(
                    label="Do you have education in early childhood education?",
                    required=False,
                    help_text="Answer if an independent FCC educator chose you as their leader.",
                ),
                "leader_ece_experience": YesNoField(
                    label="Do you have experience working in early childhood education?",
                    required=False,
                    help_text="Answer if an independent FCC educator chose you as their leader.",
                ),
                "leader_pq_registry_id": forms.CharField(
                    label="Your PQ Registry ID",
                    max_length=40,
                    required=False,
                    help_text="Your ID in the MA EEC Professional Qualifications Registry. Leave it blank if you "
                    "are not registered.",
                ),
            }
            if LeaderPosition.CHOSEN not in positions:
                del leader_fields["leader_ece_education"], leader_fields["leader_ece_experience"]
            # the leader's questions come before the signature
            self.fields = {**leader_fields, **self.fields}
        self.fields["signature_name"].label = f"Type your full name to sign, as shown: {signer_name}"
        self.fields["signature_name"].help_text = "Capital letters, accents and hyphens do not need to match."
        self.fields["signature_name"].widget.attrs["autocomplete"] = "name"
        self.helper = _helper()

    def clean_signature_name(self):
        typed = " ".join(self.cleaned_data["signature_name"].split())
        problem = signature_problem(typed, self.signer_name)
        if problem:
            raise forms.ValidationError(problem, code="not_the_signer")
        return typed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("leader_position") == LeaderPosition.CHOSEN:
            for field in ("leader_ece_education", "leader_ece_experience"):
                if cleaned.get(field) is None:
                    self.add_error(field, "Answer yes or no: an independent FCC educator's leader needs both.")
        return cleaned

    def leader_facts(self) -> dict:
        """The leader's answers as the service takes them (nothing when a supervisor signs)."""
        if not self.asks_leader:
            return {}
        return {
            "leader_position": self.cleaned_data.get("leader_position", ""),
            "leader_ece_education": self.cleaned_data.get("leader_ece_education"),
            "leader_ece_experience": self.cleaned_data.get("leader_ece_experience"),
            "leader_pq_registry_id": self.cleaned_data.get("leader_pq_registry_id", ""),
        }


class MOUDeclineForm(forms.Form):
    reason = forms.CharField(label="Why are you declining?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000)

    def __init__(self, *args, label: str = "Reason", required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
        self.helper = _helper()


class ReopenForm(forms.Form):
    """Staff reopen one application after its year's window closed."""

    until = forms.DateField(
        label="Reopen until (the applicant may change and submit it until the end of this day)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Reason (kept in the application's history)", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this applicant?",
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict and must step aside")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        help_text="For example: you supervise or work with the applicant, are related to them, or wrote their recommendation.",
    )
    reason = forms.CharField(
        label="Describe the conflict (if any)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_conflict") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Briefly describe the conflict.")
        return cleaned


class ScoreForm(forms.Form):
    """One criterion's score, saved as the reviewer goes (htmx)."""

    value = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, prefix=f"c{criterion.pk}", **kwargs)
        self.criterion = criterion
        self.fields["value"].label = f"Score for {criterion.name}"
        self.fields["value"].choices = [(n, f"{n}: {text}" if text else str(n)) for n, text in criterion.anchors]
        self.fields["comment"].label = f"Comment on {criterion.name} (optional)"


class OverrideForm(forms.Form):
    justification = forms.CharField(
        label="Justification for the override", widget=forms.Textarea(attrs={"rows": 3}), min_length=10, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accepted", "Accept"), ("waitlisted", "Waitlist"), ("declined", "Decline")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (kept with the decision)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label="Add a reviewer", queryset=User.objects.none())

    def __init__(self, *args, program_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (
            User.objects.filter(committees__program_year=program_year, is_active=True).distinct().order_by("email")
        )
        self.helper = _helper()


class SlotForm(forms.ModelForm):
    video_link = forms.URLField(label="Video link", required=False, assume_scheme="https")

    class Meta:
        model = InterviewSlot
        fields = ["starts_at", "duration_minutes", "location", "video_link", "panel"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "panel": forms.CheckboxSelectMultiple,
        }
        labels = {"starts_at": "Starts at", "panel": "Panel (at least three)"}

    def __init__(self, *args, program_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = (
            User.objects.filter(committees__program_year=program_year, is_active=True).distinct().order_by("email")
        )
        self.helper = _helper()

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("location") and not cleaned.get("video_link"):
            raise forms.ValidationError("Give a place or a video link.")
        if cleaned.get("panel") is not None and len(cleaned["panel"]) < 3:
            self.add_error("panel", "An interview panel needs at least three people.")
        return cleaned


class AdvanceByRankForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=ApplicantRole.choices)
    region = forms.ModelChoiceField(
        label="Region", queryset=Region.objects.all(), required=False, empty_label="Every region"
    )
    top = forms.IntegerField(label="How many from the top of each region", min_value=1, max_value=200, initial=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReferencesField(forms.Field):
    """Application references ticked in a list (one `reference` input per row): each is checked as
    text (no NUL, a sane length) before any query sees it."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        text = forms.CharField(max_length=40)
        return [text.clean(item) for item in value]


class BulkDecisionForm(DecisionForm):
    """The decisions page's bulk form: the ticked applications and one decision for all of them."""

    reference = ReferencesField(required=False)


class SlotCancelForm(forms.Form):
    """Staff call off a booked interview; the reason is sent to the applicant and the panel."""

    reason = forms.CharField(label="Why it is cancelled (sent to the applicant and the panel)", max_length=300)
