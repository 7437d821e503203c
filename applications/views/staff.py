"""EEC staff: the pipeline, screening overrides, reviewer assignment, progress, results, interviews, decisions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac import annotations
from pac.models import ProgramYear, Region, RegionTarget
from pac.tables import configure, staff_list
from pac.views import is_id, program_year_for, staff_required
from pac.workflow import TransitionError, attempt

from .. import selectors, services
from ..filters import ApplicationFilter, AssignmentFilter
from ..forms import (
    AdvanceByRankForm,
    AssignReviewerForm,
    BulkDecisionForm,
    DecisionForm,
    OverrideForm,
    ReasonForm,
    ReopenForm,
    SlotForm,
)
from ..models import (
    UNRANKED_STAGES,
    Application,
    ApplicationEvent,
    Committee,
    InterviewSlot,
    ReviewAssignment,
    ScreeningCheck,
    Stage,
    Tier,
)
from ..paging import page_counted, page_of
from ..roles import ApplicantRole
from ..tables import ApplicationTable, AssignmentTable
from .review import packet_context


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


@require_GET
@staff_required
def pipeline(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    rows = selectors.pipeline(year)
    stages = [s for s in Stage if s != Stage.DRAFT] + [Stage.DRAFT]
    table = []
    for row in rows:
        cells = [(role, [(stage, row.cells.get((role, stage), 0)) for stage in stages]) for role in ApplicantRole]
        table.append({"row": row, "cells": cells})
    uncovered: dict = {}  # program year -> its Tier 2 applications no committee covers
    for group in selectors.tier2_without_committee():
        entry = uncovered.setdefault(
            group.program_year,
            {
                "year": group.program_year,
                "has_committee": group.year_has_committee,
                "setup_url": selectors.committee_setup_url(group.program_year),
                "groups": [],
            },
        )
        entry["groups"].append(group)
    return render(
        request,
        "applications/staff/pipeline.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "table": table,
            "stages": stages,
            "roles": ApplicantRole,
            "uncovered": list(uncovered.values()),
        },
    )


@require_GET
@staff_required
def application_list(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    filters = ApplicationFilter(request.GET, queryset=selectors.staff_applications(program_year=year))
    table = ApplicationTable(filters.qs, caption=f"Applications of {year}")
    export = staff_list(
        request,
        table,
        export_name=f"applications {year}",
        may_export=request.user.has_perm("applications.export_applications"),
    )
    if export is not None:
        return export
    return render(request, "applications/staff/list.html", {"year": year, "filter": filters, "table": table})


@require_GET
@staff_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.select_related("program_year", "program__region", "applicant", "decided_by"),
        reference=reference,
    )
    context = packet_context(request.user, application)
    assign_form = AssignReviewerForm(program_year=application.program_year)
    assignments = list(application.assignments.select_related("reviewer").order_by("tier", "pk"))
    context.update(
        {
            "checks": list(application.screening_checks.order_by("category", "pk")),
            "requests": list(application.recommendations.exclude(status="cancelled").order_by("created_at")),
            "assignments": assignments,
            "events": list(ApplicationEvent.objects.filter(application=application).select_related("actor")),
            "result": selectors.standing_of(application),  # its stored Tier 2 standing: one query
            "ranked": application.stage not in UNRANKED_STAGES,
            "override_form": OverrideForm(),
            "waive_form": ReasonForm(label="Why the MOU does not apply", required=True),
            "assign_form": assign_form,
            "has_reviewers_to_add": assign_form.fields["reviewer"].queryset.exists(),
            "committee_covers": selectors.committee_covers(application),
            "committee_setup_url": selectors.committee_setup_url(
                application.program_year,
                region=application.program.region if application.program_id else None,
                role=application.role,
            ),
            "decision_form": DecisionForm(),
            "skip_form": ReasonForm(label="Why Tier 3 is not needed"),
            "tier2_complete": services.tier2_complete(application),
            "components_open": application.stage in services.COMPONENT_STAGES,
            "mou_open": application.mou_open,
            "window_open": application.window_open(),
            "reopen_form": ReopenForm(),
            "scores": _scores_by_assignment(assignments),
            # a returning CT or CA: the six-month review decision from an earlier year
            "prior_review": annotations.prior_decisions([application.applicant_id], application.program_year).get(
                application.applicant_id
            )
            if application.role in ("ct", "ca")
            else None,
        }
    )
    return render(request, "applications/staff/detail.html", context)


def _scores_by_assignment(assignments):
    from ..models import Score

    by = {}
    for score in Score.objects.filter(assignment__in=assignments).select_related("criterion"):
        by.setdefault(score.assignment_id, []).append(score)
    return by


def _run(request: HttpRequest, action, success: str) -> bool:
    with attempt(request) as step:
        action()
    if step.ok:
        messages.success(request, success)
    return step.ok


@require_POST
@staff_required
def override(request: HttpRequest, reference: str, check_id: int) -> HttpResponse:
    check = get_object_or_404(ScreeningCheck, pk=check_id, application__reference=reference)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a justification of at least a sentence; it is kept in history.")
    else:
        _run(
            request,
            lambda: services.screening_override(
                check=check, actor=request.user, justification=form.cleaned_data["justification"]
            ),
            "Override recorded and the application screened again.",
        )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def waive_mou(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application, reference=reference)
    form = ReasonForm(request.POST, required=True)
    if not form.is_valid():
        messages.error(request, "Give the reason the MOU does not apply.")
    else:
        _run(
            request,
            lambda: services.mou_waive(application=application, actor=request.user, reason=form.cleaned_data["reason"]),
            "The MOU is marked not applicable.",
        )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("program_year"), reference=reference)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date to reopen the application until, and the reason.")
    else:
        _run(
            request,
            lambda: services.application_reopen(
                application=application,
                actor=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            ),
            f"Application {reference} is reopened until {form.cleaned_data['until']:%B %-d, %Y}; "
            "the applicant has been emailed.",
        )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def resend(request: HttpRequest, reference: str, kind: str, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, reference=reference)
    if kind == "recommendation":
        item = get_object_or_404(application.recommendations, pk=pk)
        _run(
            request,
            lambda: services.recommendation_send(recommendation=item, actor=request.user),
            f"A new link was sent to {item.name}.",
        )
    else:
        item = get_object_or_404(application.mous, pk=pk)
        _run(
            request,
            lambda: services.mou_send(mou=item, actor=request.user),
            f"A new link was sent to {item.signer_name}.",
        )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def assignment_add(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("program_year"), reference=reference)
    form = AssignReviewerForm(request.POST, program_year=application.program_year)
    if not form.is_valid():
        messages.error(request, "Choose a committee member.")
    else:
        reviewer = form.cleaned_data["reviewer"]
        _run(
            request,
            # at Tier 3 the new member joins the interview panel; before that they review the application
            lambda: services.assignment_add(
                application=application,
                reviewer=reviewer,
                actor=request.user,
                tier=Tier.INTERVIEW if application.stage == Stage.INTERVIEW else Tier.APPLICATION,
            ),
            f"{reviewer} is assigned.",
        )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def assignment_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assignment = get_object_or_404(ReviewAssignment, pk=pk, application__reference=reference)
    _run(
        request,
        lambda: services.assignment_remove(assignment=assignment, actor=request.user),
        f"{assignment.reviewer} is removed from this review.",
    )
    return redirect("applications:staff_detail", reference=reference)


@require_POST
@staff_required
def assign_all(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    count = services.assignments_fill_all(program_year=year, actor=request.user)
    messages.success(request, f"{count} new review assignment{'s' if count != 1 else ''} made.")
    return _back(request, reverse("applications:progress"))


@require_POST
@staff_required
def advance(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application, reference=reference)
    _run(
        request,
        lambda: services.application_advance_to_interview(application=application, actor=request.user),
        f"{reference} advanced to the Tier 3 interview.",
    )
    return _back(request, reverse("applications:staff_detail", args=[reference]))


@require_POST
@staff_required
def skip_interview(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application, reference=reference)
    form = ReasonForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: services.application_skip_interview(
            application=application, actor=request.user, reason=form.cleaned_data.get("reason", "")
        ),
        f"Tier 3 marked not needed for {reference}; it awaits a decision.",
    )
    return _back(request, reverse("applications:staff_detail", args=[reference]))


@require_POST
@staff_required
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(Application, reference=reference)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept, waitlist or decline.")
    else:
        decision = form.cleaned_data["decision"]
        _run(
            request,
            lambda: services.application_decide(
                application=application, actor=request.user, decision=decision, note=form.cleaned_data["note"]
            ),
            f"{reference}: {Stage(decision).label.lower()}.",
        )
    return _back(request, reverse("applications:staff_detail", args=[reference]))


@require_http_methods(["GET", "POST"])
@staff_required
def progress(request: HttpRequest) -> HttpResponse:
    """What staff act on: the year's counts (aggregated in the database), each reviewer's load, and
    the assignments a page at a time, filtered; the reminder reaches every overdue assignment of the
    year (or the chosen ones), whatever page is shown."""
    year = program_year_for(request)
    today = timezone.localdate()
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("assignment") if is_id(pk)]
        late = selectors.overdue_assignments(year, chosen=chosen, today=today)
        sent = services.reviews_remind(assignments=late, actor=request.user)
        messages.success(request, f"Reminded {sent} late review{'s' if sent != 1 else ''}.")
        if request.GET:
            return redirect(request.get_full_path())  # the same page, with its filters
        return redirect(f"{reverse('applications:progress')}?year={year.pk}")
    summary = selectors.review_progress_counts(year, today)
    committees = list(Committee.objects.filter(program_year=year).order_by("name"))
    filters = AssignmentFilter(request.GET, queryset=selectors.review_progress(year, today), committees=committees)
    table = AssignmentTable(filters.qs, caption=f"Review assignments of {year}")
    # unfiltered, the list is every assignment the loads counted: no second count
    configure(request, table, count=None if filters.active else summary["total"])
    return render(
        request,
        "applications/staff/progress.html",
        {"year": year, "filter": filters, "table": table, "committees": committees, **summary},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def results(request: HttpRequest) -> HttpResponse:
    """The year's Tier 2 results as stored (``Standing``), fifty to a page, filtered by role and
    region; the POST advances the top of each region to interview by those ranks."""
    year = program_year_for(request)
    role = request.GET.get("role", "") if request.GET.get("role", "") in ApplicantRole.values else ""
    region = request.GET.get("region", "") if is_id(request.GET.get("region", "")) else ""
    form = AdvanceByRankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = (
            selectors.standings(
                program_year=year,
                role=form.cleaned_data["role"],
                region=str(form.cleaned_data["region"].number) if form.cleaned_data["region"] else "",
            )
            .filter(rank__lte=form.cleaned_data["top"], application__stage=Stage.IN_REVIEW)
            .select_related("application__program_year", "application__program__region")
        )
        moved, errors = 0, []
        for standing in chosen:
            try:
                services.application_advance_to_interview(application=standing.application, actor=request.user)
                moved += 1
            except TransitionError as exc:
                errors.append(exc.messages[0])
        messages.success(request, f"{moved} application{'s' if moved != 1 else ''} advanced to interview.")
        for error in errors[:10]:
            messages.warning(request, error)
        return redirect(f"{reverse('applications:results')}?year={year.pk}")
    page = page_counted(request, selectors.standings(program_year=year, role=role, region=region))
    return render(
        request,
        "applications/staff/results.html",
        {
            "year": year,
            "page": page,
            "rows": page.object_list,
            "role": role,
            "region": region,
            "roles": ApplicantRole,
            "regions": Region.objects.order_by("number"),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def interviews(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    form = SlotForm(request.POST if request.POST.get("action") == "create" else None, program_year=year)
    if request.method == "POST" and request.POST.get("action") == "create":
        if form.is_valid():
            slot = form.save(commit=False)
            slot.program_year = year
            slot.save()
            form.save_m2m()
            messages.success(request, "Interview slot added.")
            return redirect(f"{reverse('applications:interviews')}?year={year.pk}")
        messages.error(request, "The slot needs attention; see the notes below.")
    if request.method == "POST" and request.POST.get("action") == "book":
        slot_id = request.POST.get("slot", "")
        slot = get_object_or_404(InterviewSlot, pk=slot_id if is_id(slot_id) else 0, program_year=year)
        application = get_object_or_404(Application, reference=request.POST.get("reference", ""), program_year=year)
        _run(
            request,
            lambda: services.slot_book(slot=slot, application=application, actor=request.user),
            f"{application.reference} is booked for the interview; the applicant was emailed an invitation.",
        )
        return redirect(f"{reverse('applications:interviews')}?year={year.pk}")
    past = request.GET.get("when") == "past"
    page = page_of(request, selectors.interview_slots(year, past=past))
    waiting = list(selectors.awaiting_interview_slot(year))
    return render(
        request,
        "applications/staff/interviews.html",
        {
            "year": year,
            "past": past,
            "page": page,
            "form": form,
            "waiting": waiting,
            # the same choices in every open slot's form: written once, not once per slot
            "waiting_options": format_html_join(
                "",
                '<option value="{}">{} {}</option>',
                ((a.reference, a.reference, a.applicant.full_name) for a in waiting),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def decisions(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    if request.method == "POST":
        form = BulkDecisionForm(request.POST)
        form.is_valid()  # each field's outcome is read below, so each gets its own message
        data = form.cleaned_data
        references = data.get("reference") or []
        chosen = list(Application.objects.filter(program_year=year, reference__in=references).order_by("reference"))
        decision = data.get("decision", "")
        if not chosen:
            messages.error(request, "Select at least one application.")
        elif decision not in services.DECISIONS:
            messages.error(request, "Choose accept, waitlist or decline.")
        elif "note" in form.errors:
            messages.error(request, f"The note: {form.errors['note'][0]}")
        else:
            done, errors = services.applications_decide_bulk(
                applications=chosen, actor=request.user, decision=decision, note=data.get("note", "")
            )
            messages.success(
                request, f"{len(done)} application{'s' if len(done) != 1 else ''}: {Stage(decision).label.lower()}."
            )
            for error in errors[:10]:
                messages.warning(request, error)
        return redirect(f"{reverse('applications:decisions')}?year={year.pk}")
    page = page_counted(
        request,
        Application.objects.filter(program_year=year, stage__in=[Stage.AWAITING_DECISION, Stage.WAITLISTED])
        .select_related("applicant", "program__region")
        .annotate(rank=selectors.stored_rank())
        .order_by("stage", "role", "program__region__number", F("rank").asc(nulls_last=True), "reference"),
    )
    pending = list(page.object_list)
    rows = selectors.standings_of([a.pk for a in pending])  # their stored ranks: one query
    accepted = selectors.accepted_by_region(year)
    targets = {t.region.number: t for t in RegionTarget.objects.filter(program_year=year).select_related("region")}
    regions = []
    for region in Region.objects.order_by("number"):
        target = targets.get(region.number)
        regions.append(
            {
                "region": region,
                "counts": {role: accepted.get((region.number, role), 0) for role in ApplicantRole.values},
                "target_ct_mentee": target.ct_mentee_pairs if target else 0,
                "target_ca_ma": target.ca_ma_pairs if target else 0,
            }
        )
    return render(
        request,
        "applications/staff/decisions.html",
        {
            "year": year,
            "page": page,
            "pending": [(a, rows.get(a.pk)) for a in pending],
            "regions": regions,
        },
    )
