"""Reads for coaching: the pair workspace, monthly flags and the staff overview, each in a fixed
number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DateField, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least, TruncMonth
from django.urls import reverse
from django.utils import timezone

from pac.models import ProgramYear
from pairings.models import Kind, Pair, member_of

from . import schedule
from .models import Goal, GoalNote, Meeting, PlanEducator, ThirtyDayReport
from .participation import participation_of
from .permissions import reports_visible_to

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
        Meeting.objects.held()
        .filter(pair__in=[p.pk for p in pairs])
        .annotate(month=TruncMonth("held_on"))
        .values("pair_id", "month", "purpose", "leader_present")
        .order_by()  # the model's ordering would join nothing but widen DISTINCT to every meeting
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


@dataclass
class UnopenedReport:
    """A period that has started whose draft is not made yet (the hourly task makes it, or the
    coach's "Start this report"): shown beside the made reports, in their order."""

    pair_id: int
    period: int
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    unopened = True

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.due_on < (today or timezone.localdate())

    @property
    def url(self) -> str:
        return reverse("coaching:report_for_period", args=[self.pair_id, self.period])


def started_period(pair: Pair, number: int, today: datetime.date | None = None) -> schedule.Period | None:
    """The pair's period ``number`` if it has started (and the pair had not ended before it)."""
    if not pair.started_on or pair.status == Pair.Status.PROPOSED:
        return None
    today = today or timezone.localdate()
    started = schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today)
    return next((p for p in started if p.number == number), None)


def plan_educator_current(pair: Pair) -> PlanEducator | None:
    """The educator or classroom team the MA's plan names now (None for a CT–Mentee pair, or
    before the MA has named one). One query, or none for a CT–Mentee pair."""
    if pair.kind != Kind.CA_MA:
        return None
    return PlanEducator.objects.filter(pair=pair, replaced_at__isnull=True).first()


def plan_educators(pair: Pair) -> list[PlanEducator]:
    """Every educator or team the MA's plan has named, the current one first."""
    if pair.kind != Kind.CA_MA:
        return []
    return list(PlanEducator.objects.filter(pair=pair).select_related("named_by").order_by("replaced_at", "-named_at"))


def workspace(pair: Pair) -> dict:
    meetings = list(Meeting.objects.filter(pair=pair).order_by("-held_on", "-pk"))
    goals = list(
        Goal.objects.filter(pair=pair)
        .select_related("area", "plan_educator")
        .prefetch_related(Prefetch("notes", queryset=GoalNote.objects.order_by("-noted_on", "-pk")))
    )
    reports = list(ThirtyDayReport.objects.filter(pair=pair).order_by("period"))
    today = timezone.localdate()
    made = {r.period for r in reports}
    unopened = [
        UnopenedReport(pair.pk, p.number, p.start, p.end, p.due_on)
        for p in (
            schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today) if pair.started_on else []
        )
        if p.number not in made
    ]
    # made and not-yet-made reports in period order (the page reads; it never makes a draft)
    report_list = sorted([*reports, *unopened], key=lambda r: r.period)
    next_due = next((r for r in report_list if getattr(r, "unopened", False) or r.status in OPEN), None)
    return {
        "meetings": meetings,
        "goals": goals,
        "reports": reports,
        "report_list": report_list,
        "next_due": next_due,
        "overdue": [r for r in report_list if r.is_overdue(today)],
        "flags": month_flags([pair], today)[pair.pk],
        "plan_educator": plan_educator_current(pair),
    }


def overview_pairs(program_year: ProgramYear) -> QuerySet[Pair]:
    """The year's active and ended pairs with what the overview sorts on, each counted in its own
    subquery (never a meetings × reports join): meetings held, the last one, reports awaiting review.
    One query a page; the rest of a row is worked out for the page's pairs only (``overview_prepare``)."""
    held = Meeting.objects.filter(pair=OuterRef("pk"), withdrawn_at__isnull=True).order_by()
    submitted = ThirtyDayReport.objects.filter(pair=OuterRef("pk"), status=ThirtyDayReport.Status.SUBMITTED).order_by()
    return (
        Pair.objects.filter(program_year=program_year, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED])
        .select_related("coach", "mentee__program__region", "leader")
        .annotate(
            meeting_count=Coalesce(Subquery(held.values("pair").annotate(n=Count("pk")).values("n")), 0),
            last_meeting=Subquery(held.order_by("-held_on").values("held_on")[:1]),
            awaiting_review=Coalesce(Subquery(submitted.values("pair").annotate(n=Count("pk")).values("n")), 0),
        )
        .order_by("mentee__program__region__number", "coach__last_name", "pk")
    )


