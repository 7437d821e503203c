"""Reads for video evidence: a pair's clips, a clip's page, the breakdown of feedback, and the
figures staff, the progress report and the six-month review show (counts and turnaround, never
the clips)."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from evaluation.models import Dimension, PrePostCycle
from evaluation.selectors import default_instrument_code
from pairings.models import Pair

from .models import Clip, Comment, VideoObservation
from .permissions import clips_visible_to, comments_visible_to

WAITING_DAYS = 7  # staff are told of a clip waiting longer than this for its first feedback


def waiting_since(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=WAITING_DAYS)


def pair_dimensions(pair: Pair) -> list[Dimension]:
    """The CLASS dimensions of the pair's tool(s): the pre/post cycle's when set, else the tool that
    fits the mentee's program's ages (as the observation schedule proposes it)."""
    cycle = PrePostCycle.objects.filter(pair=pair).values_list("instrument_id", "second_instrument_id").first()
    dimensions = Dimension.objects.select_related("domain__instrument").order_by(
        "domain__instrument_id", "domain__order", "order"
    )
    if cycle:
        return list(dimensions.filter(domain__instrument_id__in=[i for i in cycle if i]))
    program = pair.mentee.program
    codes = set(program.age_groups.values_list("code", flat=True)) if program else set()
    return list(dimensions.filter(domain__instrument__code=default_instrument_code(codes)))


def pair_clips(user, pair: Pair) -> QuerySet[Clip]:
    """The pair's clips the user sees, with what the list shows about each (one query)."""
    public = Q(comments__is_private=False, comments__withdrawn_at__isnull=True, comments__parent__isnull=True)
    return (
        clips_visible_to(user)
        .filter(pair=pair)
        .select_related("uploaded_by", "age_group", "goal")
        .annotate(
            comment_count=Count("comments", filter=public),
            has_observation=Exists(VideoObservation.objects.filter(clip=OuterRef("pk"))),
        )
        .order_by("-created_at", "-pk")
    )


def clip_comments(user, clip: Clip, *, private_only: bool = False) -> list[Comment]:
    """The clip's top-level comments the user sees, in time order, each with its replies (with
    ``private_only``, only the user's own private notes)."""
    visible = comments_visible_to(user, clip).select_related("author__person", "dimension__domain", "goal")
    if private_only:
        visible = visible.filter(author=user, is_private=True)
    replies = Prefetch("replies", queryset=visible.filter(parent__isnull=False).order_by("created_at", "pk"))
    return list(visible.filter(parent__isnull=True).prefetch_related(replies).order_by("at_ms", "pk"))


@dataclass
class Breakdown:
    """Comments counted by type and by CLASS dimension (private notes and replies not counted)."""

    by_kind: dict[str, int]
    by_dimension: list[tuple[str, dict[str, int]]]  # (dimension label, {kind: count})
    total: int


def breakdown(comments) -> Breakdown:
    """From (kind, dimension label or "") rows, already filtered to public top-level comments."""
    by_kind: Counter = Counter()
    by_dimension: dict[str, Counter] = {}
    for kind, label in comments:
        by_kind[kind] += 1
        by_dimension.setdefault(label or "No CLASS dimension", Counter())[kind] += 1
    ordered = sorted(by_dimension.items(), key=lambda item: (item[0] == "No CLASS dimension", item[0]))
    kinds = [k for k, _ in Comment.Kind.choices]
    return Breakdown(
        by_kind={k: by_kind.get(k, 0) for k in kinds},
        by_dimension=[(label, {k: counts.get(k, 0) for k in kinds}) for label, counts in ordered],
        total=sum(by_kind.values()),
    )


def _public_feedback(clips: QuerySet[Clip]):
    return (
        Comment.objects.filter(clip__in=clips, is_private=False, withdrawn_at__isnull=True, parent__isnull=True)
        .order_by()
        .values_list("kind", "dimension__code", "dimension__name")
    )


