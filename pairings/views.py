"""Pairing pages: staff's suggestion, by-hand pairing and regional targets; everyone's own pairs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from applications.models import Application, Stage
from pac import annotations
from pac.models import Person
from pac.tables import staff_list
from pac.views import program_year_for, staff_required
from pac.workflow import TransitionError

from . import selectors, services
from .filters import PairFilter
from .matching import COMPONENT_LABELS, WEIGHTS
from .models import Kind, Pair
from .permissions import pairs_visible_to
from .tables import PairTable


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or Kind.CT_MENTEE
    return kind if kind in Kind.values else Kind.CT_MENTEE


def _here(year, kind) -> str:
    return f"{reverse('pairings:suggest')}?year={year.pk}&kind={kind}"


def _run(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except TransitionError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, success)


def _application(year, pk: str | None, roles) -> Application | None:
    if not (pk or "").isdigit():
        return None
    return (
        Application.objects.filter(pk=pk, program_year=year, stage=Stage.ACCEPTED, role__in=roles)
        .select_related("applicant", "program__region")
        .first()
    )


@require_http_methods(["GET", "POST"])
@staff_required
def suggest(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    kind = _kind(request)
    coach_role, mentee_role = ("ct", "mentee") if kind == Kind.CT_MENTEE else ("ca", "ma")
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("lock", "by_hand"):
            mentee = _application(year, request.POST.get("mentee"), [mentee_role])
            coach = _application(year, request.POST.get("coach"), [coach_role])
            if mentee is None or coach is None:
                messages.error(request, "Choose an accepted mentee and coach from this year's pool.")
            else:
                _run(
                    request,
                    lambda: services.pair_propose(
                        coach_application=coach,
                        mentee_application=mentee,
                        actor=request.user,
                        relax_reason=request.POST.get("relax_reason", ""),
                    ),
                    f"Locked {coach.applicant.full_name} with {mentee.applicant.full_name}. The suggestion is run "
                    "again around it; nothing is final until you confirm.",
                )
        elif action == "unlock":
            pair_id = request.POST.get("pair", "")
            pair = get_object_or_404(Pair, pk=pair_id if pair_id.isdigit() else 0, program_year=year)
            _run(request, lambda: services.pair_discard(pair=pair, actor=request.user), "Unlocked.")
        elif action == "waive":
            person_id = request.POST.get("mentee_person", "")
            person = get_object_or_404(
                Person.objects.filter(
                    applications__program_year=year, applications__stage=Stage.ACCEPTED, applications__role=mentee_role
                ).distinct(),
                pk=person_id if person_id.isdigit() else 0,
            )
            _run(
                request,
                lambda: services.region_waive(
                    program_year=year, mentee=person, reason=request.POST.get("reason", ""), actor=request.user
                ),
                f"{person.full_name} may now be matched with a coach from another region.",
            )
        elif action == "confirm":
            confirmed, errors = 0, []
            for pk in request.POST.getlist("proposed"):
                pair = Pair.objects.filter(pk=pk if pk.isdigit() else 0, program_year=year).first()
                if pair:
                    try:
                        services.pair_confirm(pair=pair, actor=request.user)
                        confirmed += 1
                    except TransitionError as exc:
                        errors.append(exc.messages[0])
            choices = []
            for value in request.POST.getlist("suggested"):
                mentee_id, _, coach_id = value.partition(":")
                if mentee_id.isdigit() and coach_id.isdigit():
                    choices.append((int(mentee_id), int(coach_id)))
            done, more_errors = services.pairs_confirm_suggested(choices=choices, actor=request.user, program_year=year)
            confirmed += len(done)
            if confirmed:
                messages.success(
                    request,
                    f"{confirmed} pair{'s' if confirmed != 1 else ''} confirmed; the coaches, "
                    "mentees and leaders have been emailed.",
                )
            elif not errors and not more_errors:
                messages.error(request, "Select at least one pair to confirm.")
            for error in (errors + more_errors)[:10]:
                messages.warning(request, error)
        else:
            messages.error(request, "Unknown action.")
        return redirect(_here(year, kind))
    pool, suggestion = services.suggestion_for(year, kind)
    proposed = list(selectors.pairs_for_year(year, kind=kind, status=Pair.Status.PROPOSED))
    applications = pool.applications
    coach_people = [app.applicant_id for app in applications.values() if app.role in ("ct", "ca")]
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
            # each coach's six-month review decision from an earlier year (one query)
            "prior_reviews": annotations.prior_decisions(coach_people, year),
            "rows": [
                (m, applications[m.mentee.application_id], applications[m.coach.application_id])
                for m in suggestion.matches
            ],
        },
    )


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
        _run(
            request,
            lambda: services.pair_end(
                pair=pair,
                actor=request.user,
                end_kind=request.POST.get("end_kind", ""),
                reason=request.POST.get("reason", ""),
            ),
            "The pair is ended; its history is kept and the mentee can be paired again.",
        )
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
