"""Formative interview pages: the list (staff, the year's Advisory Panel, interviewers), scheduling
and cancelling (staff), the interview's page and the interviewer's record form (phone-sized)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pac.models import ProgramYear
from pac.tables import staff_list
from pac.views import is_id, program_year_for
from pac.workflow import attempt

from ..models import FormativeInterview
from . import selectors, services
from .filters import InterviewFilter
from .forms import CancelForm, RecordForm, ScheduleForm
from .permissions import may_list_interviews
from .tables import InterviewTable


def _interview(request: HttpRequest, interview_id: int, permission: str = "evaluation.view_interview"):
    """The interview if the user may see it (else 404: hidden is missing), checked for ``permission``."""
    interview = get_object_or_404(
        FormativeInterview.objects.select_related(*selectors.LISTED, "pair__mentee", "recorded_by", "cancelled_by"),
        pk=interview_id,
    )
    if not request.user.has_perm("evaluation.view_interview", interview):
        raise Http404("No such interview.")
    if permission != "evaluation.view_interview" and not request.user.has_perm(permission, interview):
        raise PermissionDenied("This step is not yours to take on this interview.")
    return interview


@require_http_methods(["GET"])
def interview_list(request: HttpRequest) -> HttpResponse:
    if not may_list_interviews(request.user):
        raise PermissionDenied("Formative interviews are for EEC staff, the Advisory Panel and interviewers.")
    year = program_year_for(request)
    filters = InterviewFilter(request.GET, queryset=selectors.interviews_listed(request.user, year))
    table = InterviewTable(filters.qs, caption=f"Formative interviews of {year}")
    export = staff_list(
        request,
        table,
        export_name=f"Formative interviews {year}",
        may_export=request.user.has_perm("evaluation.export_interviews"),
    )
    if export is not None:
        return export
    return render(
        request,
        "evaluation/interviews/list.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "filter": filters,
            "table": table,
            "may_schedule": request.user.has_perm("evaluation.schedule_interviews"),
        },
    )


@require_http_methods(["GET", "POST"])
def interview_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("evaluation.schedule_interviews"):
        raise PermissionDenied("EEC staff schedule formative interviews.")
    year = program_year_for(request)
    initial = {}
    if request.method == "GET" and is_id(request.GET.get("person", "")):
        initial["interviewee"] = request.GET["person"]
    form = ScheduleForm(request.POST or None, program_year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            interview = services.interview_schedule(actor=request.user, program_year=year, **form.cleaned_data)
        if step.ok:
            messages.success(
                request,
                f"Interview with {interview.interviewee.full_name} scheduled for "
                f"{interview.scheduled_on:%B} {interview.scheduled_on.day}; the interviewer and the interviewee are told.",
            )
            return redirect("evaluation:interview", interview_id=interview.pk)
    return render(
        request,
        "evaluation/interviews/new.html",
        {"form": form, "year": year},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
def interview_detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id)
    answers = list(interview.answers.select_related("question").order_by("question__order", "question_id"))
    return render(
        request,
        "evaluation/interviews/detail.html",
        {
            "interview": interview,
            "answers": answers,
            "may_record": request.user.has_perm("evaluation.record_interview", interview),
            "may_cancel": request.user.has_perm("evaluation.cancel_interview", interview),
            "cancel_form": CancelForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def interview_record(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id)
    if not request.user.has_perm("evaluation.record_interview", interview):
        if interview.interviewer_id == request.user.pk:
            messages.info(request, f"This interview is {interview.get_status_display().lower()}.")
            return redirect("evaluation:interview", interview_id=interview.pk)
        raise PermissionDenied("Only the interviewer records the interview.")
    questions = list(interview.protocol.questions.order_by("order", "pk"))
    form = RecordForm(request.POST or None, interview=interview, questions=questions)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            services.interview_record(
                interview=interview,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                answers=form.answers(),
            )
        if step.ok:
            messages.success(request, "The interview is recorded. Thank you.")
            return redirect("evaluation:interview", interview_id=interview.pk)
    return render(
        request,
        "evaluation/interviews/record.html",
        {"interview": interview, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def interview_cancel(request: HttpRequest, interview_id: int) -> HttpResponse:
    interview = _interview(request, interview_id, "evaluation.cancel_interview")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect("evaluation:interview", interview_id=interview.pk)
    with attempt(request) as step:
        services.interview_cancel(interview=interview, actor=request.user, reason=form.cleaned_data["reason"])
    if step.ok:
        messages.success(request, "The interview is cancelled; the interviewer and the interviewee are told.")
    return redirect(reverse("evaluation:interview", kwargs={"interview_id": interview.pk}))
