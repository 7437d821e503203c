"""Six-month coach reviews: the list and the review page, for EEC staff and the year's Advisory
Panel members only (the coach and their mentees never see it: panel comments stay with the panel
and staff). Panel members recommend; staff decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pac.models import ProgramYear
from pac.permissions import is_eec_staff
from pac.views import staff_required
from pac.workflow import attempt

from . import coach_reviews
from .models import CoachReview, PanelRecommendation, Recommendation
from .permissions import advisory_panel_users


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, widget=forms.RadioSelect, label="Your recommendation"
    )
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Comments")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Recommendation.choices, widget=forms.RadioSelect, label="Decision")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Note",
        help_text="Required when the decision differs from the panel's majority.",
    )


def _visible(request: HttpRequest, year: ProgramYear) -> bool:
    return is_eec_staff(request.user) or advisory_panel_users(year).filter(pk=request.user.pk).exists()


@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    year_id = request.GET.get("year", "")
    year = ProgramYear.objects.filter(pk=year_id).first() if year_id.isdigit() else ProgramYear.objects.current()
    if year is None or not _visible(request, year):
        raise PermissionDenied("Coach reviews are for EEC staff and the year's Advisory Panel members.")
    return render(
        request,
        "evaluation/reviews.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "reviews": coach_reviews.reviews_visible_to(request.user, year),
            "is_staff": is_eec_staff(request.user),
        },
    )


@staff_required
@require_POST
def reviews_open_now(request: HttpRequest) -> HttpResponse:
    opened = coach_reviews.reviews_open()
    messages.success(request, f"Opened {opened} review{'s' if opened != 1 else ''} that had come due.")
    return redirect("evaluation:coach_reviews")


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        CoachReview.objects.select_related("coach__program__region", "program_year", "decided_by"), pk=pk
    )
    if not request.user.has_perm("evaluation.view_coach_review", review):
        raise Http404("No such review.")  # also the coach's own review: they are recused from it
    staff = is_eec_staff(request.user)
    can_recommend = coach_reviews.may_recommend(request.user, review)
    mine = PanelRecommendation.objects.filter(review=review, member=request.user).first()
    action = request.POST.get("action")
    recommendation_form = RecommendationForm(
        request.POST if action == "recommend" else None,
        initial={"recommendation": mine.recommendation, "comments": mine.comments} if mine else None,
    )
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    if action == "recommend":
        if not can_recommend:
            raise PermissionDenied("Only the year's Advisory Panel members recommend, until staff decide.")
        if recommendation_form.is_valid():
            with attempt(form=recommendation_form) as step:
                coach_reviews.recommendation_record(
                    review=review, member=request.user, **recommendation_form.cleaned_data
                )
            if step.ok:
                messages.success(request, "Your recommendation is saved.")
                return redirect("evaluation:coach_review", pk=review.pk)
    if action == "decide":
        if not staff:
            raise PermissionDenied("EEC staff record the decision.")
        if decision_form.is_valid():
            with attempt(form=decision_form) as step:
                coach_reviews.decision_record(review=review, actor=request.user, **decision_form.cleaned_data)
            if step.ok:
                messages.success(request, "Decision recorded.")
                return redirect("evaluation:coach_review", pk=review.pk)
    return render(
        request,
        "evaluation/review.html",
        {
            "review": review,
            "figures": coach_reviews.review_figures(review, include_free_text=staff),
            "recommendations": coach_reviews.counted_recommendations(review)
            .select_related("member")
            .order_by("submitted_at"),
            "recommendation_form": recommendation_form,
            "decision_form": decision_form,
            "can_recommend": can_recommend,
            "is_staff": staff,
            "majority": coach_reviews.majority(review),
        },
        status=400 if (recommendation_form.errors or decision_form.errors) else 200,
    )
