from django.contrib import admin

from pac.admin import RecordAdmin

from .models import (
    CoachReview,
    Dimension,
    Domain,
    Instrument,
    Observation,
    ObserverCertificate,
    PanelRecommendation,
    PrePostCycle,
    ReferenceFigure,
    ReviewOutcome,
    ScheduledObservation,
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(RecordAdmin):
    list_display = ["name", "code", "ages", "cycle_minutes", "is_active"]
    search_fields = ["name", "code"]
    inlines = [DomainInline]


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    can_delete = False


@admin.register(Domain)
class DomainAdmin(RecordAdmin):
    list_display = ["name", "code", "instrument", "order"]
    list_filter = ["instrument"]
    list_select_related = ["instrument"]
    search_fields = ["name", "code"]
    inlines = [DimensionInline]


@admin.register(Dimension)
class DimensionAdmin(RecordAdmin):
    list_display = ["name", "code", "domain", "reversed"]
    list_filter = ["domain__instrument", "reversed"]
    list_select_related = ["domain__instrument"]
    search_fields = ["name", "code"]


@admin.register(ObserverCertificate)
class ObserverCertificateAdmin(RecordAdmin):
    list_display = ["observer", "instrument", "certified_on", "expires_on", "reference"]
    list_filter = ["instrument"]
    search_fields = ["observer__last_name", "observer__first_name", "reference"]
    autocomplete_fields = ["observer"]
    list_select_related = ["observer", "instrument"]


@admin.register(Observation)
class ObservationAdmin(RecordAdmin):
    """Observations are recorded through the observation form (which validates every cycle and
    stores the results); the admin shows them read-only."""

    list_display = ["__str__", "pair", "observer", "time_point", "observed_on", "plan_educator"]
    list_filter = ["instrument", "time_point", "pair__program_year"]
    search_fields = ["pair__mentee__last_name", "observer__last_name", "classroom", "plan_educator__name"]
    list_select_related = ["instrument", "observer", "pair__coach", "pair__mentee", "plan_educator"]
    ordering = ["-pk"]  # the latest recorded first (the model's -observed_on sorted every observation)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PrePostCycle)
class PrePostCycleAdmin(RecordAdmin):
    """A pair's pre/post cycle and its CLASS tool(s). Set on the schedule or observation pages
    (evaluation.services.pre_post_cycle_set); staff may correct the tools here only until the pair's
    first observation is recorded: after that pre and post must stay on the same tools."""

    list_display = ["pair", "instrument", "second_instrument", "set_by", "set_at"]
    list_filter = ["instrument", "second_instrument", "pair__program_year"]
    search_fields = ["pair__mentee__last_name", "pair__coach__last_name"]
    list_select_related = ["pair__coach", "pair__mentee", "instrument", "second_instrument", "set_by"]
    readonly_fields = ["pair", "set_by", "set_at"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pair.observations.exists():
            fields += ["instrument", "second_instrument"]  # observed: pre and post must stay comparable
        return fields


@admin.register(ScheduledObservation)
class ScheduledObservationAdmin(RecordAdmin):
    list_display = ["pair", "time_point", "window_opens", "due_by", "observer"]
    list_filter = ["time_point", "pair__program_year"]
    search_fields = ["pair__mentee__last_name", "observer__last_name"]
    autocomplete_fields = ["observer"]
    raw_id_fields = ["pair"]
    readonly_fields = ["scheduled_by"]
    list_select_related = ["pair__coach", "pair__mentee", "observer"]
    ordering = ["-pk"]  # the latest scheduled first (the model's due_by sorted every one to show 50)

    def save_model(self, request, obj, form, change):
        if not obj.scheduled_by_id:
            obj.scheduled_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(RecordAdmin):
    """Published figures drawn as reference lines; dated so a threshold can change on a set day."""

    list_display = ["label", "kind", "domain_code", "value", "valid_from", "valid_until", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label", "source"]
    filter_horizontal = ["instruments"]


class PanelRecommendationInline(admin.TabularInline):
    model = PanelRecommendation
    extra = 0
    can_delete = False
    readonly_fields = ["member", "recommendation", "comments", "submitted_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CoachReview)
class CoachReviewAdmin(RecordAdmin):
    """Reviews open on their own (beat); panel members recommend and staff decide on the review page,
    which checks the rules. The admin shows them read-only, with history."""

    list_display = ["coach", "program_year", "role", "due_on", "decision", "decided_at"]
    list_filter = ["program_year", "role", "decision"]
    search_fields = ["coach__last_name", "coach__first_name"]
    list_select_related = ["coach", "program_year"]
    inlines = [PanelRecommendationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewOutcome)
class ReviewOutcomeAdmin(RecordAdmin):
    """What each decision has done (evaluation/second_year.py). Read-only: it follows the decision
    on the review page; staff carry waiting decisions out on the second-year page."""

    list_display = ["review", "decision", "status", "next_year", "renewal", "role_ends_on", "problem"]
    list_filter = ["status", "decision", "review__program_year", "next_year"]
    search_fields = ["review__coach__last_name", "review__coach__first_name", "renewal__reference"]
    list_select_related = ["review__coach", "review__program_year", "next_year", "renewal"]
    readonly_fields = [f.name for f in ReviewOutcome._meta.fields]

    def has_add_permission(self, request):
        return False


from .interviews import admin as _interviews_admin  # noqa: E402, F401
from .surveys import admin as _surveys_admin  # noqa: E402, F401
