"""Calendar feed addresses in the staff admin: who has one and since when, and a way to stop
someone's (a lost phone). The address itself is never shown: only its hash is stored."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from .admin import ListAtScale
from .calendar_models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ListAtScale, admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        """Stopping an address is a write: EEC staff only, not anyone who may only look."""
        from .permissions import is_eec_staff

        return is_eec_staff(request.user)

    @admin.action(description="Stop the selected calendar addresses", permissions=["revoke"])
    def revoke(self, request, queryset):
        stopped = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{stopped} calendar address(es) stopped.", messages.SUCCESS)