def overview_prepare(pairs: list[Pair], program_year: ProgramYear, today: datetime.date | None = None) -> list[Pair]:
    """Give each of these pairs (one page of the overview) its months flagged (``flags``), its overdue
    reports counted from its schedule as on My work (``overdue``: a report counts whether or not its
    draft was made) and its Mentee's participation (``participation``). A fixed number of queries."""
    today = today or timezone.localdate()
    flags = month_flags(pairs, today)
    overdue: dict[int, int] = defaultdict(int)
    for due in reports_due(pairs, today):
        if due.period.due_on < today:
            overdue[due.pair.pk] += 1
    records = participation_of([pair.mentee_id for pair in pairs], program_year)
    for pair in pairs:
        pair.flags = flags[pair.pk]
        pair.overdue = overdue[pair.pk]
        pair.participation = records[pair.mentee_id]
    return pairs


def staff_overview(program_year: ProgramYear) -> list[tuple[Pair, list]]:
    """Every pair of the year as the overview shows it, with its months flagged (for callers that
    want them all; the page itself works out one page at a time)."""
    pairs = overview_prepare(list(overview_pairs(program_year)), program_year)
    return [(pair, pair.flags) for pair in pairs]


def reports_for_year(program_year: ProgramYear, *, user) -> QuerySet[ThirtyDayReport]:
    """The year's 30-day reports the user may see, with what staff's list shows joined (one query a
    page; the list's filters are coaching/filters.py)."""
    return (
        reports_visible_to(user)
        .filter(pair__program_year=program_year)
        .select_related("pair__coach", "pair__mentee__program__region")
        .order_by("due_on", "pair__coach__last_name", "pk")
    )


def reports_awaiting_review(program_year: ProgramYear) -> QuerySet[ThirtyDayReport]:
    return (
        ThirtyDayReport.objects.filter(pair__program_year=program_year, status=ThirtyDayReport.Status.SUBMITTED)
        .select_related("pair__coach", "pair__mentee")
        .order_by("submitted_at")
    )


# --- My work: what each person has to do next, read from the data at request time -----------------
# Nothing here depends on the reminder sweep having run (or on any Reminder row): the reports due
# are worked out from each pair's schedule, so a report whose draft was never made still shows.


def role_in_pair(pair: Pair, user) -> str:
    """coach, mentee or leader: how the user belongs to a pair they may see (else staff). The pair
    comes with its coach, mentee and leader loaded."""
    if pair.coach.user_id == user.pk:
        return "coach"
    if pair.mentee.user_id == user.pk:
        return "mentee"
    if pair.leader_id and pair.leader.user_id == user.pk:
        return "leader"
    return "staff"


@dataclass
class DueItem:
    text: str
    url: str
    overdue: bool = False
    detail: str = ""


def active_pairs_of(user) -> list[Pair]:
    """The user's active pairs in any role, in one query (My work splits them by role)."""
    if not user.is_authenticated:
        return []
    return list(
        Pair.objects.filter(member_of(user))
        .filter(status=Pair.Status.ACTIVE, started_on__isnull=False)
        .select_related("coach", "mentee", "leader")
        .order_by("started_on", "pk")
    )


@dataclass
class ReportDue:
    pair: Pair
    period: schedule.Period
    report_id: int | None
    status: str  # a ThirtyDayReport status; "draft" when its row is not made yet
    review_comment: str = ""

    def url(self) -> str:
        if self.report_id:
            return reverse("coaching:report", args=[self.report_id])
        return reverse("coaching:report_for_period", args=[self.pair.pk, self.period.number])


