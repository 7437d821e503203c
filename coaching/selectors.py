"""Reads for coaching: the pair workspace, monthly flags and the staff overview, each in a fixed
number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pac.models import ProgramYear
from pairings.models import Pair

from .models import Goal, GoalNote, Meeting, ThirtyDayReport

OPEN = [ThirtyDayReport.Status.DRAFT, ThirtyDayReport.Status.RETURNED]


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_flags(
    pairs: list[Pair], today: datetime.date | None = None
) -> dict[int, list[tuple[datetime.date, bool, bool]]]:
    """For each pair, the completed calendar months since it started that had no coaching meeting
    or (where the pair has a leader) no leader check-in: (month, no meeting, no check-in). One query."""
    today = today or timezone.localdate()
    last_complete = today.replace(day=1) - datetime.timedelta(days=1)
    seen: dict[int, dict[datetime.date, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = (
        Meeting.objects.filter(pair__in=[p.pk for p in pairs])
        .annotate(month=TruncMonth("held_on"))
        .values("pair_id", "month", "purpose", "leader_present")
        .distinct()
    )
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        kinds = seen[row["pair_id"]][month]
        if row["purpose"] == Meeting.Purpose.LEADER_CHECK_IN or row["leader_present"]:
            kinds.add("check_in")
        if row["purpose"] != Meeting.Purpose.LEADER_CHECK_IN:
            kinds.add("coaching")
    flags: dict[int, list] = {}
    for pair in pairs:
        if not pair.started_on:
            flags[pair.pk] = []
            continue
        end = min(last_complete, pair.ended_on) if pair.ended_on else last_complete
        out = []
        for month in _months(pair.started_on, end):
            kinds = seen[pair.pk].get(month, set())
            no_meeting = "coaching" not in kinds
            no_check_in = bool(pair.leader_id) and "check_in" not in kinds
            if no_meeting or no_check_in:
                out.append((month, no_meeting, no_check_in))
        flags[pair.pk] = out
    return flags


def workspace(pair: Pair) -> dict:
    meetings = list(Meeting.objects.filter(pair=pair).order_by("-held_on", "-pk"))
    goals = list(
        Goal.objects.filter(pair=pair)
        .select_related("area")
        .prefetch_related(Prefetch("notes", queryset=GoalNote.objects.order_by("-noted_on", "-pk")))
    )
    reports = list(ThirtyDayReport.objects.filter(pair=pair).order_by("period"))
    today = timezone.localdate()
    next_due = next((r for r in reports if r.status in OPEN), None)
    return {
        "meetings": meetings,
        "goals": goals,
        "reports": reports,
        "next_due": next_due,
        "overdue": [r for r in reports if r.is_overdue(today)],
        "flags": month_flags([pair], today)[pair.pk],
    }


def staff_overview(program_year: ProgramYear) -> list[tuple[Pair, list]]:
    today = timezone.localdate()
    pairs = list(
        Pair.objects.filter(program_year=program_year, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED])
        .select_related("coach", "mentee__program__region", "leader")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            last_meeting=Max("meetings__held_on"),
            overdue=Count("reports", filter=Q(reports__status__in=OPEN, reports__due_on__lt=today), distinct=True),
            awaiting_review=Count("reports", filter=Q(reports__status=ThirtyDayReport.Status.SUBMITTED), distinct=True),
        )
        .order_by("mentee__program__region__number", "coach__last_name")
    )
    flags = month_flags(pairs, today)
    return [(pair, flags[pair.pk]) for pair in pairs]


def reports_awaiting_review(program_year: ProgramYear) -> QuerySet[ThirtyDayReport]:
    return (
        ThirtyDayReport.objects.filter(pair__program_year=program_year, status=ThirtyDayReport.Status.SUBMITTED)
        .select_related("pair__coach", "pair__mentee")
        .order_by("submitted_at")
    )
