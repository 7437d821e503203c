"""The admin's Periodic tasks page, with PAC's own schedules protected: they can be disabled with a
reason (recorded, and shown on staff's My work) but never deleted, renamed or switched off by a
list action without one."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from .admin import ListAtScale, ReadOnlyInline
from .beat import is_pac_schedule, pac_schedule_names, schedule_set_enabled
from .beat_models import ScheduleChange

REASON_HELP = "Required to disable one of PAC's schedules: it is kept with the schedule and shown on staff's My work."


class PacPeriodicTaskForm(PeriodicTaskForm):
    change_reason = forms.CharField(
        label="Reason for enabling or disabling",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )

    def clean(self):
        data = super().clean()
        instance = self.instance
        if (
            instance.pk
            and is_pac_schedule(instance)
            and "enabled" in self.changed_data
            and not data.get("enabled")
            and not (data.get("change_reason") or "").strip()
        ):
            self.add_error(
                "change_reason",
                "Say why this schedule is being disabled: its reminders stop until it is enabled again.",
            )
        return data


class ScheduleChangeInline(ReadOnlyInline):
    model = ScheduleChange
    fields = ("changed_at", "enabled", "reason", "changed_by")
    readonly_fields = fields


class PacPeriodicTaskAdmin(ListAtScale, PeriodicTaskAdmin):
    form = PacPeriodicTaskForm
    inlines = [ScheduleChangeInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        fields = fieldsets[0][1]["fields"]
        fields.insert(fields.index("enabled") + 1, "change_reason")
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and is_pac_schedule(obj):
            readonly += ("name",)  # a renamed schedule would no longer be recognised as PAC's own
        return readonly

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and is_pac_schedule(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the bulk delete would not ask about PAC's own schedules
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "enabled" in form.changed_data:  # already saved: the service records who and why
            reason = form.cleaned_data.get("change_reason", "")
            schedule_set_enabled(task=obj, enabled=obj.enabled, reason=reason, actor=request.user)

    def _refuse_pac(self, request, queryset, what: str) -> bool:
        names = sorted(queryset.filter(name__in=pac_schedule_names()).values_list("name", flat=True))
        if names:
            self.message_user(
                request,
                f"Nothing was {what}: {', '.join(names)} {'is' if len(names) == 1 else 'are'} PAC's own. "
                "Open the schedule and untick Enabled, with a reason, to disable it.",
                messages.ERROR,
            )
        return bool(names)

    @admin.action(description="Disable selected tasks (not PAC's own)")
    def disable_tasks(self, request, queryset):
        if not self._refuse_pac(request, queryset, "disabled"):
            super().disable_tasks(request, queryset)

    @admin.action(description="Toggle activity of selected tasks (not PAC's own)")
    def toggle_tasks(self, request, queryset):
        if not self._refuse_pac(request, queryset, "toggled"):
            super().toggle_tasks(request, queryset)

    @admin.action(description="Enable selected tasks")
    def enable_tasks(self, request, queryset):
        for task in queryset.filter(enabled=False, name__in=pac_schedule_names()):
            schedule_set_enabled(
                task=task, enabled=True, reason="Enabled from the list of schedules", actor=request.user
            )
        super().enable_tasks(request, queryset)


if admin.site.is_registered(PeriodicTask):
    admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PacPeriodicTaskAdmin)
