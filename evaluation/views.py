"""Observation entry (CLASS observers and staff), scheduling (staff), and growth analytics
(per pair for its members and staff; per cohort for staff and evaluators)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from coaching.selectors import plan_educator_current
from pac.models import ProgramYear
from pac.permissions import is_eec_staff
from pac.signed_in import sessionless
from pac.tables import configure, staff_list
from pac.views import is_id, program_year_for, staff_required
from pac.workflow import attempt
from pairings.models import Pair

from . import chart_cache, selectors, services
from .filters import ObservationFilter, ScheduleFilter
from .forms import (
    MAX_CYCLES,
    BulkScheduleForm,
    CohortFilterForm,
    ObservationForm,
    ObservationSetupForm,
    PrePostCycleForm,
    ScheduleForm,
    observers,
    offer,
)
from .models import Dimension, Instrument, Observation, ScheduledObservation
from .permissions import growth_pair_for
from .selectors import ANALYSED_STATUSES
from .stats import MIN_N
from .tables import ObservationTable, ScheduleTable

ASSIGNMENTS_PER_PAGE = 20
ASSIGNMENTS_PAGE = "due_page"  # the observations table pages with ?page=


def _person(request: HttpRequest):
    return getattr(request.user, "person", None)


def _recordable_pairs(request: HttpRequest) -> QuerySet[Pair]:
    """Staff may record for any pair of the year; an observer only for pairs staff scheduled them to observe."""
    if not request.user.has_perm("evaluation.record_observation"):
        raise PermissionDenied("Only CLASS observers and EEC staff record observations.")
    pairs = Pair.objects.filter(status__in=ANALYSED_STATUSES).select_related(
        "mentee__program__region", "coach", "program_year"
    )
    if is_eec_staff(request.user):
        return pairs.filter(program_year=program_year_for(request))
    person = _person(request)
    if person is None:
        return pairs.none()
    return pairs.filter(scheduled_observations__observer=person).distinct()


# --- observers --------------------------------------------------------------------------------


@require_GET
def observation_list(request: HttpRequest) -> HttpResponse:
    """An observer's assignments and the observations they may see; staff see every observation,
    filter and sort them, and download them as CSV."""
    can_record = request.user.has_perm("evaluation.record_observation")
    person = _person(request)
    assignments, assignments_page = [], None
    if person is not None and can_record:
        # an observer's assignments, soonest due first, a page at a time (its own page number)
        paginator = Paginator(
            selectors.with_plan_educators(selectors.observer_assignments(person)), ASSIGNMENTS_PER_PAGE
        )
        assignments_page = paginator.get_page(request.GET.get(ASSIGNMENTS_PAGE))
        assignments = selectors.with_small_tables(list(assignments_page.object_list))
    filters = ObservationFilter(request.GET, queryset=selectors.observations_listed(request.user))
    table = ObservationTable(filters.qs)
    export = staff_list(
        request,
        table,
        export_name="observations",
        may_export=request.user.has_perm("evaluation.export_observations"),
        prepare=selectors.listed_prepare,
    )
    if export is not None:
        return export
    return render(
        request,
        "evaluation/observations.html",
        {
            "assignments": assignments,
            "assignments_page": assignments_page,
            "filter": filters,
            "table": table,
            "can_record": can_record,
        },
    )


def _recordable_pair(request: HttpRequest, pk: int) -> Pair:
    return get_object_or_404(_recordable_pairs(request), pk=pk)


def _record_url(pair_id: int, time_point: str, cycles: int | None = None) -> str:
    url = reverse("evaluation:observation_record", args=[pair_id, time_point])
    return f"{url}?{urlencode({'cycles': cycles})}" if cycles else url


@require_GET
def observation_new(request: HttpRequest) -> HttpResponse:
    """Step one: whose classroom, which time point, how many cycles (a GET form), then on to the
    scores. A scheduled observation (``?schedule=``, from My work) goes straight to its scores."""
    pairs = _recordable_pairs(request)
    schedule_id = request.GET.get("schedule", "")
    if schedule_id:
        if not is_id(schedule_id):
            raise Http404("No such scheduled observation.")
        schedule = get_object_or_404(ScheduledObservation.objects.filter(pair__in=pairs), pk=schedule_id)
        return redirect(_record_url(schedule.pair_id, schedule.time_point))
    setup = ObservationSetupForm(request.GET if "pair" in request.GET else None, initial={"cycles": 4}, pairs=pairs)
    if setup.is_bound and setup.is_valid() and not request.GET.get("edit"):
        data = setup.cleaned_data
        return redirect(_record_url(data["pair"].pk, data["time_point"], data["cycles"]))
    return render(
        request,
        "evaluation/observation_setup.html",
        {"setup": setup},
        status=400 if setup.is_bound and setup.errors else 200,
    )


def _cycle_count(request: HttpRequest, cycle) -> int:
    """The number of CLASS cycles from the query string (the setup form's choice): four unless a
    whole number from 1 to 6 is given; a mixed-age room needs one cycle on each of its tools."""
    raw = request.GET.get("cycles", "")
    count = int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_CYCLES else 4
    return max(count, len(cycle.instruments()))


@require_http_methods(["GET", "POST"])
def observation_record(request: HttpRequest, pk: int, time_point: str) -> HttpResponse:
    """Step two: the visit's date and every cycle's scores, on the tools of the pair's pre/post cycle.
    A pair with no tool chosen yet is asked for it first (``pre_post_cycle``)."""
    pair = _recordable_pair(request, pk)
    if time_point not in Observation.TimePoint.values:
        raise Http404("No such time point.")
    cycle = selectors.pre_post_cycle_of(pair)
    if cycle is None:
        return _cycle_page(
            request, pair, PrePostCycleForm(initial=_default_tools(pair)), next_url=request.get_full_path()
        )
    schedule = pair.scheduled_observations.filter(time_point=time_point).select_related("observer").first()
    own_person = None if is_eec_staff(request.user) else _person(request)
    plan_educator = plan_educator_current(pair)
    form = ObservationForm(
        request.POST if request.method == "POST" else None,
        cycle=cycle,
        cycles=_cycle_count(request, cycle),
        observer=own_person,
        initial={
            "classroom": (schedule.classroom if schedule else "") or (plan_educator.classroom if plan_educator else ""),
            "observer": schedule.observer_id if schedule else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            observation = services.observation_record(
                pair=pair,
                observee=pair.mentee,
                time_point=time_point,
                observed_on=form.cleaned_data["observed_on"],
                observer=own_person or form.cleaned_data["observer"],
                recorded_by=request.user,
                cycles=form.cycles(),
                classroom=form.cleaned_data["classroom"],
            )
        if step.ok:
            also = f" Its {cycle.second_instrument.name} cycles are saved beside it." if cycle.is_mixed_age else ""
            messages.success(request, f"Observation saved: {observation}.{also}")
            return redirect("evaluation:observation", pk=observation.pk)
    return render(
        request,
        "evaluation/observation_form.html",
        {
            "pair": pair,
            "cycle": cycle,
            "form": form,
            "schedule": schedule,
            "plan_educator": plan_educator,
            "time_point": time_point,
            "time_point_label": dict(Observation.TimePoint.choices)[time_point],
            "observed": pair.observations.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _default_tools(pair: Pair) -> dict:
    first, second = selectors.pair_default_tools(pair)
    return {"instrument": first, "second_instrument": second}


def _cycle_page(request: HttpRequest, pair: Pair, form: PrePostCycleForm, *, next_url: str, status: int = 200):
    return render(
        request,
        "evaluation/pre_post_cycle.html",
        {
            "pair": pair,
            "form": form,
            "cycle": selectors.pre_post_cycle_of(pair),
            "observed": pair.observations.exists(),
            "next_url": next_url,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def pre_post_cycle(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the CLASS tool(s) of a pair's pre/post cycle: the observer at the first visit, or
    staff. Fixed once an observation is recorded (the page then says so)."""
    pair = _recordable_pair(request, pk)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) or not next_url.startswith(
        "/"
    ):
        next_url = _record_url(pair.pk, "pre")
    cycle = selectors.pre_post_cycle_of(pair)
    initial = {"instrument": cycle.instrument, "second_instrument": cycle.second_instrument} if cycle else None
    form = PrePostCycleForm(request.POST or None, initial=initial or _default_tools(pair))
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            cycle = services.pre_post_cycle_set(pair=pair, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, f"This pair's pre/post cycle uses {cycle.tools_label}.")
            return redirect(next_url)
    return _cycle_page(request, pair, form, next_url=next_url, status=400 if form.errors else 200)


