"""The staff admin for applications and reviews: search, filters, history and CSV export.

The admin never moves an application through the workflow. Stages, screening overrides,
reviewer assignments, MOUs and recommendations change only through the staff pages and
``applications.services``; here they are read-only. Recommendation letters are shown only
on the review packet pages, and link tokens (their hashes) are never shown or exported.
Nothing is deleted here (``RecordAdmin``).
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from import_export import resources

from pac.admin import ReadOnlyInline, RecordAdmin, RelatedListFilter, history_objects_with_relations

from .models import (
    MOU,
    Application,
    ApplicationEvent,
    Committee,
    CommitteeMember,
    Criterion,
    InterviewSlot,
    MOUTemplate,
    Recommendation,
    ReviewAssignment,
    Rubric,
    Score,
    ScreeningCheck,
)
from .services import mou_templates
from .services.common import REVIEWERS_PER_APPLICATION

LETTER_FIELDS = ("letter_text", "letter_file")


def staff_page_link(application: Application | None) -> str:
    if application is None or not application.reference or application.reference.startswith("TMP-"):
        return "—"
    url = reverse("applications:staff_detail", args=[application.reference])
    return format_html('<a href="{}">Open {} on the staff page</a>', url, application.reference)


class ReadOnlyRecordAdmin(RecordAdmin):
    """Records written only by the workflow (services): staff may look, search and export."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- CSV export: never the link token hashes, never the letters -------------------------------


class RecommendationResource(resources.ModelResource):
    class Meta:
        model = Recommendation
        exclude = ("token_hash", *LETTER_FIELDS)


class MOUResource(resources.ModelResource):
    class Meta:
        model = MOU
        exclude = ("token_hash",)


# --- list filters whose choices come from the code, not from a scan of the table -----------------


class ScreeningRuleFilter(admin.SimpleListFilter):
    """The Tier 1 rules as applications.screening names them (the choices of a plain ``"rule"``
    filter were a SELECT DISTINCT over every check ever run)."""

    title = "rule"
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        from . import screening

        groups = [*screening.COMPLETENESS.values(), *screening.QUALIFICATIONS.values(), screening.LEADER_QUALIFICATIONS]
        return [(name, name) for name in sorted({rule.__name__ for rules in groups for rule in rules})]

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