def reports_due(pairs: list[Pair], today: datetime.date | None = None) -> list[ReportDue]:
    """Every report of these pairs the coach still has to write: its period is over (it may be
    submitted) and it is a draft, not yet made, or returned for revision. One query."""
    today = today or timezone.localdate()
    rows = {
        (r["pair_id"], r["period"]): r
        for r in ThirtyDayReport.objects.filter(pair__in=[p.pk for p in pairs])
        .order_by()  # the model's ordering (by pair) would join the pair's year and coach to sort
        .values("pk", "pair_id", "period", "status", "review_comment")
    }
    out = []
    for pair in pairs:
        if not pair.started_on:
            continue
        for period in schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today):
            row = rows.get((pair.pk, period.number))
            status = row["status"] if row else ThirtyDayReport.Status.DRAFT
            returned = status == ThirtyDayReport.Status.RETURNED
            if status not in OPEN or (period.end >= today and not returned):
                continue
            out.append(
                ReportDue(pair, period, row["pk"] if row else None, status, row["review_comment"] if row else "")
            )
    return out


def coach_due(pairs: list[Pair], today: datetime.date | None = None) -> list[DueItem]:
    """A coach's overdue, due and returned 30-day reports, and the months with no meeting or no
    leader check-in, for the given (active) pairs they coach. Two queries."""
    today = today or timezone.localdate()
    items = []
    for due in reports_due(pairs, today):
        name = due.pair.mentee.full_name
        if due.status == ThirtyDayReport.Status.RETURNED:
            items.append(
                DueItem(
                    f"Revise 30-day report {due.period.number} ({name}): returned by EEC",
                    due.url(),
                    detail=due.review_comment,
                )
            )
        elif due.period.due_on < today:
            items.append(
                DueItem(
                    f"30-day report {due.period.number} ({name}) is overdue: it was due {due.period.due_on:%B %-d}",
                    due.url(),
                    overdue=True,
                )
            )
        else:
            when = "today" if due.period.due_on == today else f"on {due.period.due_on:%B %-d}"
            items.append(DueItem(f"30-day report {due.period.number} ({name}) is due {when}", due.url()))
    flags = month_flags(pairs, today)
    for pair in pairs:
        for month, no_meeting, no_check_in in flags[pair.pk]:
            missing = " or ".join(
                what for what, flag in (("coaching meeting", no_meeting), ("leader check-in", no_check_in)) if flag
            )
            items.append(
                DueItem(
                    f"No {missing} with {pair.mentee.full_name} was logged in {month:%B %Y}",
                    reverse("coaching:meeting_new", args=[pair.pk]),
                    overdue=True,
                )
            )
    return items


def mentee_due(user) -> list[DueItem]:
    """Meetings the mentee took part in and has not confirmed (never a check-in held without them,
    never a withdrawn meeting). One query."""
    meetings = (
        Meeting.objects.awaiting_confirmation()
        .filter(pair__mentee__user=user, pair__status=Pair.Status.ACTIVE)
        .select_related("pair__coach")
        .order_by("held_on", "pk")
    )
    return [
        DueItem(
            f"Confirm the {m.get_purpose_display().lower()} with {m.pair.coach.full_name} on {m.held_on:%B %-d}",
            reverse("coaching:workspace", args=[m.pair_id]) + f"#meeting-{m.pk}",
        )
        for m in meetings
    ]