@require_GET
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(
        Observation.objects.select_related(
            "instrument",
            "observer",
            "observee",
            "recorded_by",
            "pair__mentee__program__region",
            "pair__coach",
            "plan_educator",
        ),
        pk=pk,
    )
    if not request.user.has_perm("evaluation.view_observation", observation):
        raise Http404("No such observation.")
    dimensions = list(
        Dimension.objects.filter(domain__instrument=observation.instrument_id)
        .select_related("domain")
        .order_by("domain__order", "order")
    )
    cycles = list(observation.cycles.prefetch_related("scores"))
    by_cycle = {c.number: {s.dimension_id: s.score for s in c.scores.all()} for c in cycles}
    means = {r.dimension_id: r.mean for r in observation.dimension_results.all()}
    grid = [(d, [by_cycle[c.number].get(d.pk) for c in cycles], means.get(d.pk)) for d in dimensions]
    domains = observation.domain_results.select_related("domain").order_by("domain__order")
    return render(
        request,
        "evaluation/observation_detail.html",
        {
            "observation": observation,
            "cycles": cycles,
            "grid": grid,
            "domains": domains,
            "can_see_growth": request.user.has_perm("evaluation.view_pair_growth", observation.pair),
            "same_visit": selectors.same_visit(observation),
        },
    )


