"""The staff admin for the shared directory: search, filters, autocomplete, history, CSV export.

Program records are never deleted here: people and programs are deactivated, regions
are given an end date, participations are ended by the workflow that started them.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from import_export.admin import ExportActionMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta

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


class ListAtScale:
    """What every PAC changelist shares so that it serves as fast as PAC's own staff list of the same
    rows at statewide scale (issue 14; docs/performance.md, "The staff admin"):

    - 50 rows a page, as the staff lists (pac.tables.PER_PAGE), not the admin's 100;
    - one COUNT(*) (of the filtered rows) rather than a second one over the whole table;
    - the row's checkbox written directly: rendered through the form widget's templates it cost
      about a third of each row's time;
    - a search on a related table's columns (``pair__coach__last_name``) filters that table in a
      subquery (``pair__in``): joined first and filtered after, PostgreSQL could join every row of
      a big table (and once paired every reviewer with every application) before finding a name;
    - history pages (SimpleHistoryAdmin paginates them) of 50 versions, each version's label drawn
      from relations read in the same query (``list_select_related``) rather than a query a row.

    Each admin of a table that grows with the state's data also names an ``ordering`` an index
    serves (the pk, or a unique constraint), ``list_select_related`` for every relation its columns
    and ``__str__`` show, and no list filter that scans the table for its choices.
    """

    list_per_page = 50
    show_full_result_count = False
    history_list_per_page = 50

    def action_checkbox(self, obj):
        # the same markup as django.contrib.admin's (a CheckboxInput), without the template engine
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_search_results(self, request, queryset, search_term):
        fields = [str(f) for f in self.get_search_fields(request)]
        if not search_term or not fields or not all(is_forward_search_path(self.model, f) for f in fields):
            return super().get_search_results(request, queryset, search_term)  # e.g. a many-to-many path
        for bit in smart_split(search_term):  # every word must match, as in Django's own search
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            queryset = queryset.filter(search_q(self.model, fields, bit))
        return queryset, False  # forward relations only: no row can match twice

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """simple-history selects each version's own foreign keys; add the relations the list
        selects (``pair__coach``...), which a version's label reads too, and who made the version
        (for a model with no foreign key of its own, simple-history's ``select_related()`` with no
        names drops it, and the page read each version's user alone)."""
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        fields = {f.name for f in history_manager.model._meta.get_fields() if f.many_to_one}
        paths = [p for p in ("history_user", *self._list_relations()) if p.split("__")[0] in fields]
        return queryset.select_related(*paths) if paths else queryset

    def _list_relations(self) -> list[str]:
        return list(self.list_select_related) if isinstance(self.list_select_related, list | tuple) else []

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        history_objects_with_relations(records)
        m2m_fields = [f.name for f in records[0]._history_m2m_fields] if records else []
        if not m2m_fields:
            return super().set_history_delta_changes(request, records, foreign_keys_are_objs)
        # simple-history reads a many-to-many field's rows twice for every version shown (two
        # queries a row): read the page's rows once per field and compare them here instead
        rows = {name: history_m2m_rows(records, name, foreign_keys_are_objs) for name in m2m_fields}
        previous = None
        for current in records:  # newest first: ``previous`` is the later version
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=m2m_fields, foreign_keys_are_objs=foreign_keys_are_objs
                )
                changes = list(delta.changes)
                for name in m2m_fields:
                    (old_keys, old), (new_keys, new) = rows[name][current.pk], rows[name][previous.pk]
                    if old_keys != new_keys:
                        changes.append(ModelChange(name, old, new))
                changes.sort(key=lambda change: change.field)
                delta = ModelDelta(changes, [c.field for c in changes], current, previous)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
        return None


class RelatedListFilter(admin.RelatedFieldListFilter):
    """Django's filter by a related record, its choices labelled without a query each: the related
    records are read with their own admin's ``list_select_related`` (a committee's label names its
    year, so a list of committees read alone asked for each one's year)."""

    def field_choices(self, field, request, model_admin):
        related_model = field.remote_field.model
        related_admin = model_admin.admin_site._registry.get(related_model)
        queryset = related_model._default_manager.complex_filter(field.get_limit_choices_to())
        if related_admin is not None and isinstance(related_admin.list_select_related, list | tuple):
            queryset = queryset.select_related(*related_admin.list_select_related)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        attname = field.remote_field.get_related_field().attname
        return [(getattr(obj, attname), str(obj)) for obj in queryset]


SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}  # as django.contrib.admin's


def is_forward_search_path(model: type[Model], search_field: str) -> bool:
    """``name``, ``^name`` or ``pair__coach__last_name``: columns reached through foreign keys only."""
    parts = search_field.lstrip("^=@").split("__")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # an explicit lookup (``name__exact``) or a reverse relation
        if i == len(parts) - 1:
            return field.concrete and not field.is_relation
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            return False
        model = field.related_model
    return False


def search_q(model: type[Model], search_fields: list[str], term: str) -> Q:
    """Rows of ``model`` where any of ``search_fields`` matches ``term`` as Django's admin search
    would (icontains, or the ``^ = @`` prefixes), each related table searched in its own subquery."""
    q = Q()
    by_relation: dict[str, list[str]] = {}
    for search_field in search_fields:
        prefix = search_field[0] if search_field[0] in SEARCH_PREFIXES else ""
        name = search_field.removeprefix(prefix)
        relation, _, rest = name.partition("__")
        if rest:
            by_relation.setdefault(relation, []).append(prefix + rest)
        else:
            q |= Q(**{f"{name}__{SEARCH_PREFIXES.get(prefix, 'icontains')}": term})
    for relation, fields in by_relation.items():
        foreign_key = model._meta.get_field(relation)
        target = foreign_key.related_model
        matching = target._base_manager.filter(search_q(target, fields, term))
        q |= Q(**{f"{relation}__in": matching.values(foreign_key.target_field.attname)})
    return q


def history_m2m_rows(records, field_name: str, foreign_keys_are_objs: bool) -> dict:
    """For each version in ``records``: its rows of the many-to-many ``field_name`` as simple-history's
    ``diff_against`` would list them (the raw values to compare, and the values to show), in one query."""
    from simple_history.models import DeletedObject
    from simple_history.utils import get_m2m_reverse_field_name

    original = records[0].instance_type._meta.get_field(field_name)
    through = getattr(records[0], field_name).model
    names = [f.name for f in through._meta.fields if f.editable and f.name not in ("id", "m2m_history_id", "history")]
    foreign_keys = [f for f in through._meta.fields if f.name in names and f.many_to_one]
    queryset = through.objects.filter(history__in=[r.pk for r in records]).order_by(
        "history_id", get_m2m_reverse_field_name(original)
    )
    if foreign_keys_are_objs:
        queryset = queryset.select_related(*(f.name for f in foreign_keys))
    rows: dict = {r.pk: ([], []) for r in records}
    for row in queryset:
        keys, shown = rows[row.history_id]
        keys.append({name: getattr(row, through._meta.get_field(name).attname) for name in names})
        if not foreign_keys_are_objs:
            shown.append(keys[-1])
            continue
        values = {}
        for name in names:
            field = through._meta.get_field(name)
            value = getattr(row, name, None) if field.many_to_one else getattr(row, name)
            if field.many_to_one and value is None:
                value = DeletedObject(field.related_model, getattr(row, field.attname))
            values[name] = value
        shown.append(values)
    return rows


def history_objects_with_relations(historical_records) -> None:
    """The history page prints each version's ``history_object``, an instance simple-history builds
    afresh on every access from the version's columns alone, so its ``__str__`` would query each
    relation again. Build it once per version with the relations the version already holds."""
    for record in historical_records:
        obj = record.history_object
        for field in obj._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one):
                continue
            version_field = record._meta.get_field(field.name)
            if version_field.is_cached(record):
                field.set_cached_value(obj, version_field.get_cached_value(record))
        record.history_object = obj  # an instance attribute: the descriptor defines only __get__


class RecordAdmin(ListAtScale, ExportActionMixin, SimpleHistoryAdmin):
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
class UserAdmin(ListAtScale, ExportActionMixin, DjangoUserAdmin, SimpleHistoryAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("program_year", "region")

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
    ordering = ["-pk"]  # newest first; the model's order (year, role, person) sorts every row to show 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ListAtScale, admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    ordering = ["-pk"]  # newest first, as the model's -created_at, but read from the primary key's index
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
class DocumentJobAdmin(ListAtScale, admin.ModelAdmin):
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
