"""Six-month coach reviews: the list of a year's reviews and the review page.

Both are for EEC staff and that year's Advisory Panel members (see permissions.py). Panel members
recommend on the review page; staff decide there. A coach whose review has been decided opens the
same address and sees the decision only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from applications.services import TransitionError
from pac.models import ProgramYear
from pac.permissions import is_eec_staff

from ..models import PanelRecommendation
from . import selectors, services
from .forms import DecisionForm, RecommendationForm
from .permissions import decisions_visible_to, is_panel_reviewer, may_list_reviews, panel_year_ids


def _year(request: HttpRequest) -> ProgramYear:
    """?year= when given (404 when there is no such year); else the current year for staff, and for
    a panel member the latest year they sit on the panel."""
    year_id = request.GET.get("year", "")
    if year_id:
        if not year_id.isdigit():
            raise Http404("No such program year.")
        return get_object_or_404(ProgramYear, pk=year_id)
    if not is_eec_staff(request.user):
        latest = ProgramYear.objects.filter(pk__in=panel_year_ids(request.user)).order_by("-starts_on").first()
        if latest is not None:
            return latest
    year = ProgramYear.objects.current()
    if year is None:
        raise Http404("There is no program year yet.")
    return year


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    if not may_list_reviews(request.user, year):
        raise PermissionDenied("Coach reviews are for EEC staff and the year's Advisory Panel members.")
    staff = is_eec_staff(request.user)
    years = ProgramYear.objects.all() if staff else ProgramYear.objects.filter(pk__in=panel_year_ids(request.user))
    return render(
        request,
        "evaluation/reviews/list.html",
        {
            "year": year,
            "years": list(years.order_by("-starts_on")),
            "reviews": list(selectors.reviews_for_year(user=request.user, program_year=year)),
            "is_staff": staff,
        },
    )


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        decisions_visible_to(request.user).select_related(
            "coach__program__region", "coach__user", "program_year", "decided_by"
        ),
        pk=pk,
    )
    if not request.user.has_perm("evaluation.view_coach_review", review):
        # the coach, once decided: the decision and its date, nothing the panel wrote
        if request.method == "POST":
            raise PermissionDenied("Only the Advisory Panel and EEC staff act on a review.")
        return render(request, "evaluation/reviews/decision.html", {"review": review})

    staff = is_eec_staff(request.user)
    panel = is_panel_reviewer(request.user, review)
    mine = PanelRecommendation.objects.filter(review=review, member_id=request.user.pk).first() if panel else None
    action = request.POST.get("action") if request.method == "POST" else None
    recommendation_form = RecommendationForm(
        request.POST if action == "recommend" else None,
        initial={"recommendation": mine.recommendation, "comments": mine.comments} if mine else None,
    )
    decision_form = DecisionForm(request.POST if action == "decide" else None)

    if action == "recommend":
        if not panel:
            raise PermissionDenied("Only the year's Advisory Panel members recommend.")
        if recommendation_form.is_valid():
            try:
                services.recommendation_record(review=review, member=request.user, **recommendation_form.cleaned_data)
            except TransitionError as exc:
                recommendation_form.add_error(None, exc.messages[0])
            else:
                messages.success(request, "Your recommendation is saved." if mine is None else "Your recommendation is updated.")
                return redirect("evaluation:review", pk=review.pk)
    elif action == "decide":
        if not staff:
            raise PermissionDenied("EEC staff record the decision.")
        if decision_form.is_valid():
            try:
                services.decision_record(review=review, actor=request.user, **decision_form.cleaned_data)
            except TransitionError as exc:
                decision_form.add_error(None, exc.messages[0])
            else:
                messages.success(request, f"Decision recorded: {review.get_decision_display().lower()}.")
                return redirect("evaluation:review", pk=review.pk)
    elif action is not None:
        messages.error(request, "That action is not available on this page.")
        return redirect("evaluation:review", pk=review.pk)

    recommendations = list(review.recommendations.select_related("member").order_by("submitted_at", "pk"))
    # a panel member sees the others' recommendations once they have made their own (or staff have
    # decided), so each member's view is their own
    show_recommendations = staff or mine is not None or bool(review.decision)
    return render(
        request,
        "evaluation/reviews/review.html",
        {
            "review": review,
            "figures": selectors.review_figures(review, staff_view=staff),
            "recommendations": recommendations if show_recommendations else [],
            "recommendation_count": len(recommendations),
            "show_recommendations": show_recommendations,
            "mine": mine,
            "can_recommend": panel and not review.decision,
            "can_decide": staff and not review.decision,
            "majority": services.majority(review) if staff else "",
            "recommendation_form": recommendation_form,
            "decision_form": decision_form,
            "is_staff": staff,
        },
        status=400 if (recommendation_form.errors or decision_form.errors) else 200,
    )
