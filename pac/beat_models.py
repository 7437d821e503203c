"""Why a PAC schedule was switched off or on, by whom and when (see pac.beat)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ScheduleChange(models.Model):
    """One switch of a PAC beat schedule (django-celery-beat's PeriodicTask) off or back on, with
    the reason given. PAC's own schedules are never deleted, so this is their history."""

    task = models.ForeignKey("django_celery_beat.PeriodicTask", on_delete=models.CASCADE, related_name="pac_changes")
    enabled = models.BooleanField(help_text="The schedule's state after this change.")
    reason = models.TextField(max_length=1000)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "schedule change"

    def __str__(self) -> str:
        return f"{self.task.name}: {'enabled' if self.enabled else 'disabled'} {self.changed_at:%Y-%m-%d %H:%M}"
