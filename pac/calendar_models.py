"""Private calendar feeds: the secret address a person's calendar program subscribes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """One feed address of a person. Only the token's hash is kept (``pac.workflow.hash_token``): the
    address is shown once, when it is made. Making a new one revokes the old; a revoked row stays
    as the record of when it stopped working."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "calendar feed"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="one_active_calendar_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        state = f"revoked {self.revoked_at:%Y-%m-%d}" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"
