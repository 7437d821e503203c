"""Pairing pages: staff's suggestion, by-hand pairing and regional targets; everyone's own pairs."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac import annotations
from pac.tables import staff_list
from pac.views import program_year_for, staff_required
from pac.workflow import attempt

from . import selectors, services
from .filters import PairFilter
from .forms import ConfirmForm, LockForm, PairByHandForm, UnlockForm, WaiveForm
from .matching import COMPONENT_LABELS, WEIGHTS
from .models import Kind, Pair
from .permissions import pairs_visible_to
from .tables import PairTable


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or Kind.CT_MENTEE
    return kind if kind in Kind.values else Kind.CT_MENTEE


def _here(year, kind) -> str:
    return f"{reverse('pairings:suggest')}?year={year.pk}&kind={kind}"


@require_GET
@staff_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion for a year and kind of pair, with its locked pairs; each of the page's
    forms posts to its own step below, which comes back here with its message."""
    year = program_year_for(request)
    kind = _kind(request)
    pool, suggestion = services.suggestion_for(year, kind)
    proposed = list(selectors.pairs_for_year(year, kind=kind, status=Pair.Status.PROPOSED))
    applications = pool.applications
    coach_people = [match.coach.person_id for match in suggestion.matches]  # the coaches the page names
    return render(
        request,
        "pairings/suggest.html",
        {
            "year": year,
            "kind": kind,
            "kinds": Kind,
            "suggestion": suggestion,
            "proposed": proposed,
            "applications": applications,
            "weights": [(COMPONENT_LABELS[k], int(v * 100)) for k, v in WEIGHTS.items()],
            "coaches": [c for c in pool.coaches if c.free_slots > 0],
            "mentees": pool.mentees,
            # each suggested coach's six-month review decision from an earlier year (one query)
            "prior_reviews": annotations.prior_decisions(coach_people, year),
            "rows": [
                (m, applications[m.mentee.application_id], applications[m.coach.application_id])
                for m in suggestion.matches
            ],
        },
    )


def _suggestion_step(form_class):
    """A step of the suggestion page: staff only, POST only; the posted form is bound for the
    year and kind shown, and the step always goes back to the page (a refusal as its message)."""

    def decorate(step):
        @wraps(step)
        @require_POST
        @staff_required
        def view(request: HttpRequest) -> HttpResponse:
            year, kind = program_year_for(request), _kind(request)
            form = form_class(request.POST, program_year=year, kind=kind)
            if form.is_valid():
                step(request, form)
            else:
                messages.error(request, form.first_error())
            return redirect(_here(year, form.pair_kind))

        return view

    return decorate


def _lock(request: HttpRequest, form: LockForm, relax_reason: str = "") -> None:
    mentee, coach = form.cleaned_data["mentee"], form.cleaned_data["coach"]
    with attempt(request) as step:
        services.pair_propose(
            coach_application=coach, mentee_application=mentee, actor=request.user, relax_reason=relax_reason
        )
    if step.ok:
        messages.success(
            request,
            f"Locked {coach.applicant.full_name} with {mentee.applicant.full_name}. The suggestion is run "
            "again around it; nothing is final until you confirm.",
        )


@_suggestion_step(LockForm)
def suggest_lock(request: HttpRequest, form: LockForm) -> None:
    _lock(request, form)


@_suggestion_step(PairByHandForm)
def suggest_pair_by_hand(request: HttpRequest, form: PairByHandForm) -> None:
    _lock(request, form, relax_reason=form.cleaned_data["relax_reason"])


@_suggestion_step(UnlockForm)
def suggest_unlock(request: HttpRequest, form: UnlockForm) -> None:
    with attempt(request) as step:
        services.pair_discard(pair=form.cleaned_data["pair"], actor=request.user)
    if step.ok:
        messages.success(request, "Unlocked.")


@_suggestion_step(WaiveForm)
def suggest_waive(request: HttpRequest, form: WaiveForm) -> None:
    person = form.cleaned_data["mentee_person"]
    with attempt(request) as step:
        services.region_waive(
            program_year=form.program_year, mentee=person, reason=form.cleaned_data["reason"], actor=request.user
        )
    if step.ok:
        messages.success(request, f"{person.full_name} may now be matched with a coach from another region.")


@_suggestion_step(ConfirmForm)
def suggest_confirm(request: HttpRequest, form: ConfirmForm) -> None:
    done, errors = services.pairs_confirm(
        program_year=form.program_year,
        proposed=form.cleaned_data["proposed"],
        suggested=form.cleaned_data["suggested"],
        actor=request.user,
    )
    if done:
        count = len(done)
        messages.success(
            request,
            f"{count} pair{'s' if count != 1 else ''} confirmed; the coaches, mentees and leaders have been emailed.",
        )
    for error in errors[:10]:
        messages.warning(request, error)


@require_GET
@staff_required
def targets(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    return render(request, "pairings/targets.html", {"year": year, "rows": selectors.regional_targets(year)})


@require_GET
@staff_required
def pair_list(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    filters = PairFilter(request.GET, queryset=selectors.pairs_for_year(year))
    table = PairTable(filters.qs, caption=f"Pairs of {year}")
    export = staff_list(
        request, table, export_name=f"pairs {year}", may_export=request.user.has_perm("pairings.export_pairs")
    )
    if export is not None:
        return export
    return render(request, "pairings/list.html", {"year": year, "filter": filters, "table": table})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "pairings/mine.html", {"pairs": selectors.pairs_of(request.user)})


@require_http_methods(["GET", "POST"])
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(
        pairs_visible_to(request.user).select_related(
            "coach__program__region", "mentee__program__region", "leader", "program_year"
        ),
        pk=pk,
    )
    if request.method == "POST":
        if not request.user.has_perm("pairings.manage"):
            raise PermissionDenied("Only EEC staff end pairs.")
        with attempt(request) as step:
            services.pair_end(
                pair=pair,
                actor=request.user,
                end_kind=request.POST.get("end_kind", ""),
                reason=request.POST.get("reason", ""),
            )
        if step.ok:
            messages.success(request, "The pair is ended; its history is kept and the mentee can be paired again.")
        return redirect("pairings:detail", pk=pk)
    return render(
        request,
        "pairings/detail.html",
        {
            "pair": pair,
            "breakdown": [
                (COMPONENT_LABELS.get(k, k), v, round(100 * WEIGHTS.get(k, 0) * v, 1))
                for k, v in (pair.score_breakdown or {}).items()
            ],
            "end_kinds": Pair.EndKind,
        },
    )
