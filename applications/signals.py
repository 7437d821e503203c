"""Keeping the standings current (``services.standings``): a save that changes what a year's
results are computed from recomputes that year and tier, in the same transaction.

The handlers compare with the values the row held when it was read (``RemembersLoadedValues``),
so a save that changes nothing the results read (a draft score, a reminder sent, an application's
answers) costs no query, and one that might costs at most one before the recompute. Writes that
bypass ``save()`` (``QuerySet.update``, ``bulk_create``) are not seen: run ``standings_rebuild``
after them."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pac.models import Program, Region

from .models import UNRANKED_STAGES, Application, Criterion, ReviewAssignment, Score, Standing
from .models.loaded import NOT_LOADED
from .services.standings import standings_refresh_many

SUBMITTED = ReviewAssignment.Status.SUBMITTED


def _changed(instance, update_fields) -> bool:
    """Whether the save may have changed a remembered field (an unknown old value counts)."""
    fields = instance.REMEMBERED
    if update_fields is not None:
        named = set(update_fields)
        fields = [f for f in fields if f in named or f.removesuffix("_id") in named]
    return any(
        (old := instance.loaded_value(f)) is NOT_LOADED or old != getattr(instance, f, NOT_LOADED) for f in fields
    )


def _year_of(application_id: int, cached: Application | None = None) -> int | None:
    if cached is not None and cached.pk == application_id:
        return cached.program_year_id
    return Application.objects.filter(pk=application_id).values_list("program_year_id", flat=True).first()


def _cached_application(assignment: ReviewAssignment) -> Application | None:
    return assignment.application if ReviewAssignment.application.is_cached(assignment) else None


@receiver(post_save, sender=ReviewAssignment)
def assignment_saved(sender, instance: ReviewAssignment, created: bool, raw: bool, update_fields, **kwargs) -> None:
    """A review submitted; a submitted one reopened or withdrawn, or moved to another reviewer,
    application or tier."""
    if raw:
        return
    changed = created or _changed(instance, update_fields)
    old_status, old_application, old_tier = (
        instance.loaded_value("status"),
        instance.loaded_value("application_id"),
        instance.loaded_value("tier"),
    )
    instance.remember_values()
    if not changed:
        return
    keys = set()
    was_submitted = old_status == SUBMITTED or (old_status is NOT_LOADED and not created)  # unknown: assume so
    if instance.status == SUBMITTED or was_submitted:
        keys.add((_year_of(instance.application_id, _cached_application(instance)), instance.tier))
    moved = NOT_LOADED not in (old_application, old_tier) and (old_application, old_tier) != (
        instance.application_id,
        instance.tier,
    )
    if old_status == SUBMITTED and moved:
        keys.add((_year_of(old_application), old_tier))  # moved to another application or tier
    standings_refresh_many(k for k in keys if k[0] is not None)


@receiver(post_delete, sender=ReviewAssignment)
def assignment_deleted(sender, instance: ReviewAssignment, **kwargs) -> None:
    if instance.status == SUBMITTED:
        standings_refresh_many([(_year_of(instance.application_id, _cached_application(instance)), instance.tier)])


def _submitted_keys(assignment_ids) -> list[tuple[int, int]]:
    return list(
        ReviewAssignment.objects.filter(pk__in=assignment_ids, status=SUBMITTED)
        .values_list("application__program_year_id", "tier")
        .distinct()
    )


@receiver(post_save, sender=Score)
def score_saved(sender, instance: Score, created: bool, raw: bool, update_fields, **kwargs) -> None:
    """A score of a submitted review changed (scores of a review in progress count for nothing yet)."""
    if raw:
        return
    changed = created or _changed(instance, update_fields)
    old_assignment = instance.loaded_value("assignment_id")
    instance.remember_values()
    if not changed:
        return
    if Score.assignment.is_cached(instance) and old_assignment in (NOT_LOADED, instance.assignment_id):
        assignment = instance.assignment
        if assignment.status != SUBMITTED:  # the scoring page's saves: no query
            return
    ids = {instance.assignment_id} | ({old_assignment} if old_assignment is not NOT_LOADED else set())
    standings_refresh_many(_submitted_keys(ids))


@receiver(post_delete, sender=Score)
def score_deleted(sender, instance: Score, origin=None, **kwargs) -> None:
    if isinstance(origin, ReviewAssignment) or getattr(origin, "model", None) is ReviewAssignment:
        return  # deleted with its review, whose own handler recomputes
    standings_refresh_many(_submitted_keys([instance.assignment_id]))


@receiver(post_save, sender=Criterion)
def criterion_saved(sender, instance: Criterion, created: bool, raw: bool, update_fields, **kwargs) -> None:
    """A criterion's weight changed: every year and tier with a submitted review scoring it."""
    if raw:
        return
    changed = not created and _changed(instance, update_fields)
    instance.remember_values()
    if changed:
        standings_refresh_many(
            ReviewAssignment.objects.filter(status=SUBMITTED, scores__criterion=instance)
            .values_list("application__program_year_id", "tier")
            .distinct()
        )


@receiver(post_save, sender=Application)
def application_saved(sender, instance: Application, created: bool, raw: bool, update_fields, **kwargs) -> None:
    """An application entering or leaving the ranked stages, or changing role or program (its
    rank's group)."""
    if raw:
        return
    old_stage, old_role, old_program = (instance.loaded_value(f) for f in ("stage", "role", "program_id"))
    changed = not created and _changed(instance, update_fields)
    instance.remember_values()
    if not changed:
        return
    crossed = old_stage is NOT_LOADED or (old_stage in UNRANKED_STAGES) != (instance.stage in UNRANKED_STAGES)
    if not (crossed or old_role != instance.role or old_program != instance.program_id):
        return  # from one ranked stage to another, or between unranked ones
    tiers = (
        ReviewAssignment.objects.filter(application=instance, status=SUBMITTED)
        .values_list("tier", flat=True)
        .distinct()
    )
    standings_refresh_many((instance.program_year_id, tier) for tier in tiers)


def _regrouped(standings) -> None:
    """Recompute where a stored region number is no longer the application's program's."""
    standings_refresh_many(
        standings.exclude(region_number=Coalesce(F("application__program__region__number"), 0))
        .values_list("program_year_id", "tier")
        .distinct()
    )


@receiver(post_save, sender=Program)
def program_saved(sender, instance: Program, created: bool, raw: bool, **kwargs) -> None:
    """A program moved to another region: its applications' ranks are in another group now."""
    if not (raw or created):
        _regrouped(Standing.objects.filter(application__program=instance))


@receiver(post_save, sender=Region)
def region_saved(sender, instance: Region, created: bool, raw: bool, **kwargs) -> None:
    """A region renumbered: ranks are grouped by region number, as the reference groups them."""
    if not (raw or created):
        _regrouped(Standing.objects.filter(application__program__region=instance))