def _label(code: str | None, name: str | None) -> str:
    return f"{name} ({code})" if code else ""


def clip_breakdown(clip: Clip) -> Breakdown:
    rows = _public_feedback(Clip.objects.filter(pk=clip.pk))
    return breakdown((kind, _label(code, name)) for kind, code, name in rows)


def pair_breakdown(user, pair: Pair) -> Breakdown:
    rows = _public_feedback(clips_visible_to(user).filter(pair=pair))
    return breakdown((kind, _label(code, name)) for kind, code, name in rows)


@dataclass
class ClipFigures:
    """What staff, the progress report and the six-month review say about a pair's (or a coach's)
    clips: how many were shared, how many reviewed, the median days from upload to first feedback,
    and how many have waited more than a week."""

    shared: int = 0
    reviewed: int = 0
    median_days: float | None = None
    waiting_long: int = 0


def _days(start: datetime.datetime, end: datetime.datetime) -> float:
    return round((end - start).total_seconds() / 86400, 1)


def _figures_by(clips: QuerySet[Clip], key: str, now: datetime.datetime | None = None) -> dict[int, ClipFigures]:
    """{value of ``key``: ClipFigures} over clips the mentee shared (the coach's own model lessons
    are not feedback to wait for), in one query."""
    since = waiting_since(now)
    found: dict[int, ClipFigures] = {}
    turnaround: dict[int, list[float]] = {}
    rows = clips.filter(from_coach=False).order_by().values_list(key, "created_at", "first_feedback_at", "status")
    for group, created, first, status in rows:
        figures = found.setdefault(group, ClipFigures())
        figures.shared += 1
        if first:
            figures.reviewed += 1
            turnaround.setdefault(group, []).append(_days(created, first))
        elif status == Clip.Status.READY and created < since:
            figures.waiting_long += 1
    for group, days in turnaround.items():
        found[group].median_days = statistics.median(days)
    return found


def clip_figures(pair_ids, *, now: datetime.datetime | None = None) -> dict[int, ClipFigures]:
    """{pair id: ClipFigures} (the pair's clips page, the progress report, staff's list)."""
    return _figures_by(Clip.objects.filter(pair_id__in=list(pair_ids)), "pair_id", now)


def coach_figures(coach_person_id: int, program_year_id: int) -> ClipFigures:
    """A coach's clips across their pairs of a year (the six-month review)."""
    clips = Clip.objects.filter(pair__coach_id=coach_person_id, pair__program_year_id=program_year_id)
    return _figures_by(clips, "pair__coach_id").get(coach_person_id, ClipFigures())


def staff_pair_rows(year) -> list[dict]:
    """Every pair of the year with clips: counts and turnaround, no titles or files (one query for
    the pairs, one for the clips)."""
    pairs = list(
        Pair.objects.filter(program_year=year, clips__isnull=False)
        .distinct()
        .select_related("coach", "mentee", "mentee__program__region")
        .order_by("mentee__program__region__name", "coach__last_name", "pk")
    )
    figures = clip_figures([p.pk for p in pairs])
    return [{"pair": p, "figures": figures.get(p.pk, ClipFigures())} for p in pairs]


def waiting_long_count(year) -> int:
    if year is None:
        return 0
    since = waiting_since()
    return (
        Clip.objects.awaiting_feedback()
        .filter(pair__program_year=year, pair__status=Pair.Status.ACTIVE, created_at__lt=since)
        .count()
    )


def library(user, *, year, dimension_id: int | None = None, age_group_id: int | None = None) -> QuerySet[Clip]:
    clips = (
        clips_visible_to(user)
        .in_library()
        .filter(pair__program_year=year, removed_at__isnull=True)
        .select_related("age_group")
        .prefetch_related("library_dimensions")
        .order_by("-library_promoted_at", "-pk")
    )
    if dimension_id:
        clips = clips.filter(library_dimensions=dimension_id)
    if age_group_id:
        clips = clips.filter(age_group_id=age_group_id)
    return clips