# --- staff scheduling -------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    pairs = Pair.objects.filter(program_year=year, status__in=ANALYSED_STATUSES).select_related(
        "mentee__program__region", "coach"
    )
    action = request.POST.get("action")
    pair_param = request.GET.get("pair", "")
    initial = {}
    if is_id(pair_param):
        chosen = pairs.filter(pk=pair_param).first()
        if chosen:
            initial = {"pair": chosen, "time_point": request.GET.get("time_point", "pre")}
            existing = chosen.scheduled_observations.filter(time_point=initial["time_point"]).first()
            if existing:
                initial.update(
                    window_opens=existing.window_opens,
                    due_by=existing.due_by,
                    observer=existing.observer_id,
                    classroom=existing.classroom,
                    note=existing.note,
                )
            cycle = selectors.pre_post_cycle_of(chosen)
            if cycle:
                initial.update(instrument=cycle.instrument_id, second_instrument=cycle.second_instrument_id)
    # its own ids: the bulk form on the same page has fields of the same names
    form = ScheduleForm(request.POST if action == "one" else None, initial=initial, pairs=pairs, auto_id="id_one_%s")
    bulk = BulkScheduleForm(request.POST if action == "bulk" else None, pairs=pairs)
    if action == "one" and form.is_valid():
        with attempt(form=form) as step:
            services.schedule_save(actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, "Observation scheduled.")
            return redirect(f"{reverse('evaluation:schedule')}?year={year.pk}")
    if action == "bulk" and bulk.is_valid():
        data = bulk.cleaned_data
        with attempt(form=bulk) as step:
            made, skipped = services.schedule_bulk(
                actor=request.user,
                pairs=list(data["pairs"]),
                time_point=data["time_point"],
                window_opens=data["window_opens"],
                due_by=data["due_by"],
                observer=data["observer"],
            )
        if step.ok:
            note = f" {skipped} already had one and were left as they were." if skipped else ""
            messages.success(request, f"Scheduled {made} observation{'s' if made != 1 else ''}.{note}")
            return redirect(f"{reverse('evaluation:schedule')}?year={year.pk}")
    selected = set(request.POST.getlist("pairs")) if action == "bulk" else set()
    filters = ScheduleFilter(request.GET, queryset=selectors.schedule_pairs(year))
    table = ScheduleTable(filters.qs, selected=selected)
    if filters.active:
        table.empty_text = "No pairs match these filters."
    counts = selectors.schedule_counts(filters.qs)
    table.may_export = False
    configure(request, table, count=counts["pairs"])  # the counts have counted the pairs
    # the one-pair form offers the pairs on this page (and the one chosen), not the whole year's
    listed = [row.record for row in table.page.object_list]
    selectors.attach_tools([getattr(pair, "pre_post_cycle", None) for pair in listed])
    form.limit_pairs(listed, also=initial.get("pair"))
    # both forms offer the same observers, and the one form the same tools twice: read each once
    people = list(observers())
    offer(form.fields["observer"], people)
    offer(bulk.fields["observer"], people)
    tools = list(form.fields["instrument"].queryset)
    offer(form.fields["instrument"], tools)
    offer(form.fields["second_instrument"], tools)
    return render(
        request,
        "evaluation/schedule.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "filter": filters,
            "table": table,
            "counts": counts,
            "form": form,
            "bulk": bulk,
            "selected": selected,
        },
        status=400 if (form.errors or bulk.errors) else 200,
    )


# --- growth analytics -------------------------------------------------------------------------


def growth_pair_or_404(request: HttpRequest, pk: int) -> Pair:
    """A pair whose growth the person may see; anyone else gets a 404 (hidden is missing)."""
    pair = growth_pair_for(request.user, pk)
    if pair is None:
        raise Http404("No such pair.")
    return pair