class ScoreValueFilter(admin.SimpleListFilter):
    """Scores 1 to 5, or none yet (the choices of a plain ``"value"`` filter scanned every score)."""

    title = "value"
    parameter_name = "value"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [*((str(v), str(v)) for v in range(1, 6)), (self.NONE, "Not scored")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(value__isnull=True)
        if self.value() in {str(v) for v in range(1, 6)}:
            return queryset.filter(value=int(self.value()))
        return queryset


# --- applications -------------------------------------------------------------------------------


class ApplicationEventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["at", "from_stage", "to_stage", "actor", "note"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ScreeningCheckInline(ReadOnlyInline):
    model = ScreeningCheck
    fields = [
        "rule",
        "category",
        "passed",
        "message",
        "overridden",
        "override_justification",
        "overridden_by",
        "overridden_at",
        "checked_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("overridden_by")


class RecommendationInline(ReadOnlyInline):
    """Who was asked and where the request stands; the letter itself is only in the review packet."""

    model = Recommendation
    fields = ["name", "email", "relationship", "status", "requested_at", "sent_count", "received_at"]
    readonly_fields = fields


class MOUInline(ReadOnlyInline):
    model = MOU
    fields = ["status", "signer_name", "signer_email", "signer_title", "signed_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(RecordAdmin):
    """Staff may correct an applicant's answers here (the history keeps who changed what); the
    workflow fields are read-only: stages change on the staff pages, through the services."""

    list_display = ["reference", "role", "applicant", "program", "stage", "submitted_at", "staff_page"]
    list_filter = ["program_year", "role", "stage", "program__region"]
    search_fields = ["reference", "applicant__first_name", "applicant__last_name", "applicant__email", "program__name"]
    list_select_related = ["applicant", "program", "program_year"]
    ordering = ["-pk"]  # newest first, as the model's -created_at, but read from the primary key's index
    autocomplete_fields = ["program"]
    filter_horizontal = ["tags"]
    inlines = [ApplicationEventInline, ScreeningCheckInline, RecommendationInline, MOUInline]
    readonly_fields = [
        # workflow: changed only by applications.services
        "reference",
        "staff_page",
        "program_year",
        "role",
        "applicant",
        "created_by",
        "stage",
        "submitted_at",
        "screened_at",
        "tier3_not_needed_reason",
        "decided_at",
        "decided_by",
        "decision_note",
        "withdrawn_reason",
        # a second year is made by evaluation's six-month review decision (services.application_renew)
        "renewal_of",
        # reopened on the staff application page (services.application_reopen), with a reason
        "reopened_until",
        "reopened_reason",
        "reopened_by",
        "reopened_at",
        "created_at",
        "updated_at",
        # the uploaded file is opened through the application pages, which check permission
        "resume_name",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "staff_page",
                    "program_year",
                    "role",
                    "applicant",
                    "created_by",
                    "stage",
                    "renewal_of",
                )
            },
        ),
        ("Workplace", {"fields": ("program", "program_type", "qris_level", "qris_status", "fcc_system_member")}),
        (
            "Qualifications",
            {
                "fields": (
                    "job_role",
                    "highest_degree",
                    "degree_field",
                    "degree_field_name",
                    "eec_certification",
                    "years_as_educator",
                    "years_supervising",
                    "pq_registry_id",
                    "provides_direct_care",
                    "provides_supervision",
                    "has_technology",
                    "has_leader_support",
                    "has_ipdp",
                )
            },
        ),
        ("Statements", {"fields": ("statement", "preferred_coaching", "program_profile", "tags", "resume_name")}),
        (
            "Workflow",
            {
                "fields": (
                    "submitted_at",
                    "screened_at",
                    "tier3_not_needed_reason",
                    "decided_at",
                    "decided_by",
                    "decision_note",
                    "withdrawn_reason",
                    "reopened_until",
                    "reopened_reason",
                    "reopened_by",
                    "reopened_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False  # applications are started by the applicant (services.application_start)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("applicant", "program", "program_year")

    @admin.display(description="staff page")
    def staff_page(self, obj: Application) -> str:
        return staff_page_link(obj)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyRecordAdmin):
    list_display = ["application", "from_stage", "to_stage", "actor", "at"]
    list_filter = ["to_stage", "application__program_year"]
    search_fields = ["application__reference", "note", "actor__email"]
    list_select_related = ["application", "actor"]
    ordering = ["-pk"]  # the latest steps first
    fields = ["application", "staff_page", "from_stage", "to_stage", "actor", "note", "at"]
    readonly_fields = ["staff_page"]
    # events are not historical models themselves: their "history" is Django's own admin log
    object_history_template = None

    def history_view(self, request, object_id, extra_context=None):
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    @admin.display(description="staff page")
    def staff_page(self, obj: ApplicationEvent) -> str:
        return staff_page_link(obj.application)


@admin.register(ScreeningCheck)
class ScreeningCheckAdmin(ReadOnlyRecordAdmin):
    """Overrides are made, with a justification, on the application's staff page."""

    list_display = ["application", "rule", "category", "passed", "overridden", "checked_at"]
    list_filter = ["category", "passed", "overridden", ScreeningRuleFilter, "application__program_year"]
    # the reference and a justification: the rule has its filter, and its generated message (read
    # through UPPER() in every one of the year's checks) says nothing the rule does not
    search_fields = ["application__reference", "override_justification"]
    list_select_related = ["application"]
    # the newest applications first, each one's checks in the model's order (the application's index)
    ordering = ["-application_id", "category", "pk"]
    fields = [
        "application",
        "staff_page",
        "rule",
        "category",
        "passed",
        "message",
        "overridden",
        "override_justification",
        "overridden_by",
        "overridden_at",
        "checked_at",
    ]
    readonly_fields = ["staff_page"]

    @admin.display(description="staff page")
    def staff_page(self, obj: ScreeningCheck) -> str:
        return staff_page_link(obj.application)


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyRecordAdmin):
    """Who was asked and where the request stands. The letter is shown only in the review packet."""

    resource_classes = [RecommendationResource]
    list_display = ["application", "name", "email", "relationship", "status", "requested_at", "received_at"]
    list_filter = ["status", "relationship", "application__program_year"]
    search_fields = ["application__reference", "name", "email"]
    list_select_related = ["application"]
    ordering = ["-pk"]  # the latest requests first
    fields = [
        "application",
        "staff_page",
        "name",
        "email",
        "relationship",
        "status",
        "requested_at",
        "token_expires_at",
        "sent_count",
        "received_at",
        "created_at",
    ]
    readonly_fields = ["staff_page"]

    @admin.display(description="staff page")
    def staff_page(self, obj: Recommendation) -> str:
        return staff_page_link(obj.application)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history page lists what changed between versions: never the letter."""
        history_objects_with_relations(historical_records)
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=LETTER_FIELDS, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


@admin.register(MOU)
class MOUAdmin(ReadOnlyRecordAdmin):
    """MOUs are requested, signed, declined and waived through the workflow; signed ones never change."""

    resource_classes = [MOUResource]
    list_display = ["application", "status", "signer_name", "signer_email", "template", "signed_at"]
    list_filter = ["status", "application__program_year", "application__role"]
    search_fields = ["application__reference", "signer_name", "signer_email", "signature_name"]
    list_select_related = ["application", "template"]
    ordering = ["-pk"]  # newest first, as the model's -created_at, but read from the primary key's index
    fieldsets = (
        (None, {"fields": ("application", "staff_page", "status", "template")}),
        ("Signer", {"fields": ("signer_name", "signer_email", "signer_title", "signer_person")}),
        ("Request", {"fields": ("requested_at", "token_expires_at", "sent_count", "created_at")}),
        (
            "Signature",
            {
                "fields": (
                    "signature_name",
                    "signed_at",
                    "signed_ip",
                    "signed_user_agent",
                    "signed_by_user",
                    "signed_text",
                )
            },
        ),
        (
            "Declined or waived",
            {"fields": ("decline_reason", "declined_at", "waived_reason", "waived_by", "waived_at")},
        ),
    )
    readonly_fields = ["staff_page"]

    @admin.display(description="staff page")
    def staff_page(self, obj: MOU) -> str:
        return staff_page_link(obj.application)


@admin.register(MOUTemplate)
class MOUTemplateAdmin(RecordAdmin):
    """Editing the title or body of a version somebody has signed saves a new version instead
    (applications.services.mou_templates; the model itself refuses to change a signed version)."""

    list_display = ["title", "role", "version", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["title", "body"]
    fields = ["role", "version", "title", "body", "is_active", "signed_mous", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["version", "signed_mous", "created_at"]
        if obj is not None:
            readonly.insert(0, "role")  # a new role is a new template
        return readonly

    @admin.display(description="signed MOUs")
    def signed_mous(self, obj: MOUTemplate) -> str:
        if obj.pk is None:
            return "—"
        count = obj.mous.filter(Q(status=MOU.Status.SIGNED) | Q(signed_at__isnull=False)).count()
        if not count:
            return "None: changes are saved to this version."
        return f"{count}: changing the title or text saves a new version; this one stays as signed."

    def save_model(self, request, obj, form, change):
        fields = {"title": obj.title, "body": obj.body, "is_active": obj.is_active, "actor": request.user}
        if not change:
            saved = mou_templates.mou_template_create(role=obj.role, **fields)
            superseded = None
        else:
            result = mou_templates.mou_template_edit(template=obj, **fields)
            saved, superseded = result.template, result.superseded
        # the admin goes on with ``obj`` (its log entry, message and redirect): make it the saved version
        for name in ("pk", "version", "title", "body", "is_active", "created_at"):
            setattr(obj, name, getattr(saved, name))
        obj._state.adding = False
        if superseded is not None:
            self.message_user(
                request,
                f"Version {superseded.version} has been signed, so it was kept unchanged (and is no longer active); "
                f"your changes were saved as version {saved.version}.",
                messages.WARNING,
            )


# --- committees and rubrics ---------------------------------------------------------------------


def _with_panel_seat(queryset):
    """Committee seats marked with whether their holder sits on the year's Advisory Panel (read from
    the panel, pac.selectors; a committee seat no longer says so itself)."""
    from django.db.models import Exists, OuterRef

    from pac.selectors import advisory_panel_memberships

    seats = advisory_panel_memberships().filter(
        user=OuterRef("user"), panel__program_year=OuterRef("committee__program_year")
    )
    return queryset.annotate(sits_on_panel=Exists(seats))


class PanelSeatColumn:
    @admin.display(boolean=True, description="on the Advisory Panel")
    def on_advisory_panel(self, obj: CommitteeMember) -> bool:
        return getattr(obj, "sits_on_panel", False)


class CommitteeMemberInline(PanelSeatColumn, admin.TabularInline):
    model = CommitteeMember
    extra = 0
    can_delete = False
    fields = ["user", "kind", "on_advisory_panel"]
    readonly_fields = ["on_advisory_panel"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return _with_panel_seat(super().get_queryset(request).select_related("user"))


@admin.register(Committee)
class CommitteeAdmin(RecordAdmin):
    list_display = ["name", "program_year", "region", "role", "is_active"]
    list_filter = ["program_year", "region", "role", "is_active"]
    search_fields = ["name", "memberships__user__email", "memberships__user__full_name"]
    list_select_related = ["program_year", "region"]
    autocomplete_fields = ["program_year", "region"]
    inlines = [CommitteeMemberInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(PanelSeatColumn, RecordAdmin):
    list_display = ["user", "committee", "kind", "on_advisory_panel"]
    list_filter = ["kind", "committee__program_year", ("committee", RelatedListFilter)]
    search_fields = ["user__email", "user__full_name", "committee__name"]
    list_select_related = ["user", "committee__program_year"]
    autocomplete_fields = ["committee", "user"]

    def get_queryset(self, request):
        return _with_panel_seat(super().get_queryset(request))


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    can_delete = False
    fields = ["name", "description", ("weight", "order"), "anchor_1", "anchor_2", "anchor_3", "anchor_4", "anchor_5"]


@admin.register(Rubric)
class RubricAdmin(RecordAdmin):
    list_display = ["name", "role", "tier", "is_active"]
    list_filter = ["role", "tier", "is_active"]
    search_fields = ["name", "instructions"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(RecordAdmin):
    list_display = ["name", "rubric", "weight", "order"]
    list_filter = ["rubric__role", "rubric__tier", "rubric"]
    search_fields = ["name", "description", "rubric__name"]
    list_select_related = ["rubric"]
    autocomplete_fields = ["rubric"]


# --- reviews and interviews ---------------------------------------------------------------------


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "value", "comment", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyRecordAdmin):
    """Assignments are made, removed and submitted through the staff pages and reviewers' pages."""

    list_display = ["application", "reviewer", "tier", "status", "due_on", "submitted_at"]
    list_filter = ["status", "tier", "application__program_year"]
    search_fields = ["reviewer__email", "reviewer__full_name", "application__reference"]
    list_select_related = ["application", "reviewer"]
    # the newest applications first, each one's reviews by tier (the application's index; the model's
    # order goes through the application's creation time, which sorts every assignment to show 50)
    ordering = ["-application_id", "tier", "pk"]
    readonly_fields = ["staff_page"]
    fields = [
        "application",
        "staff_page",
        "reviewer",
        "tier",
        "committee",
        "rubric",
        "status",
        "has_conflict",
        "conflict_declared_at",
        "conflict_reason",
        "assigned_at",
        "assigned_by",
        "due_on",
        "submitted_at",
        "last_reminded_at",
        "comment",
    ]
    inlines = [ScoreInline]

    @admin.display(description="staff page")
    def staff_page(self, obj: ReviewAssignment) -> str:
        return staff_page_link(obj.application)


@admin.register(Score)
class ScoreAdmin(ReadOnlyRecordAdmin):
    list_display = ["assignment", "criterion", "value", "updated_at"]
    list_filter = ["criterion__rubric", ScoreValueFilter]
    search_fields = ["assignment__application__reference", "assignment__reviewer__email", "criterion__name"]
    list_select_related = ["assignment__application", "assignment__reviewer", "criterion"]
    # the latest reviews first, each one's scores by criterion (the one-score-per-criterion index; the
    # model's order goes through the criterion, which sorts every score to show 50)
    ordering = ["-assignment_id", "criterion_id"]


class InterviewSlotForm(forms.ModelForm):
    class Meta:
        model = InterviewSlot
        fields = ["program_year", "starts_at", "duration_minutes", "location", "video_link", "panel"]

    def clean(self):
        """A booked slot keeps a panel of three or more (besides the applicant): its reviews follow it."""
        data = super().clean()
        application = self.instance.application if self.instance.pk else None
        if application is not None and "panel" in data:
            panel = [u for u in data["panel"] if u.pk != application.applicant.user_id]
            if len(panel) < REVIEWERS_PER_APPLICATION:
                self.add_error("panel", "This interview is booked: its panel needs at least three people.")
        return data


@admin.register(InterviewSlot)
class InterviewSlotAdmin(RecordAdmin):
    """Staff set up interview times and panels here; applicants book them (services.slot_book)."""

    form = InterviewSlotForm

    list_display = ["__str__", "program_year", "duration_minutes", "where", "application", "booked_at"]
    list_filter = ["program_year", ("application", admin.EmptyFieldListFilter)]
    search_fields = ["application__reference", "location", "panel__email", "panel__full_name"]
    list_select_related = ["program_year", "application"]
    autocomplete_fields = ["program_year", "panel"]
    fields = [
        "program_year",
        "starts_at",
        "duration_minutes",
        "location",
        "video_link",
        "panel",
        "application",
        "booked_at",
        "created_at",
    ]
    readonly_fields = ["application", "booked_at", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    INVITATION_FIELDS = ("starts_at", "duration_minutes", "location", "video_link", "panel")

    def save_related(self, request, form, formsets, change):
        """A booked slot whose time, place or panel changed: the applicant and the panel get the
        changed calendar invitation, anyone taken off the panel a cancellation (the panel is saved
        here, after ``save_model``, so this is the first moment the slot is whole)."""
        super().save_related(request, form, formsets, change)
        if not change or not form.instance.application_id or not set(self.INVITATION_FIELDS) & set(form.changed_data):
            return
        from . import services

        before = set(form.initial.get("panel") or [])
        removed = [u for u in before if u not in set(form.cleaned_data.get("panel") or [])]
        if services.slot_details_changed(slot=form.instance, removed_panel=removed, actor=request.user):
            messages.info(request, "The applicant and the panel are sent the changed calendar invitation.")