def leader_due(pairs: list[Pair], today: datetime.date | None = None) -> list[DueItem]:
    """A leader's monthly check-ins: this month's when none is logged yet, and past months without
    one. Two queries."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    checked_this_month = set(
        Meeting.objects.held()
        .filter(pair__in=[p.pk for p in pairs], held_on__gte=month_start, held_on__lte=today)
        .filter(Q(purpose=Meeting.Purpose.LEADER_CHECK_IN) | Q(leader_present=True))
        .values_list("pair_id", flat=True)
    )
    flags = month_flags(pairs, today)
    items = []
    for pair in pairs:
        who = f"{pair.coach.full_name} and {pair.mentee.full_name}"
        url = reverse("coaching:workspace", args=[pair.pk])
        if pair.pk not in checked_this_month and pair.started_on <= today:
            items.append(DueItem(f"Check-in with {who} due this month (none logged for {today:%B} yet)", url))
        for month, _, no_check_in in flags[pair.pk]:
            if no_check_in:
                items.append(DueItem(f"No check-in with {who} was logged in {month:%B %Y}", url, overdue=True))
    return items


def facilitator_due(user, program_year: ProgramYear | None, today: datetime.date | None = None) -> list[DueItem]:
    """A PLC facilitator's PLC sessions held with no attendance recorded, and their regions with no
    PLC session yet this month. Two queries."""
    from pac.models import Region

    from .models import Attendance, TrainingEvent

    if program_year is None:
        return []
    today = today or timezone.localdate()
    sessions = (
        TrainingEvent.objects.filter(
            program_year=program_year,
            kind=TrainingEvent.Kind.PLC,
            region__facilitators__user=user,
            held_on__lte=today,
        )
        .annotate(recorded=Exists(Attendance.objects.filter(event=OuterRef("pk"))))
        .filter(recorded=False)
        .select_related("region")
        .distinct()
        .order_by("held_on", "pk")
    )
    items = [
        DueItem(
            f"Record who attended {event.title} (Region {event.region.number}, {event.held_on:%B %-d})",
            reverse("coaching:attendance", args=[event.pk]),
            overdue=True,
        )
        for event in sessions
    ]
    month_start = today.replace(day=1)
    if program_year.starts_on <= today <= program_year.ends_on:
        regions = (
            Region.objects.filter(facilitators__user=user)
            .annotate(
                has_session=Exists(
                    TrainingEvent.objects.filter(
                        program_year=program_year,
                        kind=TrainingEvent.Kind.PLC,
                        region=OuterRef("pk"),
                        held_on__gte=month_start,
                        held_on__lt=(month_start + datetime.timedelta(days=32)).replace(day=1),
                    )
                )
            )
            .filter(has_session=False)
            .distinct()
            .order_by("number")
        )
        items += [
            DueItem(
                f"Add the {today:%B} PLC session for Region {region.number}: {region.name} (none yet)",
                reverse("coaching:training"),
            )
            for region in regions
        ]
    return items


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month


def overdue_periods(started_on: datetime.date | None, ended_on: datetime.date | None, today: datetime.date) -> int:
    """How many of a pair's 30-day periods are past their due date (due before today): the count of
    ``schedule.periods`` with ``due_on < today``, worked out without listing the periods."""
    if not started_on:
        return 0
    last_day = min(today, ended_on) if ended_on else today
    if last_day < started_on or today <= started_on:
        return 0
    begun = (last_day - started_on).days // schedule.PERIOD_DAYS + 1  # periods started by the last day
    past_due = ((today - started_on).days - 1) // schedule.PERIOD_DAYS  # period k is due on start + 30·k
    return max(0, min(begun, past_due))


def staff_coaching_flags(program_year: ProgramYear | None, today: datetime.date | None = None) -> dict:
    """Staff's coaching figures for the year: reports to review, overdue reports, and pairs whose last
    month had no coaching meeting or no leader check-in. Two queries whatever the number of pairs:
    each pair's closed reports and months with a meeting are counted by the database (subqueries on
    the pair's meetings and reports, by index), and the schedule's arithmetic is a few steps a pair.

    The same figures as the overview's rows (``reports_due`` and ``month_flags``): a report is overdue
    when its period's due date has passed and it is not in (submitted or acknowledged; a draft never
    made counts), a month is flagged when it has no coaching meeting or, for a pair with a leader, no
    check-in."""
    if program_year is None:
        return {}
    today = today or timezone.localdate()
    last_complete = today.replace(day=1) - datetime.timedelta(days=1)
    last_month = last_complete.replace(day=1)
    to_review = ThirtyDayReport.objects.filter(
        pair__program_year=program_year, status=ThirtyDayReport.Status.SUBMITTED
    ).count()

    held = Meeting.objects.held().filter(pair=OuterRef("pk")).order_by()
    check_in = Q(purpose=Meeting.Purpose.LEADER_CHECK_IN) | Q(leader_present=True)
    # the months the flags look at: from the pair's first month to the last complete one (or its end)
    in_window = held.annotate(month=TruncMonth("held_on", output_field=DateField())).filter(
        month__gte=OuterRef("first_month"), month__lte=OuterRef("window_end")
    )

    def months(meetings) -> Coalesce:
        counted = meetings.values("pair").annotate(n=Count("month", distinct=True)).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    last_month_held = held.filter(held_on__gte=last_month, held_on__lte=last_complete)
    closed = (
        ThirtyDayReport.objects.filter(pair=OuterRef("pk"), due_on__lt=today)
        .exclude(status__in=OPEN)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pairs = (
        Pair.objects.filter(
            program_year=program_year, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED], started_on__isnull=False
        )
        .order_by()
        .values("pk", "started_on", "ended_on", "leader_id")
        .annotate(
            first_month=TruncMonth("started_on", output_field=DateField()),
            window_end=Least(Coalesce("ended_on", Value(last_complete)), Value(last_complete)),
        )
        .annotate(
            closed=Coalesce(Subquery(closed, output_field=IntegerField()), 0),
            meeting_months=months(in_window.exclude(purpose=Meeting.Purpose.LEADER_CHECK_IN)),
            check_in_months=months(in_window.filter(check_in)),
            met_last_month=Exists(last_month_held.exclude(purpose=Meeting.Purpose.LEADER_CHECK_IN)),
            checked_in_last_month=Exists(last_month_held.filter(check_in)),
        )
    )
    overdue_reports = overdue_pairs = no_meeting = no_check_in = pairs_flagged = 0
    for row in pairs:
        overdue = overdue_periods(row["started_on"], row["ended_on"], today) - row["closed"]
        if overdue > 0:
            overdue_reports += overdue
            overdue_pairs += 1
        end = min(last_complete, row["ended_on"]) if row["ended_on"] else last_complete
        first = row["started_on"].replace(day=1)
        if first > end:
            continue  # not a complete month yet: nothing to flag
        span = _month_index(end) - _month_index(first) + 1
        has_leader = row["leader_id"] is not None
        if row["meeting_months"] < span or (has_leader and row["check_in_months"] < span):
            pairs_flagged += 1
        if first <= last_month <= end:
            no_meeting += not row["met_last_month"]
            no_check_in += has_leader and not row["checked_in_last_month"]
    return {
        "to_review": to_review,
        "overdue_reports": overdue_reports,
        "overdue_pairs": overdue_pairs,
        "last_month": last_month,
        "no_meeting": no_meeting,
        "no_check_in": no_check_in,
        "pairs_flagged": pairs_flagged,
    }


# --- a 30-day report's draft ---------------------------------------------------------------------


def report_prefill(pair: Pair, period: schedule.Period) -> dict[str, str]:
    """Start the report from the period's meetings and goal progress, so the coach edits rather
    than retypes."""
    meetings = (
        Meeting.objects.held().filter(pair=pair, held_on__gte=period.start, held_on__lte=period.end).order_by("held_on")
    )
    notes = (
        GoalNote.objects.filter(goal__pair=pair, noted_on__gte=period.start, noted_on__lte=period.end)
        .select_related("goal")
        .order_by("noted_on")
    )
    goals = Goal.objects.filter(pair=pair).exclude(status=Goal.Status.DROPPED).order_by("pk")
    actions = "\n".join(
        f"- {m.held_on:%b %-d}: {m.get_purpose_display()} ({m.get_modality_display().lower()}, "
        f"{m.duration_minutes} min{'; ' + m.duration_note.lower() if m.duration_note else ''})"
        f"{': ' + m.notes if m.notes else ''}"
        for m in meetings
    )
    progress = "\n".join(
        [f"- {g.title}: {g.get_status_display().lower()}" for g in goals]
        + [f"  · {n.noted_on:%b %-d} ({n.goal.title}): {n.text}" for n in notes]
    )
    next_steps = "\n".join(f"- {m.next_steps}" for m in meetings if m.next_steps)
    return {"actions": actions, "progress": progress, "next_steps": next_steps, "support": ""}


def report_draft_answers(report: ThirtyDayReport) -> dict[str, str]:
    """What the coach's form starts from: the saved answers or, for a draft nothing is saved in
    yet (the drafts the task opens start empty), the period's meetings and goal notes as they are
    now. Worked out on each visit and saved only when the coach saves: opening writes nothing."""
    if report.is_editable and not any((report.answers or {}).values()):
        period = schedule.Period(report.period, report.period_start, report.period_end, report.due_on)
        return report_prefill(report.pair, period)
    return report.answers