@require_GET
def pair_growth(request: HttpRequest, pk: int) -> HttpResponse:
    pair = growth_pair_or_404(request, pk)
    tools = selectors.pair_growth(pair)
    return render(
        request,
        "evaluation/pair_growth.html",
        {
            "pair": pair,
            "tools": tools,
            "chart_urls": chart_cache.pair_chart_urls(pair.pk, tools),
            "is_staff": is_eec_staff(request.user),
            "cycle": selectors.pre_post_cycle_of(pair),
            "plan_educator": plan_educator_current(pair),
        },
    )


@require_GET
def pair_growth_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's growth chart on one tool: drawn once per change of the pair's observations (or of
    the reference figures), then served from the cache; the permission check comes first."""
    pair = growth_pair_or_404(request, pk)
    version = chart_cache.pair_chart_version(pair.pk, request.GET.get("instrument", ""))
    if version is None:
        raise Http404("No observations yet.")

    def draw() -> str:
        tools = [t for t in selectors.pair_growth(pair) if t.instrument.pk == version.instrument_id]
        if not tools:  # removed since the version was read
            raise Http404("No observations yet.")
        return chart_cache.pair_chart_draw(tools[0])

    return chart_cache.svg_response(request, version, draw)


@login_not_required
@sessionless
@require_GET
def cached_chart(request: HttpRequest, token: str) -> HttpResponse:
    """A chart by the signed address a page embedded (chart_cache.signed_url): the cached bytes,
    without the session or the database. An address that expired, or names a chart no longer (or
    not yet) in the cache, is sent on to the chart's own view, which checks the permission and
    draws; an address not signed here is a 404."""
    signed = chart_cache.read_signed(token)
    if signed is None:
        raise Http404("No such chart.")
    return chart_cache.signed_svg_response(signed) or redirect(signed.fallback)


def cohort_filter_from_request(request: HttpRequest) -> tuple[CohortFilterForm, selectors.CohortFilter, list[str]]:
    """The filters from the query string. A hand-edited or stale value is ignored (and named)
    rather than failing the page."""
    if not request.user.has_perm("evaluation.view_cohort_analytics"):
        raise PermissionDenied("Cohort analytics are for EEC staff and evaluators.")
    current = ProgramYear.objects.current()
    if current is None:
        raise PermissionDenied("Create a program year in the admin first.")
    defaults = {"year": str(current.pk), "instrument": "pre_k"}
    data = {**defaults, **{key: value for key, value in request.GET.items() if value}}
    form = CohortFilterForm(data)
    ignored: list[str] = []
    if not form.is_valid():
        ignored = [str(form.fields[name].label) for name in form.errors if name in form.fields]
        form = CohortFilterForm({**defaults, **{k: v for k, v in data.items() if k not in form.errors}})
        form.is_valid()
    cleaned = form.cleaned_data
    return (
        form,
        selectors.CohortFilter(
            program_year=cleaned.get("year") or current,
            instrument=cleaned.get("instrument") or Instrument.objects.get(code="pre_k"),
            region=cleaned.get("region"),
            program_type=cleaned.get("program_type") or "",
            kind=cleaned.get("kind") or "",
        ),
        ignored,
    )


@require_GET
def cohort(request: HttpRequest) -> HttpResponse:
    form, cohort_filter, ignored = cohort_filter_from_request(request)
    growth = selectors.cohort_growth(cohort_filter)
    query = urlencode(cohort_filter.as_query())
    return render(
        request,
        "evaluation/cohort.html",
        {
            "form": form,
            "growth": growth,
            "tables": [("Domains", growth.domains), ("Dimensions", growth.dimensions)],
            "query": query,
            "chart_urls": chart_cache.cohort_chart_urls(cohort_filter.as_query()),
            "ignored": ignored,
            "min_n": MIN_N,
        },
    )


@require_GET
def cohort_chart(request: HttpRequest) -> HttpResponse:
    """A cohort chart, drawn once per change of the data in scope; the permission check (in
    cohort_filter_from_request) comes first."""
    _, cohort_filter, _ = cohort_filter_from_request(request)
    chart = "effects" if request.GET.get("chart") == "effects" else "scores"
    version = chart_cache.cohort_chart_version(cohort_filter.as_query(), chart)

    def draw() -> str:
        growth = selectors.cohort_growth(cohort_filter)
        return growth.effect_chart() if chart == "effects" else growth.score_chart()

    return chart_cache.svg_response(request, version, draw)
