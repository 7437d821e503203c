from django.contrib import admin

from pac.admin import ListAtScale, RecordAdmin

from .models import (
    Goal,
    GoalNote,
    Meeting,
    PlanEducator,
    Reminder,
    ReminderSettings,
    ReportTemplate,
    ThirtyDayReport,
    TrainingRecommendation,
)


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ["pair", "held_on", "purpose", "modality", "duration_minutes", "mentee_confirmed_at", "withdrawn_at"]
    list_filter = ["purpose", "modality", "pair__program_year", ("withdrawn_at", admin.EmptyFieldListFilter)]
    # names only: a search through every meeting's notes read the whole table (they are read on the pair's page)
    search_fields = ["pair__coach__last_name", "pair__mentee__last_name"]
    list_select_related = ["pair__coach", "pair__mentee"]
    # the latest logged first (the model's -held_on has no index of its own: ordering by it sorted
    # every meeting to show 50; a pair's meetings by date are on the pair's page)
    ordering = ["-pk"]
    # withdrawing is a step with a reason, done on the pair's page (coaching.services.meeting_withdraw)
    readonly_fields = ["pair", "logged_by", "mentee_confirmed_at", "created_at", "withdrawn_at", "withdrawn_by"]


class GoalNoteInline(admin.TabularInline):
    model = GoalNote
    extra = 0
    can_delete = False
    readonly_fields = ["author"]


@admin.register(Goal)
class GoalAdmin(RecordAdmin):
    list_display = ["title", "pair", "area", "status", "target_date"]
    list_filter = ["status", "area__kind", "pair__program_year"]
    search_fields = ["title", "pair__coach__last_name", "pair__mentee__last_name"]
    list_select_related = ["pair__coach", "pair__mentee", "area"]
    ordering = ["-pk"]  # newest first: the primary key's index serves a page without sorting the table
    readonly_fields = ["pair", "created_by", "plan_educator"]
    inlines = [GoalNoteInline]


@admin.register(PlanEducator)
class PlanEducatorAdmin(RecordAdmin):
    """The educator or classroom team in a Mentee Administrator's plan. Named on the plan page
    (coaching.services.plan_educator_name); staff may correct a name or room here (history keeps
    the old one). Replacing is a step on the plan page, so the pair and who named it are read-only."""

    list_display = ["name", "classroom", "pair", "named_at", "replaced_at"]
    list_filter = ["pair__program_year", ("replaced_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "classroom", "pair__coach__last_name", "pair__mentee__last_name"]
    list_select_related = ["pair__coach", "pair__mentee"]
    ordering = ["-pk"]  # newest first: the primary key's index serves a page without sorting the table
    readonly_fields = ["pair", "named_by", "named_at", "replaced_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ReportTemplate)
class ReportTemplateAdmin(RecordAdmin):
    list_display = ["name", "is_active", "created_at"]
    search_fields = ["name"]


@admin.register(ThirtyDayReport)
class ThirtyDayReportAdmin(RecordAdmin):
    """Read-only: coaches file reports and staff review them on the coaching pages."""

    list_display = ["pair", "period", "due_on", "status", "submitted_at", "was_late"]
    list_filter = ["status", "was_late", "pair__program_year"]
    search_fields = ["pair__coach__last_name", "pair__mentee__last_name"]
    list_select_related = ["pair__coach", "pair__mentee"]
    # the newest pairs first, each pair's reports by period (the one-report-per-period index; the
    # model's order goes through the pair's year, kind and coach's name, sorting every report)
    ordering = ["-pair_id", "period"]
    readonly_fields = [f.name for f in ThirtyDayReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(RecordAdmin):
    list_display = ["__str__", "days_before_due", "days_overdue_before_staff", "remind_no_meeting"]
    search_fields = ["id"]

    def has_add_permission(self, request) -> bool:
        # asked on every admin page (the sidebar's "Add" link): look once per request
        if not hasattr(request, "_reminder_settings_exist"):
            request._reminder_settings_exist = ReminderSettings.objects.exists()
        return not request._reminder_settings_exist


@admin.register(Reminder)
class ReminderAdmin(ListAtScale, admin.ModelAdmin):
    list_display = ["message", "recipient", "stage", "created_at", "read_at", "email"]
    list_filter = ["stage", "created_at"]
    search_fields = ["message", "recipient__last_name", "recipient__email"]
    list_select_related = ["recipient", "email"]
    ordering = ["-pk"]  # newest first, as the model's -created_at, but read from the primary key's index
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainingRecommendation)
class TrainingRecommendationAdmin(RecordAdmin):
    """Read-only: training is recommended and its outcome recorded on the pair's workspace."""

    list_display = ["title", "pair", "status", "completed_on", "recommended_at"]
    list_filter = ["status", "pair__program_year"]
    search_fields = ["title", "pair__mentee__last_name", "pair__coach__last_name"]
    list_select_related = ["pair__coach", "pair__mentee"]
    ordering = ["-pk"]  # newest first: the primary key's index serves a page without sorting the table
    readonly_fields = [f.name for f in TrainingRecommendation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
