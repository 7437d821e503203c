"""Background jobs of applications. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def standings_rebuild_task(program_year_id: int | None = None) -> int:
    """Recompute the stored standings (of one year, or every year): after a bulk load or a
    restore. Idempotent: a second run finds nothing to change. Returns the years and tiers done."""
    from .services.standings import standings_rebuild

    return standings_rebuild(program_year_ids=None if program_year_id is None else [program_year_id])
