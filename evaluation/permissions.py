"""Who sees what in evaluation.

- CLASS observers record observations and see the ones they made or are scheduled to make.
- A pair's coach, mentee and leader see that pair's observations and growth page.
- EEC staff see everything; evaluators see cohort analytics and de-identified exports only.
- Advisory Panel members of the year (pac.AdvisoryPanel, asked through pac.selectors) see coach
  reviews and survey distributions, never free-text answers.
Survey and review rules live beside their pages (evaluation/surveys; coach reviews in coach_reviews.py).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.models import Person
from pac.permissions import is_class_observer, is_eec_staff, is_evaluator
from pac.selectors import is_on_advisory_panel
from pairings.models import Pair
from pairings.permissions import is_pair_member

from .models import CoachReview, Observation


@rules.predicate
def is_reviewed_coach(user, review: CoachReview | None) -> bool:
    """The coach under review: recused from their own six-month review whatever else they are."""
    return review is not None and user.is_authenticated and review.coach.user_id == user.pk


@rules.predicate
def is_year_panel_member(user, review: CoachReview | None) -> bool:
    """On the Advisory Panel of the review's program year."""
    return review is not None and is_on_advisory_panel(user, review.program_year_id)


@rules.predicate
def review_undecided(user, review: CoachReview | None) -> bool:
    return review is not None and not review.decision


@rules.predicate
def observed_pair_member(user, observation: Observation | None) -> bool:
    return observation is not None and is_pair_member(user, observation.pair)


@rules.predicate
def recorded_or_made_observation(user, observation: Observation | None) -> bool:
    if observation is None or not user.is_authenticated:
        return False
    return observation.recorded_by_id == user.pk or observation.observer.user_id == user.pk


rules.add_perm("evaluation.record_observation", is_eec_staff | is_class_observer)
rules.add_perm("evaluation.view_observation", is_eec_staff | observed_pair_member | recorded_or_made_observation)
rules.add_perm("evaluation.schedule_observations", is_eec_staff)
rules.add_perm("evaluation.view_pair_growth", is_eec_staff | is_pair_member)
rules.add_perm("evaluation.view_cohort_analytics", is_eec_staff | is_evaluator)
rules.add_perm("evaluation.export_deidentified", is_eec_staff | is_evaluator)
# six-month coach reviews: staff and the year's Advisory Panel, except the coach under review
rules.add_perm("evaluation.view_coach_review", ~is_reviewed_coach & (is_eec_staff | is_year_panel_member))
# the observations and coach-review lists as CSV (the same columns as the pages): EEC staff only,
# though observers, pair members and the Advisory Panel see the pages
rules.add_perm("evaluation.export_observations", is_eec_staff)
rules.add_perm("evaluation.export_coach_reviews", is_eec_staff)
rules.add_perm("evaluation.recommend_coach_review", ~is_reviewed_coach & is_year_panel_member & review_undecided)
# the second year: staff record and revise decisions and follow what they did (evaluation/second_year.py)
rules.add_perm("evaluation.manage_second_year", is_eec_staff)


def coach_reviews_visible_to(user, program_year) -> QuerySet[CoachReview]:
    """The year's reviews the user may open (matches ``evaluation.view_coach_review``): all of them
    for staff and the year's Advisory Panel members, less the user's own review."""
    if not getattr(user, "is_authenticated", False):
        return CoachReview.objects.none()
    reviews = CoachReview.objects.filter(program_year=program_year)
    if not (is_eec_staff(user) or is_on_advisory_panel(user, program_year)):
        return reviews.none()
    return reviews.exclude(coach__user=user)


def observations_visible_to(user) -> QuerySet[Observation]:
    """Matches ``evaluation.view_observation``. Written as subqueries on the user's person, with no
    join to fan out, so the list needs no DISTINCT and pages from the index on its sort."""
    if is_eec_staff(user):
        return Observation.objects.all()
    if not user.is_authenticated:
        return Observation.objects.none()
    person = Person.objects.filter(user=user).values("pk")
    member_of = (
        Pair.objects.filter(Q(coach__in=person) | Q(mentee__in=person) | Q(leader__in=person))
        .exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])
        .values("pk")
    )
    return Observation.objects.filter(Q(pair__in=member_of) | Q(recorded_by=user) | Q(observer__in=person))


def growth_pair_for(user, pk) -> Pair | None:
    """The pair ``pk`` if ``user`` may see its growth (its members and staff; an active or ended
    pair), with what its pages and PDFs print joined; else None. The growth page, the progress
    report PDF and its document job all ask this one question."""
    from pairings.permissions import pairs_visible_to

    from .selectors import ANALYSED_STATUSES

    if not getattr(user, "is_authenticated", False):
        return None
    pair = (
        pairs_visible_to(user)
        .filter(status__in=ANALYSED_STATUSES, pk=pk)
        .select_related("coach", "leader", "mentee__program__region", "program_year")
        .first()
    )
    if pair is None or not user.has_perm("evaluation.view_pair_growth", pair):
        return None
    return pair
