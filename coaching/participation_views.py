"""Mentees' and MAs' own participation: the training recommended to them (on the pair's workspace) and
staff's page of the year's Mentees and MAs (orientation, trainings, acknowledgement, ready to pair)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pac.tables import page_records, staff_list
from pac.views import program_year_for, staff_required
from pac.workflow import attempt
from pairings import participation as confirmation
from pairings.models import Pair
from pairings.permissions import pairs_visible_to

from . import participation
from .filters import RosterFilter
from .models import TrainingRecommendation
from .participation_forms import TrainingOutcomeForm, TrainingRecommendationForm
from .tables import RosterTable


def _pair(request: HttpRequest, pk: int) -> Pair:
    """A pair the user may see (hidden is missing); the services check who may write."""
    return get_object_or_404(
        pairs_visible_to(request.user)
        .exclude(status=Pair.Status.PROPOSED)
        .select_related("coach", "mentee", "leader", "program_year"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def training_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    form = TrainingRecommendationForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            participation.training_recommend(pair=pair, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, "Training recommended; record when it is completed.")
            return redirect(f"{pair_url(pair)}#participation-h")
    return render(
        request,
        "coaching/training_recommend.html",
        {"pair": pair, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def training_outcome(request: HttpRequest, pk: int, recommendation_id: int) -> HttpResponse:
    pair = _pair(request, pk)
    recommendation = get_object_or_404(
        TrainingRecommendation.objects.select_related("goal"), pk=recommendation_id, pair=pair
    )
    initial = {
        "status": recommendation.status if not recommendation.is_open else "",
        "completed_on": recommendation.completed_on,
        "hours": recommendation.hours,
        "reason": recommendation.not_taken_reason,
    }
    form = TrainingOutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            participation.training_outcome(recommendation=recommendation, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, "Training record saved.")
            return redirect(f"{pair_url(pair)}#participation-h")
    return render(
        request,
        "coaching/training_outcome.html",
        {
            "pair": pair,
            "training": recommendation,
            "form": form,
            "history": recommendation.history.select_related("history_user").order_by("-history_date")[:20],
        },
        status=400 if form.errors else 200,
    )


def pair_url(pair: Pair) -> str:
    return reverse("coaching:workspace", args=[pair.pk])


@require_GET
@staff_required
def roster(request: HttpRequest) -> HttpResponse:
    """The year's Mentees and MAs: orientation, trainings, acknowledgement and whether their pair may be
    confirmed, fifty a page (filtered, sorted and paged in the database; only the page's rows are
    worked out in full). The same number of queries and rows for any number of people."""
    year = program_year_for(request)
    filters = RosterFilter(request.GET, queryset=participation.roster_people(year))
    table = RosterTable(
        filters.qs.order_by("role", *RosterTable.NAME),
        caption=f"Mentees and Mentee Administrators of {year} and their participation",
    )
    export = staff_list(
        request,
        table,
        export_name=f"Mentee and MA participation {year}",
        may_export=request.user.has_perm("coaching.export_participation"),
        prepare=lambda rows: participation.roster_prepare(rows, year),
    )
    if export is not None:
        return export
    return render(
        request,
        "coaching/participation.html",
        {
            "year": year,
            "filter": filters,
            "table": table,
            "rows": page_records(table),  # the page's rows (already read: no second query)
            "required": confirmation.participation_required(year),
            "text": confirmation.confidentiality_text_current(),
        },
    )
