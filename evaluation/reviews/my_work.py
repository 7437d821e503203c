"""My work: six-month reviews awaiting an Advisory Panel member's recommendation, and a coach's own
decided review; the "Coach reviews" navigation item for EEC staff and panel members."""

from __future__ import annotations

from django.http import HttpRequest

from pac import my_work, navigation
from pac.permissions import is_eec_staff

from ..models import CoachReview
from .permissions import panel_year_ids
from .selectors import reviews_awaiting_recommendation


@my_work.register
def reviews_awaiting_panel(request: HttpRequest) -> my_work.Panel | None:
    if not panel_year_ids(request.user):
        return None
    waiting = list(reviews_awaiting_recommendation(request.user)[:20])
    if not waiting:
        return None
    return my_work.Panel(
        title="Coach reviews awaiting your recommendation",
        template="evaluation/reviews/panels/awaiting.html",
        context={"reviews": waiting},
        order=13,
    )


@my_work.register
def own_review_panel(request: HttpRequest) -> my_work.Panel | None:
    """A coach sees their review once staff have decided it (the decision only)."""
    if getattr(request.user, "person", None) is None:
        return None
    decided = list(
        CoachReview.objects.filter(coach__user=request.user)
        .exclude(decision="")
        .select_related("program_year")
        .order_by("-program_year__starts_on")[:3]
    )
    if not decided:
        return None
    return my_work.Panel(
        title="Your six-month review",
        template="evaluation/reviews/panels/own.html",
        context={"reviews": decided},
        order=14,
    )


def _sees_reviews(request: HttpRequest) -> bool:
    return is_eec_staff(request.user) or bool(panel_year_ids(request.user))


navigation.register(navigation.NavItem("Coach reviews", "evaluation:reviews", order=54, check=_sees_reviews))
