"""Six-month coach reviews: the list and the review page, for EEC staff and the year's Advisory
Panel members only (the coach and their mentees never see it: panel comments stay with the panel
and staff). Panel members recommend; staff decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pac.models import ProgramYear
from pac.permissions import is_eec_staff
from pac.selectors import is_on_advisory_panel
from pac.tables import staff_list
from pac.views import is_id, staff_required
from pac.workflow import attempt

from . import coach_reviews, second_year
from .filters import CoachReviewFilter
from .interviews.selectors import interviews_for_review
from .models import CoachReview, PanelRecommendation, Recommendation
from .tables import CoachReviewTable, SecondYearTable


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
    return is_eec_staff(request.user) or is_on_advisory_panel(request.user, year)


@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    year_id = request.GET.get("year", "")
    year = ProgramYear.objects.filter(pk=year_id).first() if is_id(year_id) else ProgramYear.objects.current()
    if year is None or not _visible(request, year):
        raise PermissionDenied("Coach reviews are for EEC staff and the year's Advisory Panel members.")
    filters = CoachReviewFilter(request.GET, queryset=coach_reviews.reviews_visible_to(request.user, year))
    table = CoachReviewTable(filters.qs)
    export = staff_list(
        request,
        table,
        export_name=f"coach reviews {year}",
        may_export=request.user.has_perm("evaluation.export_coach_reviews"),
    )
    if export is not None:
        return export
    return render(
        request,
        "evaluation/reviews.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "filter": filters,
            "table": table,
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
    if review.decision:
        decision_form.fields["note"].help_text = "Required: say why the decision is revised."
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
                decided = coach_reviews.decision_record(review=review, actor=request.user, **decision_form.cleaned_data)
            if step.ok:
                messages.success(request, _decided_message(decided))
                return redirect("evaluation:coach_review", pk=review.pk)
    return render(
        request,
        "evaluation/review.html",
        {
            "review": review,
            "figures": coach_reviews.review_figures(review, include_free_text=staff),
            # each interview as the viewer may see it (a panel member interviewed themself sees not their record)
            "interviews": interviews_for_review(review, user=request.user),
            "recommendations": coach_reviews.counted_recommendations(review)
            .select_related("member")
            .order_by("submitted_at"),
            "recommendation_form": recommendation_form,
            "decision_form": decision_form,
            "can_recommend": can_recommend,
            "is_staff": staff,
            "majority": coach_reviews.majority(review),
            # what the decision did names the renewed MOU's signer and any reason they gave: staff only
            "progress": second_year.progress_of([review])[0] if (staff and review.decision) else None,
            "earlier_decisions": _earlier_decisions(review),
        },
        status=400 if (recommendation_form.errors or decision_form.errors) else 200,
    )


def _decided_message(review: CoachReview) -> str:
    outcome = review.outcome
    if outcome.status == outcome.Status.WAITING:
        return (
            "Decision recorded and the coach emailed. It is carried into the next program year when that year is "
            "created in PAC."
        )
    if outcome.decision == Recommendation.CONTINUE:
        return f"Decision recorded: the coach continues in {outcome.next_year}; the coach and their leader are emailed."
    return (
        f"Decision recorded: the coach's role ends on {outcome.role_ends_on:%B %-d, %Y}; the coach and their leader "
        "are emailed."
    )


def _earlier_decisions(review: CoachReview) -> list:
    """Each decision recorded before the current one (a revision keeps them in the history)."""
    if not review.decided_at:
        return []
    seen, earlier = set(), []
    for version in review.history.exclude(decided_at=None).select_related("decided_by").order_by("-history_date"):
        if version.decided_at == review.decided_at or version.decided_at in seen:
            continue
        seen.add(version.decided_at)
        earlier.append(version)
    return earlier


@require_http_methods(["GET"])
@staff_required
def second_year_list(request: HttpRequest) -> HttpResponse:
    """Staff: what each decided review of a year has done (renewals, renewed MOUs, pairing in the next
    year; roles ending), and the decisions still waiting for a program year."""
    year_id = request.GET.get("year", "")
    year = ProgramYear.objects.filter(pk=year_id).first() if is_id(year_id) else None
    year = year or _latest_year_with_decisions() or ProgramYear.objects.current()
    if year is None:
        raise Http404("No program year yet.")
    table = SecondYearTable(second_year.decided_reviews(year), caption=f"Decided six-month reviews of {year}")
    table.empty_text = f"No decided reviews in {year}."
    staff_list(request, table, export_name=f"second year {year}", may_export=False)
    # what each decision did, for the reviews of this page only
    reviews = [row.record for row in table.page.object_list]
    rows = second_year.progress_of(reviews)
    for review, progress in zip(reviews, rows, strict=True):
        review.progress = progress
    return render(
        request,
        "evaluation/second_year.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "table": table,
            "rows": rows,
            "next_year": second_year.next_year_after(year),
            "counts": second_year.staff_counts(),
        },
    )


def _latest_year_with_decisions() -> ProgramYear | None:
    """The latest year whose decisions are still being carried out (or the latest with any)."""
    return ProgramYear.objects.filter(coach_reviews__outcome__isnull=False).order_by("-starts_on").distinct().first()


@require_POST
@staff_required
def second_year_carry_out(request: HttpRequest) -> HttpResponse:
    """Staff ask PAC to carry out now the decisions waiting for a program year that exists (this
    also happens when a year is created, and every morning)."""
    carried = second_year.outcomes_carry_out(actor=request.user)
    if carried:
        messages.success(
            request, f"Carried {carried} decision{'s' if carried != 1 else ''} into the next program year."
        )
    else:
        messages.info(request, "Nothing to carry out: no decision is waiting for a program year that exists.")
    year = request.POST.get("year", "")
    return redirect(f"{reverse('evaluation:second_year')}?year={year}" if is_id(year) else "evaluation:second_year")
