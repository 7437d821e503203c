from django.contrib import admin

from pac.admin import RecordAdmin

from .models import Capacity, Pair, RegionWaiver


@admin.register(Pair)
class PairAdmin(RecordAdmin):
    """Read-only here: pairs are proposed, confirmed and ended on the pairing pages, which check
    capacity, regions and roles and send the introductions."""

    list_display = ["coach", "mentee", "kind", "program_year", "status", "started_on", "ended_on"]
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
    autocomplete_fields = ["mentee"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not obj.granted_by_id:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
