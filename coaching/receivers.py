"""Coaching's part in the steps of earlier apps (connected in CoachingConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from pairings.signals import pair_confirmed

from . import services


@receiver(pair_confirmed, dispatch_uid="coaching.reports_open_on_confirm")
def reports_open_on_confirm(sender, *, pair, **kwargs) -> None:
    """A confirmed pair's first 30-day report exists from its first day (later ones are opened
    by the hourly task as their periods start)."""
    services.reports_open(pair=pair)
