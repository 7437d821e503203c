from django.contrib import admin

from pac.admin import RecordAdmin
from pac.workflow import attempt

from .models import (
    Capacity,
    ConfidentialityAcknowledgement,
    ConfidentialityText,
    ConfirmationRequirement,
    Pair,
    RegionWaiver,
)


@admin.register(Pair)
class PairAdmin(RecordAdmin):
    """Read-only here: pairs are proposed, confirmed and ended on the pairing pages, which check
    capacity, regions and roles and send the introductions."""

    list_display = ["coach", "mentee", "kind", "program_year", "status", "started_on", "ended_on", "end_scheduled_on"]
    list_filter = ["program_year", "kind", "status", "mentee__program__region"]
    search_fields = [
        "coach__first_name",
        "coach__last_name",
        "mentee__first_name",
        "mentee__last_name",
        "coach__email",
        "mentee__email",
    ]
    list_select_related = ["coach", "mentee", "program_year"]
    # newest first; the model's order (year, kind, coach's name) sorts every pair to show 50
    ordering = ["-pk"]
    readonly_fields = [f.name for f in Pair._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Capacity)
class CapacityAdmin(RecordAdmin):
    list_display = ["coach", "program_year", "capacity", "note"]
    list_filter = ["program_year", "capacity"]
    search_fields = ["coach__first_name", "coach__last_name", "coach__email"]
    autocomplete_fields = ["coach"]
    list_select_related = ["coach", "program_year"]

    def save_model(self, request, obj, form, change):
        from pac.workflow import attempt

        from .services import capacity_set

        with attempt(request):
            row = capacity_set(
                program_year=obj.program_year, coach=obj.coach, capacity=obj.capacity, actor=request.user, note=obj.note
            )
            obj.pk = row.pk


@admin.register(RegionWaiver)
class RegionWaiverAdmin(RecordAdmin):
    list_display = ["mentee", "program_year", "reason", "granted_by", "granted_at", "is_active"]
    list_filter = ["program_year", "is_active"]
    search_fields = ["mentee__first_name", "mentee__last_name", "reason"]
    list_select_related = ["mentee", "program_year", "granted_by"]
    autocomplete_fields = ["mentee"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not obj.granted_by_id:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


# --- before a pair is confirmed: each year's requirement, the acknowledgement's text and signatures ---


@admin.register(ConfirmationRequirement)
class ConfirmationRequirementAdmin(RecordAdmin):
    """Per program year: require orientation attendance and the confidentiality acknowledgement before
    staff confirm a pair (pairings.participation.check_ready_to_confirm)."""

    list_display = ["program_year", "participation_required", "note"]
    list_filter = ["participation_required"]
    search_fields = ["program_year__name", "note"]
    list_select_related = ["program_year"]

    def save_model(self, request, obj, form, change):
        from .participation import requirement_set

        with attempt(request) as step:
            row = requirement_set(
                program_year=obj.program_year, required=obj.participation_required, actor=request.user, note=obj.note
            )
        if step.ok:
            obj.pk = row.pk


@admin.register(ConfidentialityText)
class ConfidentialityTextAdmin(RecordAdmin):
    """The wording Mentees and MAs sign. Saving changes to a version someone has signed keeps that version
    and saves a new one (pairings.participation.confidentiality_text_save)."""

    list_display = ["title", "version", "is_active", "created_at", "signatures"]
    search_fields = ["title", "body"]
    fields = ["title", "body", "version", "is_active", "created_at", "created_by"]
    readonly_fields = ["version", "is_active", "created_at", "created_by"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_signatures=Count("acknowledgements"))

    @admin.display(description="signed", ordering="n_signatures")
    def signatures(self, obj: ConfidentialityText) -> int:
        return obj.n_signatures

    def save_model(self, request, obj, form, change):
        from django.contrib import messages

        from .participation import confidentiality_text_save

        stored = ConfidentialityText.objects.get(pk=obj.pk) if change else None
        with attempt(request) as step:
            saved, new_version = confidentiality_text_save(
                text=stored, title=obj.title, body=obj.body, actor=request.user
            )
        if not step.ok:
            return
        obj.pk, obj.version = saved.pk, saved.version
        if change and new_version:
            self.message_user(
                request,
                f"Version {stored.version} has been signed, so it was kept unchanged (and is no longer active); "
                f"your changes were saved as version {saved.version}.",
                messages.WARNING,
            )


@admin.register(ConfidentialityAcknowledgement)
class ConfidentialityAcknowledgementAdmin(RecordAdmin):
    """Read-only: Mentees and MAs sign online; a signature never changes and is never deleted."""

    list_display = ["person", "program_year", "role", "text", "signed_at", "signature_name"]
    list_filter = ["program_year", "role", "text"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "signature_name"]
    list_select_related = ["person", "program_year", "text"]
    ordering = ["-pk"]  # newest first, as the model's -signed_at, but read from the primary key's index
    readonly_fields = [f.name for f in ConfidentialityAcknowledgement._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
