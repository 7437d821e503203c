"""Reviewers: the queue, the conflict declaration, scoring in the browser, the packet's files."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac.workflow import attempt

from .. import services
from ..forms import ConflictForm, ScoreForm
from ..models import Application, Committee, Recommendation, ReviewAssignment
from ..paging import page_of
from ..permissions import assignments_visible_to, review_is_blind
from ..selectors import OPEN_STATUSES, current_mou, reviewer_queue
from ..uploads import document_response


@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own reviews, 50 a page: the open work first (soonest due), then the
    submitted (latest first), then the recused; the page and the counts are one query."""
    page = page_of(
        request,
        reviewer_queue(request.user),
        open=Q(status__in=OPEN_STATUSES),
        done=Q(status=ReviewAssignment.Status.SUBMITTED),
        recused=Q(status=ReviewAssignment.Status.RECUSED),
    )
    rows = page.object_list
    return render(
        request,
        "applications/reviews.html",
        {
            "page": page,
            "counts": page.counts,
            "open": [a for a in rows if a.status in OPEN_STATUSES],
            "done": [a for a in rows if a.status == ReviewAssignment.Status.SUBMITTED],
            "recused": [a for a in rows if a.status == ReviewAssignment.Status.RECUSED],
            "committees": list(Committee.objects.filter(memberships__user=request.user).order_by("name")),
        },
    )


def _assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    return get_object_or_404(
        assignments_visible_to(request.user).select_related(
            "application__program_year", "application__program__region", "application__applicant", "rubric"
        ),
        pk=pk,
    )


def packet_context(user, application: Application) -> dict:
    """The application packet as a reviewer sees it. Blind review hides who the applicant is."""
    recommendations = list(
        application.recommendations.filter(status=Recommendation.Status.RECEIVED).order_by("received_at")
    )
    mous = list(application.mous.order_by("-created_at"))
    application._prefetched_objects_cache = {"mous": mous}
    return {
        "application": application,
        "blind": review_is_blind(user, application),
        "letters": recommendations,
        "mou": current_mou(application),
        "tags": list(application.tags.all()),
    }


def _score_forms(assignment: ReviewAssignment, data=None):
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    forms = []
    for criterion in assignment.rubric.criteria.all():
        score = scores.get(criterion.pk)
        initial = {"value": score.value, "comment": score.comment} if score else None
        forms.append(ScoreForm(data, criterion=criterion, initial=initial))
    return forms


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    application = assignment.application
    if assignment.status == ReviewAssignment.Status.RECUSED:
        return render(request, "applications/review_recused.html", {"assignment": assignment})
    if assignment.conflict_declared_at is None:
        form = ConflictForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with attempt(form=form) as step:
                services.assignment_declare_conflict(assignment=assignment, **form.cleaned_data)
            if step.ok:
                if form.cleaned_data["has_conflict"]:
                    messages.info(request, "Thank you. You are recused; another committee member will review it.")
                    return redirect("applications:reviews")
                return redirect("applications:review", pk=pk)
        return render(
            request,
            "applications/review_conflict.html",
            {"assignment": assignment, "form": form, "blind": review_is_blind(request.user, application)},
            status=400 if form.errors else 200,
        )
    context = {
        "assignment": assignment,
        "score_forms": _score_forms(assignment),
        **packet_context(request.user, application),
    }
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        others = (
            ReviewAssignment.objects.filter(
                application=application, tier=assignment.tier, status=ReviewAssignment.Status.SUBMITTED
            )
            .exclude(pk=assignment.pk)
            .select_related("reviewer")
            .prefetch_related("scores__criterion")
        )
        context["others"] = others
    return render(request, "applications/review.html", context)


@require_POST
def review_score(request: HttpRequest, pk: int, criterion_id: int) -> HttpResponse:
    """Saves one criterion as the reviewer goes; htmx swaps in the updated fragment."""
    assignment = _assignment(request, pk)
    criterion = get_object_or_404(assignment.rubric.criteria, pk=criterion_id)
    form = ScoreForm(request.POST, criterion=criterion)
    saved = False
    if form.is_valid():
        with attempt(form=form) as step:
            services.score_save(
                assignment=assignment,
                criterion=criterion,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
            )
        saved = step.ok
    if request.htmx:
        return render(
            request,
            "applications/review.html#criterion",
            {"assignment": assignment, "form": form, "saved": saved},
            status=200 if saved else 400,
        )
    if saved:
        messages.success(request, f"Saved your score for {criterion.name}.")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("applications:review", pk=pk)


@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    # a reviewer without JavaScript sends every criterion with the submit button: save them first
    with attempt(request) as step:
        for form in _score_forms(assignment, request.POST):
            prefix = f"{form.prefix}-value"
            if prefix in request.POST and form.is_valid():
                services.score_save(
                    assignment=assignment,
                    criterion=form.criterion,
                    value=form.cleaned_data["value"],
                    comment=form.cleaned_data["comment"],
                )
        services.assignment_submit(assignment=assignment, comment=request.POST.get("comment", ""))
    if not step.ok:
        return redirect("applications:review", pk=pk)
    messages.success(request, "Your review is submitted. You can now see the other reviewers' scores.")
    return redirect("applications:review", pk=pk)


@require_GET
def letter(request: HttpRequest, reference: str, pk: int):
    application = get_object_or_404(Application, reference=reference)
    if not request.user.has_perm("applications.view_letters", application):
        raise Http404("No such letter")
    recommendation = get_object_or_404(
        Recommendation, pk=pk, application=application, status=Recommendation.Status.RECEIVED
    )
    if not recommendation.letter_file:
        raise Http404("This letter was written in PAC, not uploaded")
    name = recommendation.letter_filename if not review_is_blind(request.user, application) else f"letter-{pk}"
    return document_response(recommendation.letter_file, name or f"letter-{pk}")
