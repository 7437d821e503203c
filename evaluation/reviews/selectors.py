"""Reads for the six-month coach review, each in a fixed number of queries.

- ``reviews_for_year``: the list page (decision status and recommendation counts, annotated).
- ``review_figures``: the review page's assembled figures for one coach: goals set and met, meetings
  held against the monthly expectation (and leader check-ins), 30-day reports on time, the survey
  summary and CLASS observations so far. About a dozen queries whatever the number of pairs,
  meetings, reports or answers.
- ``prior_decisions``: the latest decided review of each person from an earlier program year, for
  next year's applications and pairing pages (one query for all rows).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coaching import schedule
from coaching.models import Goal, Meeting, ThirtyDayReport
from coaching.selectors import month_flags
from pac.models import ProgramYear
from pairings.models import Pair

from ..models import (
    Answer,
    CoachReview,
    DomainResult,
    Invitation,
    Observation,
    PanelRecommendation,
    Question,
    Recommendation,
)
from .permissions import panel_year_ids, reviews_visible_to

# Below this many answers to a question the panel sees only the response rate, not the distribution:
# with one or two answers it would show how a particular Mentee or leader answered (the survey
# results pages use the same threshold). Staff always see the distribution.
PANEL_MIN_RESPONSES = 3
STARTED = (Pair.Status.ACTIVE, Pair.Status.ENDED)


# --- the list -----------------------------------------------------------------------------------


def reviews_for_year(*, user, program_year: ProgramYear) -> QuerySet[CoachReview]:
    """The year's reviews the user may open, with recommendation counts and whether the user has
    recommended; one query."""
    return (
        reviews_visible_to(user)
        .filter(program_year=program_year)
        .select_related("coach__program__region", "decided_by")
        .annotate(
            recommended=Count("recommendations"),
            to_continue=Count("recommendations", filter=Q(recommendations__recommendation=Recommendation.CONTINUE)),
            to_discontinue=Count(
                "recommendations", filter=Q(recommendations__recommendation=Recommendation.DISCONTINUE)
            ),
            mine=Exists(PanelRecommendation.objects.filter(review=OuterRef("pk"), member_id=user.pk)),
        )
        .order_by("decision", "due_on", "coach__last_name", "coach__first_name", "pk")
    )


def reviews_awaiting_recommendation(user) -> QuerySet[CoachReview]:
    """Undecided reviews of the years the user sits on the panel, which they have not recommended on
    (never their own review)."""
    years = panel_year_ids(user)
    if not years:
        return CoachReview.objects.none()
    return (
        CoachReview.objects.filter(program_year_id__in=years, decision="")
        .exclude(coach__user=user)
        .exclude(recommendations__member=user)
        .select_related("coach", "program_year")
        .order_by("due_on", "pk")
    )


def prior_decisions(person_ids: Iterable[int], before_year: ProgramYear) -> dict[int, CoachReview]:
    """{person id: their latest decided six-month review from a program year that started before
    ``before_year``}, in one query whatever the number of people."""
    ids = list(person_ids)
    if not ids:
        return {}
    found: dict[int, CoachReview] = {}
    for review in (
        CoachReview.objects.filter(coach_id__in=ids, program_year__starts_on__lt=before_year.starts_on)
        .exclude(decision="")
        .select_related("program_year")
        .order_by("coach_id", "-program_year__starts_on")
    ):
        found.setdefault(review.coach_id, review)
    return found


# --- the review page -------------------------------------------------------------------------------


def _month_count(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from start's month to end's month, inclusive (0 when end is before start's month)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return max(0, months)


@dataclass(frozen=True)
class PairFigures:
    pair: Pair
    months_expected: int  # completed calendar months of the pair so far: one coaching meeting each
    months_met: int
    meetings: int  # coaching meetings logged (leader check-ins not counted)
    check_in_months_expected: int  # the same months, where the pair has a leader
    check_in_months_met: int
    check_ins: int  # meetings with the leader (check-ins, or meetings the leader took part in)


@dataclass(frozen=True)
class ReportFigures:
    due: int  # periods whose due date has passed, or whose report is in
    submitted: int
    on_time: int
    late: int
    days_late: int  # total days late over the late reports

    @property
    def missing(self) -> int:
        return self.due - self.submitted

    @property
    def mean_days_late(self) -> float | None:
        return self.days_late / self.late if self.late else None


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    n: int
    counts: list[tuple[str, int]]  # (label, count) for 1–5, or for each option of a single choice
    mean: float | None  # agreement questions: the mean of 1–5
    hidden: bool  # too few answers to show the panel the distribution


@dataclass(frozen=True)
class SurveySummary:
    rounds: int
    invited: int
    answered: int
    questions: list[QuestionSummary]
    free_text: list[tuple[str, str, str]] = field(default_factory=list)  # (question, audience, text): staff only

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


@dataclass(frozen=True)
class ReviewFigures:
    as_of: datetime.date
    pairs: list[PairFigures]
    goals_set: int
    goals_met: int
    goals_dropped: int
    reports: ReportFigures
    survey: SurveySummary
    observations: list[Observation]

    @property
    def months_expected(self) -> int:
        return sum(p.months_expected for p in self.pairs)

    @property
    def months_met(self) -> int:
        return sum(p.months_met for p in self.pairs)

    @property
    def meetings(self) -> int:
        return sum(p.meetings for p in self.pairs)

    @property
    def check_in_months_expected(self) -> int:
        return sum(p.check_in_months_expected for p in self.pairs)

    @property
    def check_in_months_met(self) -> int:
        return sum(p.check_in_months_met for p in self.pairs)

    @property
    def check_ins(self) -> int:
        return sum(p.check_ins for p in self.pairs)


def review_figures(review: CoachReview, *, staff_view: bool, today: datetime.date | None = None) -> ReviewFigures:
    """The coach's figures in the review's program year, up to today (an ended pair up to its end).

    ``staff_view`` adds free-text survey answers and shows every distribution; the panel's view has
    neither free text nor distributions of fewer than PANEL_MIN_RESPONSES answers."""
    today = today or timezone.localdate()
    pairs = list(
        Pair.objects.filter(program_year_id=review.program_year_id, coach_id=review.coach_id, status__in=STARTED)
        .exclude(started_on__isnull=True)
        .select_related("mentee", "leader")
        .order_by("started_on", "pk")
    )
    pair_ids = [p.pk for p in pairs]
    return ReviewFigures(
        as_of=today,
        pairs=_pair_figures(pairs, today),
        **_goal_figures(pair_ids),
        reports=_report_figures(pairs, today),
        survey=_survey_summary(review, staff_view=staff_view),
        observations=list(
            Observation.objects.filter(pair_id__in=pair_ids)
            .select_related("instrument", "pair__mentee")
            .prefetch_related(
                Prefetch(
                    "domain_results", queryset=DomainResult.objects.select_related("domain").order_by("domain__order")
                )
            )
            .order_by("pair__started_on", "pair_id", "observed_on", "pk")
        ),
    )


def _pair_figures(pairs: list[Pair], today: datetime.date) -> list[PairFigures]:
    """Meetings against the monthly expectation, as the coaching overview counts them: each completed
    calendar month from the pair's start (to its end) should have a coaching meeting and, where the
    pair has a leader, a leader check-in. The month under way counts once it is over. Two queries."""
    flags = month_flags(pairs, today)  # one query: the completed months missing a meeting or check-in
    counts = {
        row["pair_id"]: row
        for row in Meeting.objects.filter(pair_id__in=[p.pk for p in pairs])
        .values("pair_id")
        .annotate(
            meetings=Count("pk", filter=~Q(purpose=Meeting.Purpose.LEADER_CHECK_IN)),
            check_ins=Count("pk", filter=Q(purpose=Meeting.Purpose.LEADER_CHECK_IN) | Q(leader_present=True)),
        )
        .order_by()
    }
    last_complete = today.replace(day=1) - datetime.timedelta(days=1)
    out = []
    for pair in pairs:
        end = min(last_complete, pair.ended_on) if pair.ended_on else last_complete
        expected = _month_count(pair.started_on, end)
        no_meeting = sum(1 for _, missing_meeting, _ in flags[pair.pk] if missing_meeting)
        no_check_in = sum(1 for _, _, missing_check_in in flags[pair.pk] if missing_check_in)
        row = counts.get(pair.pk, {"meetings": 0, "check_ins": 0})
        out.append(
            PairFigures(
                pair=pair,
                months_expected=expected,
                months_met=expected - no_meeting,
                meetings=row["meetings"],
                check_in_months_expected=expected if pair.leader_id else 0,
                check_in_months_met=expected - no_check_in if pair.leader_id else 0,
                check_ins=row["check_ins"],
            )
        )
    return out


def _goal_figures(pair_ids: list[int]) -> dict[str, int]:
    counts = Goal.objects.filter(pair_id__in=pair_ids).aggregate(
        goals_set=Count("pk", filter=~Q(status=Goal.Status.DROPPED)),
        goals_met=Count("pk", filter=Q(status=Goal.Status.MET)),
        goals_dropped=Count("pk", filter=Q(status=Goal.Status.DROPPED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def _report_figures(pairs: list[Pair], today: datetime.date) -> ReportFigures:
    """Every 30-day period of each pair whose due date has passed (or whose report is already in),
    from the schedule itself: a period the daily sweep has not made a draft for yet still counts as
    not submitted. One query."""
    rows = {
        (r["pair_id"], r["period"]): r
        for r in ThirtyDayReport.objects.filter(pair_id__in=[p.pk for p in pairs]).values(
            "pair_id", "period", "submitted_at", "was_late"
        )
    }
    due = submitted = on_time = late = days_late = 0
    for pair in pairs:
        for period in schedule.periods(started_on=pair.started_on, ended_on=pair.ended_on, until=today):
            row = rows.get((pair.pk, period.number))
            is_in = bool(row and row["submitted_at"])
            if period.due_on >= today and not is_in:
                continue  # not due yet
            due += 1
            if not is_in:
                continue
            submitted += 1
            if row["was_late"]:
                late += 1
                days_late += max(0, (timezone.localdate(row["submitted_at"]) - period.due_on).days)
            else:
                on_time += 1
    return ReportFigures(due=due, submitted=submitted, on_time=on_time, late=late, days_late=days_late)


def _survey_summary(review: CoachReview, *, staff_view: bool) -> SurveySummary:
    """Closed answers aggregated in the database, per question across the coach's rounds of the year;
    four queries (five with free text)."""
    mine = Q(round__coach_id=review.coach_id, round__program_year_id=review.program_year_id)
    rates = Invitation.objects.filter(mine).aggregate(
        rounds=Count("round", distinct=True),
        invited=Count("pk"),
        answered=Count("pk", filter=Q(response__isnull=False)),
    )
    answers = Answer.objects.filter(
        response__invitation__round__coach_id=review.coach_id,
        response__invitation__round__program_year_id=review.program_year_id,
    )
    tallies: dict[int, Counter] = defaultdict(Counter)
    for row in (
        answers.exclude(question__kind=Question.Kind.TEXT)
        .values("question_id", "agreement", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        value = row["agreement"] if row["agreement"] is not None else row["choice"]
        if value not in (None, ""):
            tallies[row["question_id"]][value] += row["n"]
    questions = Question.objects.filter(pk__in=list(tallies)).select_related("survey").order_by("survey__name", "order", "pk")
    summaries = []
    for question in questions:
        tally = tallies[question.pk]
        n = sum(tally.values())
        if question.kind == Question.Kind.AGREEMENT:
            counts = [(f"{v} · {Question.AGREEMENT_LABELS[v]}", tally.get(v, 0)) for v in range(1, 6)]
            mean = sum(v * c for v, c in tally.items()) / n if n else None
        else:
            options = question.choice_list
            counts = [(option, tally.get(option, 0)) for option in options]
            counts += [(value, c) for value, c in sorted(tally.items()) if value not in options]  # an old option
            mean = None
        summaries.append(
            QuestionSummary(
                question=question, n=n, counts=counts, mean=mean, hidden=not staff_view and n < PANEL_MIN_RESPONSES
            )
        )
    free_text = []
    if staff_view:
        free_text = [
            (a.question.text, a.response.invitation.get_audience_display(), a.text)
            for a in answers.filter(question__kind=Question.Kind.TEXT)
            .exclude(text="")
            .select_related("question", "response__invitation")
            .order_by("question__order", "question_id", "response__submitted_at", "pk")
        ]
    return SurveySummary(
        rounds=rates["rounds"] or 0,
        invited=rates["invited"] or 0,
        answered=rates["answered"] or 0,
        questions=summaries,
        free_text=free_text,
    )
