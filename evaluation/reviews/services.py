"""Writes for the six-month coach review (issue 6).

- ``reviews_open`` (daily on Celery beat) opens a review for each CT and CA of the current program
  year once six months (182 days) have passed since their first pair started, and tells the year's
  Advisory Panel members and EEC staff through the outbox. Safe to run any number of times: one
  review per coach and year (a database constraint), and each email carries an outbox key.
- ``recommendation_record``: an Advisory Panel member of the review's year recommends, with
  comments, and may revise until staff decide (the history keeps every version).
- ``decision_record``: EEC staff decide, once; a note is required when the decision does not follow
  a clear panel majority. Later years' applications and pairings read the decision through
  ``selectors.prior_decisions``.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications.services import TransitionError, absolute_url
from pac.models import ProgramYear, User
from pac.permissions import is_eec_staff
from pac.roles import StaffRole
from pac.services import email_queue
from pairings.models import Kind, Pair

from ..models import CoachReview, PanelRecommendation, Recommendation
from ..permissions import advisory_panel_users

__all__ = ["REVIEW_AFTER_DAYS", "TransitionError", "decision_record", "majority", "recommendation_record", "reviews_open"]

REVIEW_AFTER_DAYS = 182  # "at six months"
STARTED = (Pair.Status.ACTIVE, Pair.Status.ENDED)  # pairs that really ran (not proposals or discarded ones)
ROLE_OF_KIND = {Kind.CT_MENTEE: "ct", Kind.CA_MA: "ca"}


# --- opening ------------------------------------------------------------------------------------


def reviews_open(*, today: datetime.date | None = None) -> int:
    """Open every review that has come due in the current program year; returns how many opened.

    A coach's review is due 182 days after their first pair of the year started (an ended pair
    counts: the coach still coached). Coaches with a review already are skipped in one query;
    ``get_or_create`` under the unique constraint settles a race with a second worker."""
    today = today or timezone.localdate()
    year = ProgramYear.objects.current(today)
    if year is None:
        return 0
    firsts = (
        Pair.objects.filter(program_year=year, status__in=STARTED, started_on__isnull=False)
        .values("coach_id", "kind")
        .annotate(first=Min("started_on"))
        .order_by("coach_id", "first")
    )
    due: dict[int, tuple[datetime.date, str]] = {}
    for row in firsts:  # a coach coaches one kind of pair; should they have both, the earliest decides
        if row["coach_id"] not in due or row["first"] < due[row["coach_id"]][0]:
            due[row["coach_id"]] = (row["first"], ROLE_OF_KIND[row["kind"]])
    cutoff = today - datetime.timedelta(days=REVIEW_AFTER_DAYS)
    existing = set(CoachReview.objects.filter(program_year=year).values_list("coach_id", flat=True))
    opened = 0
    recipients: list[User] | None = None
    for coach_id, (first, role) in sorted(due.items()):
        if first > cutoff or coach_id in existing:
            continue
        with transaction.atomic():
            review, created = CoachReview.objects.get_or_create(
                program_year=year,
                coach_id=coach_id,
                defaults={"role": role, "due_on": first + datetime.timedelta(days=REVIEW_AFTER_DAYS)},
            )
            if not created:
                continue
            if recipients is None:
                recipients = _announcement_recipients(year)
            _announce(review, recipients)
        opened += 1
    return opened


def _announcement_recipients(year: ProgramYear) -> list[User]:
    """The year's Advisory Panel members and EEC staff, each once."""
    staff = User.objects.filter(groups__name=StaffRole.EEC_STAFF, is_active=True)
    people = {u.pk: u for u in advisory_panel_users(year)}
    people.update({u.pk: u for u in staff})
    return [people[pk] for pk in sorted(people)]


def _announce(review: CoachReview, recipients: list[User]) -> None:
    link = absolute_url(reverse("evaluation:review", args=[review.pk]))
    for user in recipients:
        if user.pk == review.coach.user_id:
            continue  # a coach on the panel is not told about (or invited into) their own review
        text = render_to_string(
            "evaluation/reviews/email/opened.txt", {"review": review, "recipient": user, "link": link}
        ).strip()
        subject, _, body = text.partition("\n")
        email_queue(
            to=[user.email],
            subject=f"[PAC] {subject.strip()}",
            body_text=body.strip() + "\n",
            key=f"coach-review:{review.pk}:opened:{user.pk}",
        )


# --- recommendations and decisions ----------------------------------------------------------------


def _locked(review: CoachReview) -> CoachReview:
    return CoachReview.objects.select_for_update(of=("self",)).select_related("coach", "program_year").get(pk=review.pk)


@transaction.atomic
def recommendation_record(
    *, review: CoachReview, member: User, recommendation: str, comments: str
) -> PanelRecommendation:
    """An Advisory Panel member's recommendation; a second call revises it (until staff decide)."""
    review = _locked(review)
    if review.decision:
        raise TransitionError("Staff have already decided this review; recommendations are closed.")
    if not member.is_active or not advisory_panel_users(review.program_year).filter(pk=member.pk).exists():
        raise TransitionError(f"Only Advisory Panel members of {review.program_year} recommend on this review.")
    if review.coach.user_id == member.pk:
        raise TransitionError("A coach does not recommend on their own review.")
    if recommendation not in Recommendation.values:
        raise TransitionError("Choose whether the coach should continue for a second year.")
    if not comments.strip():
        raise TransitionError("Add comments that explain your recommendation.")
    item, _ = PanelRecommendation.objects.update_or_create(
        review=review, member=member, defaults={"recommendation": recommendation, "comments": comments.strip()}
    )
    return item


def majority(review: CoachReview) -> str:
    """The recommendation more than half of the panel made; '' when none yet or split evenly."""
    counts = Counter(review.recommendations.values_list("recommendation", flat=True))
    total = sum(counts.values())
    for value, n in counts.items():
        if n * 2 > total:
            return value
    return ""


@transaction.atomic
def decision_record(*, review: CoachReview, actor: User, decision: str, note: str = "") -> CoachReview:
    """EEC staff decide, once. A note is required when the decision is not the panel's majority,
    including when the panel is split or has not recommended."""
    review = _locked(review)
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff record the decision.")
    if review.decision:
        raise TransitionError(
            f"This review was decided on {timezone.localtime(review.decided_at):%B %-d, %Y}; the decision stands."
        )
    if decision not in Recommendation.values:
        raise TransitionError("Choose continue or do not continue.")
    leaning = majority(review)
    if not note.strip() and leaning != decision:
        reason = (
            "the panel has not recommended yet"
            if not review.recommendations.exists()
            else "the panel is split"
            if not leaning
            else "it differs from the panel's majority"
        )
        raise TransitionError(f"Explain the decision in a note: {reason}.")
    review.decision = decision
    review.decision_note = note.strip()
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    return review
