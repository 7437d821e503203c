"""A coach who sits on the Advisory Panel is recused from their own six-month review, as a Tier 2
reviewer is from a conflict: they never see it (not listed, 404), never recommend on it, are not
told it opened, and a recommendation of theirs on it never counts in the panel's majority."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from evaluation import coach_reviews
from evaluation.models import CoachReview, PanelRecommendation
from evaluation.my_work import coach_reviews_panel
from pac.models import OutboundEmail
from pac.workflow import TransitionError
from tests.coaching.factories import active_pair
from tests.factories import panel_seat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def setting(program_year, staff_user):
    """Two coaches due for review; the first also sits on the year's Advisory Panel with two others."""
    started = TODAY() - datetime.timedelta(days=190)
    own_pair = active_pair(program_year, staff_user, started_on=started)
    other_pair = active_pair(program_year, staff_user, started_on=started)
    coach_member = panel_seat(program_year, own_pair.coach.user)
    others = [panel_seat(program_year) for _ in range(2)]
    assert coach_reviews.reviews_open() == 2
    own = CoachReview.objects.get(coach=own_pair.coach)
    other = CoachReview.objects.get(coach=other_pair.coach)
    return coach_member, others, own, other


def test_the_coach_never_sees_their_own_review(client, setting, program_year):
    coach_member, others, own, other = setting
    assert not coach_member.has_perm("evaluation.view_coach_review", own)
    assert coach_member.has_perm("evaluation.view_coach_review", other)
    assert others[0].has_perm("evaluation.view_coach_review", own)
    assert list(coach_reviews.reviews_visible_to(coach_member, program_year)) == [other]
    client.force_login(coach_member)
    listing = client.get(reverse("evaluation:coach_reviews"))
    assert listing.status_code == 200 and [r.record for r in listing.context["table"].paginated_rows] == [other]
    assert client.get(reverse("evaluation:coach_review", args=[own.pk])).status_code == 404
    assert client.get(reverse("evaluation:coach_review", args=[other.pk])).status_code == 200


def test_the_coach_cannot_recommend_on_their_own_review(client, setting):
    coach_member, others, own, other = setting
    assert not coach_member.has_perm("evaluation.recommend_coach_review", own)
    assert coach_member.has_perm("evaluation.recommend_coach_review", other)
    assert not coach_reviews.may_recommend(coach_member, own)
    client.force_login(coach_member)
    url = reverse("evaluation:coach_review", args=[own.pk])
    response = client.post(url, {"action": "recommend", "recommendation": "continue", "comments": "I am great."})
    assert response.status_code == 404
    with pytest.raises(TransitionError, match="recused"):
        coach_reviews.recommendation_record(
            review=own, member=coach_member, recommendation="continue", comments="I am great."
        )
    assert not PanelRecommendation.objects.filter(review=own, member=coach_member).exists()


def test_the_coach_does_not_count_in_the_majority_of_their_own_review(setting, program_year):
    coach_member, others, own, other = setting
    coach_reviews.recommendation_record(review=own, member=others[0], recommendation="discontinue", comments="Late.")
    # a recommendation saved by the coach on their own review (as the old page allowed) does not count
    PanelRecommendation.objects.create(review=own, member=coach_member, recommendation="continue", comments="Me!")
    assert coach_reviews.majority(own) == "discontinue"
    listed = {r.pk: r for r in coach_reviews.reviews_for(program_year)}
    assert (listed[own.pk].recommended, listed[own.pk].to_continue) == (1, 0)
    assert [r.member for r in coach_reviews.counted_recommendations(own)] == [others[0]]


def test_the_coach_is_not_told_their_own_review_opened_nor_asked_for_it_in_my_work(setting):
    coach_member, others, own, other = setting
    told = {e.to[0] for e in OutboundEmail.objects.filter(key__startswith=f"coach-review-open:{own.pk}:")}
    assert coach_member.email not in told and others[0].email in told
    assert coach_member.email in {
        e.to[0] for e in OutboundEmail.objects.filter(key__startswith=f"coach-review-open:{other.pk}:")
    }
    request = RequestFactory().get("/")
    request.user = coach_member
    panel = coach_reviews_panel(request)
    assert panel is not None and [r.pk for r in panel.context["reviews"]] == [other.pk]
