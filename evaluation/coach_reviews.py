"""The six-month coach review (issue 6): a CT or CA continues into a second year only after a
favourable evaluation.

- ``reviews_open`` (daily on Celery beat) opens a review for each coach six months (182 days)
  after their first pair of the year started, once, and tells the year's Advisory Panel members
  and EEC staff through the outbox.
- ``review_figures`` assembles the page: goals set and met, meetings held against the monthly
  expectation, 30-day reports on time, survey results and CLASS observations so far, in a fixed
  number of queries.
- Advisory Panel members of the year record a recommendation with comments (and may revise it
  until staff decide); staff record the decision, which later years' applications and pairings see
  through ``prior_decisions``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from coaching.models import Goal, Meeting, ThirtyDayReport
from pac import annotations
from pac.links import absolute_url
from pac.models import ProgramYear, User
from pac.permissions import is_eec_staff
from pac.roles import StaffRole
from pac.selectors import advisory_panel_users
from pac.services import email_queue
from pac.workflow import TransitionError
from pairings.models import Kind, Pair

from . import second_year
from .models import Answer, CoachReview, DomainResult, Invitation, Observation, PanelRecommendation, Question
from .models import Recommendation as Choice
from .permissions import coach_reviews_visible_to

REVIEW_AFTER_DAYS = 182
LIVE = (Pair.Status.ACTIVE, Pair.Status.ENDED)


# --- opening reviews --------------------------------------------------------------------------


def reviews_open(today: datetime.date | None = None) -> int:
    """Open the reviews that are due (idempotent: one review per coach and year). Returns how many
    were opened."""
    today = today or timezone.localdate()
    year = ProgramYear.objects.current(today)
    if year is None:
        return 0
    due = (
        Pair.objects.filter(program_year=year, status__in=LIVE, started_on__isnull=False)
        .values("coach_id")
        .annotate(first=Min("started_on"), ca=Count("pk", filter=Q(kind=Kind.CA_MA)))
        .filter(first__lte=today - datetime.timedelta(days=REVIEW_AFTER_DAYS))
        .order_by("coach_id")
    )
    existing = set(CoachReview.objects.filter(program_year=year).values_list("coach_id", flat=True))
    opened = 0
    for row in due:
        if row["coach_id"] in existing:
            continue
        with transaction.atomic():
            review, created = CoachReview.objects.get_or_create(
                program_year=year,
                coach_id=row["coach_id"],
                defaults={
                    "role": "ca" if row["ca"] else "ct",
                    "due_on": row["first"] + datetime.timedelta(days=REVIEW_AFTER_DAYS),
                },
            )
            if created:
                _announce(review)
                opened += 1
    return opened


def _announce(review: CoachReview) -> None:
    url = absolute_url(reverse("evaluation:coach_review", args=[review.pk]))
    staff = User.objects.filter(groups__name=StaffRole.EEC_STAFF, is_active=True)
    recipients = {u.pk: u for u in list(advisory_panel_users(review.program_year)) + list(staff)}
    recipients.pop(review.coach.user_id, None)  # the coach is recused from their own review
    for user in recipients.values():
        email_queue(
            to=[user.email],
            subject=f"PAC six-month review: {review.coach.full_name}",
            body_text=(
                f"The six-month review of {review.coach.full_name} ({review.get_role_display()}, "
                f"{review.program_year}) is open.\n\nSee the coach's goals, meetings, reports, survey results "
                f"and observations, and record your recommendation:\n{url}\n"
            ),
            key=f"coach-review-open:{review.pk}:{user.pk}",
        )


# --- recommendations and decisions ---------------------------------------------------------------


def may_recommend(user, review: CoachReview) -> bool:
    return user.is_authenticated and user.has_perm("evaluation.recommend_coach_review", review)


# A panel member's recommendation on their own review (possible before recusal was enforced) never
# counts: the same rule seen from the recommendation (here) and from the review (``_recommendations``).
def counted_recommendations(review: CoachReview) -> QuerySet[PanelRecommendation]:
    return PanelRecommendation.objects.filter(review=review).exclude(member=F("review__coach__user"))


@transaction.atomic
def recommendation_record(
    *, review: CoachReview, member: User, recommendation: str, comments: str
) -> PanelRecommendation:
    review = CoachReview.objects.select_for_update().get(pk=review.pk)
    if review.decision:
        raise TransitionError("Staff have already decided this review; recommendations are closed.")
    if not advisory_panel_users(review.program_year).filter(pk=member.pk).exists():
        raise TransitionError("Only Advisory Panel members of this program year recommend.")
    if review.coach.user_id == member.pk:
        raise TransitionError("You are recused from your own six-month review.")
    if recommendation not in Choice.values:
        raise TransitionError("Choose whether the coach should continue.")
    if not comments.strip():
        raise TransitionError("Add comments that explain the recommendation.")
    item, _ = PanelRecommendation.objects.update_or_create(
        review=review, member=member, defaults={"recommendation": recommendation, "comments": comments.strip()}
    )
    return item


def majority(review: CoachReview) -> str:
    counts = Counter(counted_recommendations(review).values_list("recommendation", flat=True))
    if not counts or counts[Choice.CONTINUE] == counts[Choice.DISCONTINUE]:
        return ""
    return counts.most_common(1)[0][0]


@transaction.atomic
def decision_record(*, review: CoachReview, actor: User, decision: str, note: str = "") -> CoachReview:
    review = CoachReview.objects.select_for_update().get(pk=review.pk)
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff record the decision.")
    if decision not in Choice.values:
        raise TransitionError("Choose continue or do not continue.")
    if review.decision and not note.strip():
        raise TransitionError("Say in the note why the decision is revised.")
    leaning = majority(review)
    if not note.strip() and (not leaning or leaning != decision):
        raise TransitionError(
            "Explain the decision in a note: it differs from the panel's majority, or the panel is split or has "
            "not recommended."
        )
    review.decision, review.decision_note = decision, note.strip()
    review.decided_by, review.decided_at = actor, timezone.now()
    review.save()
    # the decision is carried out at once: the next year's renewal and renewed MOU, or the notice
    # and the pairs' end; a revision first undoes the earlier decision's (evaluation/second_year.py)
    second_year.decision_carry_out(review=review, actor=actor)
    return review


# --- reading -----------------------------------------------------------------------------------


def _recommendations(**conditions) -> Coalesce:
    """A count of each review's counted recommendations (a panel member's own review's never count),
    as a subquery: worked out for the page's rows, not grouped over the whole year's joins."""
    counted = (
        PanelRecommendation.objects.filter(review=OuterRef("pk"), **conditions)
        # a coach without an account has no recommendation of their own to leave out
        .exclude(member_id=Coalesce(OuterRef("coach__user_id"), Value(0)))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _listed(reviews: QuerySet[CoachReview]) -> QuerySet[CoachReview]:
    return (
        reviews.select_related("coach__program__region", "decided_by")
        .annotate(
            recommended=_recommendations(),
            to_continue=_recommendations(recommendation=Choice.CONTINUE),
        )
        .order_by("due_on", "coach__last_name", "pk")
    )


def reviews_for(year: ProgramYear) -> QuerySet[CoachReview]:
    return _listed(CoachReview.objects.filter(program_year=year))


def reviews_visible_to(user, year: ProgramYear) -> QuerySet[CoachReview]:
    """The list page's reviews: staff's and the panel's, never the user's own (recusal)."""
    return _listed(coach_reviews_visible_to(user, year))


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of the calendar months from start's month to end's month, inclusive."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


@dataclass
class PairFigures:
    pair: Pair
    months_expected: int
    months_met: int
    meetings: int
    leader_check_ins: int


@dataclass
class QuestionSummary:
    question: Question
    n: int
    counts: list[tuple[str, int]]
    mean: float | None = None


@dataclass
class ReviewFigures:
    pairs: list[PairFigures]
    goals_set: int
    goals_met: int
    reports_due: int
    reports_on_time: int
    reports_late: int
    reports_missing: int
    invited: int
    answered: int
    questions: list[QuestionSummary]
    free_text: list[tuple[str, str, str]] = field(default_factory=list)  # (question, audience, text)
    observations: list[Observation] = field(default_factory=list)
    # the clips the coach's mentees shared and the coach's feedback turnaround (evidence provides them)
    clips: object | None = None

    @property
    def months_expected(self) -> int:
        return sum(p.months_expected for p in self.pairs)

    @property
    def months_met(self) -> int:
        return sum(p.months_met for p in self.pairs)

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def review_figures(review: CoachReview, *, include_free_text: bool, today: datetime.date | None = None):
    today = today or timezone.localdate()
    pairs = list(
        Pair.objects.filter(program_year=review.program_year, coach=review.coach, status__in=LIVE)
        .select_related("mentee__program")
        .order_by("started_on", "pk")
    )
    meeting_months: dict[int, set] = {}
    meetings, check_ins = Counter(), Counter()
    for pair_id, held_on, purpose in (
        Meeting.objects.held().filter(pair__in=pairs).values_list("pair_id", "held_on", "purpose")
    ):
        if purpose == Meeting.Purpose.LEADER_CHECK_IN:
            check_ins[pair_id] += 1
        else:
            meetings[pair_id] += 1
            meeting_months.setdefault(pair_id, set()).add(held_on.replace(day=1))
    pair_rows = []
    for pair in pairs:
        if not pair.started_on:
            continue
        end = min(today, pair.ended_on or today)
        expected = months_between(pair.started_on, end)
        met = len(meeting_months.get(pair.pk, set()) & set(expected))
        pair_rows.append(PairFigures(pair, len(expected), met, meetings[pair.pk], check_ins[pair.pk]))
    goals = Goal.objects.filter(pair__in=pairs).aggregate(
        total=Count("pk", filter=~Q(status=Goal.Status.DROPPED)), met=Count("pk", filter=Q(status=Goal.Status.MET))
    )
    submitted = Q(submitted_at__isnull=False)
    reports = ThirtyDayReport.objects.filter(pair__in=pairs, due_on__lt=today).aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=submitted & Q(was_late=False)),
        late=Count("pk", filter=submitted & Q(was_late=True)),
        missing=Count("pk", filter=~submitted),
    )
    invitations = Invitation.objects.filter(round__coach=review.coach, round__program_year=review.program_year)
    rates = invitations.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(response__isnull=False)))
    answers = Answer.objects.filter(
        response__invitation__round__coach=review.coach, response__invitation__round__program_year=review.program_year
    )
    closed = (
        answers.exclude(question__kind=Question.Kind.TEXT)
        .values("question_id", "agreement", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=answers.values("question_id").distinct()).order_by("survey_id", "order")
    }
    tallies: dict[int, Counter] = {}
    for row in closed:
        value = row["agreement"] if row["agreement"] is not None else row["choice"]
        tallies.setdefault(row["question_id"], Counter())[value] += row["n"]
    summaries = []
    for question in questions.values():
        if question.kind == Question.Kind.TEXT:
            continue
        tally = tallies.get(question.pk, Counter())
        n = sum(tally.values())
        if question.kind == Question.Kind.AGREEMENT:
            counts = [(Question.AGREEMENT_LABELS[v], tally.get(v, 0)) for v in range(1, 6)]
            mean = sum(v * c for v, c in tally.items()) / n if n else None
        else:
            counts = [(choice, tally.get(choice, 0)) for choice in question.choice_list]
            mean = None
        summaries.append(QuestionSummary(question, n, counts, mean))
    free_text = []
    if include_free_text:
        free_text = [
            (a.question.text, a.response.invitation.get_audience_display(), a.text)
            for a in answers.filter(question__kind=Question.Kind.TEXT)
            .exclude(text="")
            .select_related("question", "response__invitation")
            .order_by("question__order", "pk")
        ]
    observations = list(
        Observation.objects.filter(pair__in=pairs)
        .select_related("instrument", "pair__mentee")
        .prefetch_related(Prefetch("domain_results", queryset=DomainResult.objects.select_related("domain")))
        .order_by("pair_id", "observed_on")
    )
    return ReviewFigures(
        pairs=pair_rows,
        goals_set=goals["total"],
        goals_met=goals["met"],
        reports_due=reports["due"],
        reports_on_time=reports["on_time"],
        reports_late=reports["late"],
        reports_missing=reports["missing"],
        invited=rates["invited"],
        answered=rates["answered"],
        questions=summaries,
        free_text=free_text,
        observations=observations,
        clips=annotations.coach_clip_figures(review.coach_id, review.program_year_id),
    )


def prior_decisions(person_ids, before: ProgramYear) -> dict[int, CoachReview]:
    """{person id: their latest decided six-month review from an earlier program year}, in one query."""
    found: dict[int, CoachReview] = {}
    for review in (
        CoachReview.objects.filter(coach_id__in=list(person_ids), program_year__starts_on__lt=before.starts_on)
        .exclude(decision="")
        .select_related("program_year")
        .order_by("coach_id", "-program_year__starts_on")
    ):
        found.setdefault(review.coach_id, review)
    return found
