"""Video evidence in the admin: the retention rule, and the clips staff may see (those shared with
EEC or offered to the library), read-only. Comments and files are not here: clips are seen on
their pages, where every permission applies."""

from django.contrib import admin
from django.http import Http404

from pac.admin import RecordAdmin
from pac.views import is_id

from .models import Clip, RetentionSettings
from .permissions import clips_visible_to


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(RecordAdmin):
    list_display = ["__str__", "days_after_pair_ends"]


@admin.register(Clip)
class ClipAdmin(RecordAdmin):
    """Only the clips staff may see; nothing is edited here (sharing, the library and retention are
    steps on the clip's page and the sweep, each with its reason in the history)."""

    list_display = ["title", "pair", "recorded_on", "status", "shared_with_eec_at", "library_promoted_at", "removed_at"]
    list_filter = ["status", "pair__program_year", ("removed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["pair__coach", "pair__mentee"]
    search_fields = ["title", "pair__coach__last_name", "pair__mentee__last_name"]
    ordering = ["-pk"]
    exclude = ["original", "video", "poster", "captions", "library_dimensions"]

    def get_queryset(self, request):
        return clips_visible_to(request.user).select_related("pair__coach", "pair__mentee")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        if not request.user.has_perm("pac.access_staff_pages"):
            return False
        return obj is None or clips_visible_to(request.user).filter(pk=obj.pk).exists()

    def _visible_or_404(self, request, object_id) -> None:
        """The history pages read history rows, not this queryset: a clip staff may not see is a 404
        there too (its title and details are in every history row)."""
        if not (is_id(str(object_id)) and self.get_queryset(request).filter(pk=object_id).exists()):
            raise Http404("No clip here.")

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
