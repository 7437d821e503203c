"""The staff admin for the shared directory: search, filters, autocomplete, history, CSV export.

Program records are never deleted here: people and programs are deactivated, regions
are given an end date, participations are ended by the workflow that started them.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from import_export.admin import ExportActionMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdvisoryPanel,
    AdvisoryPanelMembership,
    AgeGroup,
    DocumentJob,
    OutboundEmail,
    Participation,
    Person,
    Program,
    ProgramYear,
    Region,
    RegionTarget,
    User,
)
from .services import email_retry, user_name_sync


class RecordAdmin(ExportActionMixin, SimpleHistoryAdmin):
    """Base for program records: history and CSV export; no deletion."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class PacUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class PacUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ExportActionMixin, DjangoUserAdmin, SimpleHistoryAdmin):
    form = PacUserChangeForm
    add_form = PacUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Roles", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )
    filter_horizontal = ["groups"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate accounts instead; history and submissions stay linked

    def get_readonly_fields(self, request, obj=None):
        # the name of an account with a person is the person's: edit it there (or on the profile page)
        if obj is not None and Person.objects.filter(user=obj).exists():
            return [*self.readonly_fields, "full_name"]
        return self.readonly_fields


class RegionTargetInline(admin.TabularInline):
    model = RegionTarget
    extra = 0
    autocomplete_fields = ["region"]
    can_delete = False


@admin.register(Region)
class RegionAdmin(RecordAdmin):
    list_display = ["number", "name", "support_organization", "active_from", "active_until"]
    search_fields = ["name", "support_organization"]
    list_filter = ["active_until"]
    autocomplete_fields = ["facilitators"]


@admin.register(AgeGroup)
class AgeGroupAdmin(RecordAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Program)
class ProgramAdmin(RecordAdmin):
    list_display = ["name", "program_type", "region", "city", "qris_level", "qris_status", "is_active"]
    list_filter = ["program_type", "region", "qris_level", "qris_status", "licensure", "is_active", "age_groups"]
    search_fields = ["name", "license_number", "city", "fcc_system_name"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["age_groups"]
    list_select_related = ["region"]
    fieldsets = (
        (None, {"fields": ("name", "program_type", "fcc_system_name", "is_active")}),
        ("License", {"fields": ("licensure", "license_number")}),
        ("QRIS", {"fields": ("qris_level", "qris_status", "qris_as_of")}),
        ("Location", {"fields": ("region", "street", "city", "postal_code")}),
        ("Children served", {"fields": ("age_groups",)}),
    )


class ReadOnlyInline(admin.TabularInline):
    """A record's own trail shown under it: nobody adds, edits or deletes its rows here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    can_delete = False
    fields = ["program_year", "role", "region", "source", "source_reference", "started_on", "ended_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["__str__", "email", "program", "job_role", "eec_certification", "has_account", "is_active"]
    list_filter = [
        "job_role",
        "eec_certification",
        "highest_degree",
        "preferred_language",
        "is_active",
        "program__region",
        "program__program_type",
    ]
    search_fields = ["first_name", "last_name", "email", "pq_registry_id", "program__name"]
    autocomplete_fields = ["program", "user"]
    list_select_related = ["program", "user"]
    inlines = [ParticipationInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "preferred_language",
                    "reminder_emails",
                    "user",
                    "is_active",
                )
            },
        ),
        ("Work", {"fields": ("program", "job_role", "pq_registry_id")}),
        (
            "Qualifications",
            {
                "fields": (
                    "highest_degree",
                    "degree_field",
                    "degree_field_name",
                    "eec_certification",
                    "years_as_educator",
                    "years_supervising",
                )
            },
        ),
    )

    @admin.display(boolean=True, description="account")
    def has_account(self, obj: Person) -> bool:
        return obj.user_id is not None

    def save_model(self, request, obj: Person, form, change) -> None:
        super().save_model(request, obj, form, change)
        if obj.user_id:
            user_name_sync(user=obj.user, person=obj)  # the account shows the person's name


@admin.register(ProgramYear)
class ProgramYearAdmin(RecordAdmin):
    list_display = ["name", "starts_on", "ends_on", "applications_open_on", "applications_close_on"]
    search_fields = ["name"]
    inlines = [RegionTargetInline]


@admin.register(RegionTarget)
class RegionTargetAdmin(RecordAdmin):
    list_display = ["program_year", "region", "ct_mentee_pairs", "ca_ma_pairs"]
    search_fields = ["program_year__name", "region__name"]
    list_filter = ["program_year", "region"]
    autocomplete_fields = ["program_year", "region"]
    list_select_related = ["program_year", "region"]


@admin.register(Participation)
class ParticipationAdmin(RecordAdmin):
    """Read-only: participations follow the program's data (applications, pairs, MOUs)."""

    list_display = ["person", "role", "program_year", "region", "source", "started_on", "ended_on"]
    list_filter = ["program_year", "role", "region", "source", "ended_on"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "source_reference"]
    list_select_related = ["person", "program_year", "region"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry"]

    @admin.display(description="to")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retry sending the selected failed emails", permissions=["view"])
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=OutboundEmail.Status.FAILED))
        for email in failed:
            email_retry(email=email)
        self.message_user(request, f"{len(failed)} email(s) queued again.", messages.SUCCESS)


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    """Who asked for which document and what became of it. Read-only: the file itself is
    downloaded only by its requester, through the permission-checked view."""

    list_display = ["title", "kind", "requested_by", "status", "progress", "created_at", "expires_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["title", "requested_by__email"]
    list_select_related = ["requested_by"]
    readonly_fields = [f.name for f in DocumentJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- the Advisory Panel -------------------------------------------------------------------------


class AdvisoryPanelMembershipInline(admin.TabularInline):
    """Seats on the panel. A member who leaves gets an end date (never deleted), so the panel's
    history shows who sat on it when."""

    model = AdvisoryPanelMembership
    extra = 1
    can_delete = False
    fields = ["user", "role", "represents", "term_starts_on", "term_ends_on"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(AdvisoryPanel)
class AdvisoryPanelAdmin(RecordAdmin):
    """One panel per program year: its members, its chair and their terms. Every page that asks
    whether someone is on the panel reads these seats (pac.selectors.is_on_advisory_panel)."""

    list_display = ["__str__", "program_year", "chair", "serving"]
    search_fields = ["program_year__name", "memberships__user__email", "memberships__user__full_name"]
    autocomplete_fields = ["program_year"]
    list_select_related = ["program_year"]
    inlines = [AdvisoryPanelMembershipInline]

    def get_queryset(self, request):
        from django.db.models import Count, Prefetch, Q

        from .selectors import advisory_panel_memberships

        serving = Q(memberships__in=advisory_panel_memberships())
        return (
            super()
            .get_queryset(request)
            .annotate(n_serving=Count("memberships", filter=serving, distinct=True))
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=advisory_panel_memberships()
                    .filter(role=AdvisoryPanelMembership.Role.CHAIR)
                    .select_related("user"),
                    to_attr="serving_chairs",
                )
            )
        )

    @admin.display(description="chair")
    def chair(self, obj: AdvisoryPanel) -> str:
        return ", ".join(str(seat.user) for seat in obj.serving_chairs) or "—"

    @admin.display(description="members serving", ordering="n_serving")
    def serving(self, obj: AdvisoryPanel) -> int:
        return obj.n_serving


@admin.register(AdvisoryPanelMembership)
class AdvisoryPanelMembershipAdmin(RecordAdmin):
    list_display = ["user", "panel", "role", "represents", "term_starts_on", "term_ends_on", "is_serving"]
    list_filter = ["panel__program_year", "role", "term_ends_on"]
    search_fields = ["user__email", "user__full_name", "represents", "panel__program_year__name"]
    autocomplete_fields = ["panel", "user"]
    list_select_related = ["user", "panel__program_year"]

    def get_queryset(self, request):
        from django.db.models import Exists, OuterRef

        from .selectors import advisory_panel_memberships

        return (
            super()
            .get_queryset(request)
            .annotate(serving_today=Exists(advisory_panel_memberships().filter(pk=OuterRef("pk"))))
        )

    @admin.display(boolean=True, description="serving today", ordering="serving_today")
    def is_serving(self, obj: AdvisoryPanelMembership) -> bool:
        return obj.serving_today


from . import (  # noqa: E402,F401
    beat_admin,  # the Periodic tasks page, with PAC's own schedules protected
    calendar_admin,  # calendar feed addresses: who has one, and stopping one
)
