"""Who sees what of the six-month coach reviews.

- EEC staff see every review, with free-text survey answers, and record the decision.
- Advisory Panel members of a program year (members of kind "advisory panel" of an active committee
  of that year) see that year's reviews and record a recommendation until staff decide. They see
  survey distributions only, never free-text answers.
- A coach under review never sees their own full review, even as a panel member: the panel's
  comments and the survey results stay with the panel and staff (respondents were promised the coach
  would not see their answers). Once staff have decided, the coach may open their review and sees
  the decision and its date only, not the decision note: the note is required exactly when staff
  depart from the panel's majority, so it would tell the coach how the panel leaned.
- Nobody else (the coach's mentees and leaders, evaluators, observers, panel members of other
  years) sees a review: for them it does not exist (404).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.permissions import is_eec_staff

from ..models import CoachReview


def panel_year_ids(user) -> frozenset[int]:
    """Ids of the program years in which the user sits on the Advisory Panel (read once per user)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_pac_review_panel_year_ids", None)
    if cached is None:
        from applications.models import CommitteeMember

        cached = frozenset(
            CommitteeMember.objects.filter(
                user=user, kind=CommitteeMember.Kind.ADVISORY_PANEL, committee__is_active=True
            ).values_list("committee__program_year_id", flat=True)
        )
        user._pac_review_panel_year_ids = cached
    return cached


@rules.predicate
def on_panel_for_review(user, review: CoachReview | None) -> bool:
    return review is not None and review.program_year_id in panel_year_ids(user)


@rules.predicate
def is_reviewed_coach(user, review: CoachReview | None) -> bool:
    return review is not None and user.is_authenticated and review.coach.user_id == user.pk


@rules.predicate
def is_decided(user, review: CoachReview | None) -> bool:
    return review is not None and bool(review.decision)


is_panel_reviewer = on_panel_for_review & ~is_reviewed_coach

rules.add_perm("evaluation.view_coach_review", is_eec_staff | is_panel_reviewer)
rules.add_perm("evaluation.recommend_coach_review", is_panel_reviewer & ~is_decided)
rules.add_perm("evaluation.decide_coach_review", is_eec_staff & ~is_decided)
rules.add_perm("evaluation.view_coach_review_free_text", is_eec_staff)
# the coach's own, decision-only view
rules.add_perm("evaluation.view_coach_review_decision", is_eec_staff | is_panel_reviewer | (is_reviewed_coach & is_decided))


def may_list_reviews(user, program_year=None) -> bool:
    """Whether the review list is for this user at all (in a year, if given)."""
    if is_eec_staff(user):
        return True
    years = panel_year_ids(user)
    return program_year.pk in years if program_year is not None else bool(years)


def reviews_visible_to(user) -> QuerySet[CoachReview]:
    """The full reviews the user may open: the queryset twin of ``view_coach_review``."""
    if is_eec_staff(user):
        return CoachReview.objects.all()
    years = panel_year_ids(user)
    if not years:
        return CoachReview.objects.none()
    return CoachReview.objects.filter(program_year_id__in=years).exclude(coach__user=user)


def decisions_visible_to(user) -> QuerySet[CoachReview]:
    """Reviews whose decision the user may see: the queryset twin of ``view_coach_review_decision``."""
    if is_eec_staff(user):
        return CoachReview.objects.all()
    if not user.is_authenticated:
        return CoachReview.objects.none()
    years = panel_year_ids(user)
    own_decided = Q(coach__user=user) & ~Q(decision="")
    return CoachReview.objects.filter((Q(program_year_id__in=years) & ~Q(coach__user=user)) | own_decided)
