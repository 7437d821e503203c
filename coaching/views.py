"""The pair's workspace (coach, mentee, leader), reports, and the staff overview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac import annotations
from pac.tables import configure, page_records, staff_list
from pac.views import is_id, program_year_for, staff_required
from pac.workflow import attempt
from pairings.models import Pair
from pairings.permissions import pairs_visible_to

from . import participation, selectors, services
from .filters import OverviewFilter, ReportFilter
from .forms import GoalForm, GoalNoteForm, MeetingForm, MeetingWithdrawForm, ReportForm, ReturnForm, TrainingEventForm
from .models import Goal, Meeting, Reminder, TrainingEvent
from .permissions import can_keep_attendance, reports_visible_to
from .tables import OverviewTable, ReportTable


def _pair(request: HttpRequest, pk: int) -> Pair:
    return get_object_or_404(
        pairs_visible_to(request.user)
        .exclude(status=Pair.Status.PROPOSED)
        .select_related("coach__program", "mentee__program__region", "leader", "program_year"),
        pk=pk,
    )


_role = selectors.role_in_pair


@require_GET
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)  # reads only: drafts are opened on confirmation and by the hourly task
    role = _role(pair, request.user)
    summary = (
        services.attendance_summary(person=pair.coach, program_year=pair.program_year)
        if role in ("coach", "staff")
        else None
    )
    leader_summary = (
        services.attendance_summary(person=pair.leader, program_year=pair.program_year)
        if pair.leader_id and role in ("leader", "staff")
        else None
    )
    context = selectors.workspace(pair)
    for meeting in context["meetings"]:
        meeting.pair = pair  # already loaded with its coach: the permission check costs no query
    correctable = {m.pk for m in context["meetings"] if request.user.has_perm("coaching.correct_meeting", m)}
    return render(
        request,
        "coaching/workspace.html",
        {
            "pair": pair,
            "role": role,
            "attendance": summary,
            "leader_attendance": leader_summary,
            "correctable": correctable,
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    if _role(pair, request.user) not in ("coach", "staff"):
        raise PermissionDenied("The pair's coach logs its meetings.")
    form = MeetingForm(request.POST or None, has_leader=bool(pair.leader_id))
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            meeting = services.meeting_log(pair=pair, actor=request.user, **form.cleaned_data)
        if step.ok:
            _saved_message(request, meeting, "Meeting saved.")
            return redirect("coaching:workspace", pk=pk)
    return render(
        request, "coaching/meeting_form.html", {"pair": pair, "form": form}, status=400 if form.errors else 200
    )


def _saved_message(request: HttpRequest, meeting: Meeting, text: str) -> None:
    if meeting.duration_outside_expectation:
        messages.warning(request, f"{text} It lasted {meeting.duration_minutes} minutes. {meeting.duration_note}.")
    else:
        messages.success(request, text)


def _meeting_to_correct(request: HttpRequest, pk: int, meeting_id: int) -> tuple[Pair, Meeting]:
    pair = _pair(request, pk)
    meeting = get_object_or_404(Meeting.objects.select_related("pair__coach"), pk=meeting_id, pair=pair)
    if not request.user.has_perm("coaching.correct_meeting", meeting):
        raise PermissionDenied("Only the coach who logged this meeting, or EEC staff, can correct or withdraw it.")
    return pair, meeting


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    """Correct a meeting; every version is kept in its history."""
    pair, meeting = _meeting_to_correct(request, pk, meeting_id)
    form = MeetingForm(request.POST or None, instance=meeting, has_leader=bool(pair.leader_id))
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            was_confirmed = meeting.mentee_confirmed_at is not None
            fields = dict(form.cleaned_data)
            # the service reads the stored meeting afresh (the form changed this instance in memory only)
            meeting = services.meeting_update(meeting=meeting, actor=request.user, **fields)
        if step.ok:
            text = "Meeting corrected."
            if was_confirmed and meeting.mentee_confirmed_at is None:
                text += " The mentee is asked to confirm it again."
            _saved_message(request, meeting, text)
            return redirect("coaching:workspace", pk=pk)
    return render(
        request,
        "coaching/meeting_form.html",
        {"pair": pair, "form": form, "meeting": meeting, "history": meeting.history.select_related("history_user")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def meeting_withdraw(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    """Withdraw a meeting logged in error, with a reason: it stays on record, shown as withdrawn."""
    pair, meeting = _meeting_to_correct(request, pk, meeting_id)
    form = MeetingWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            services.meeting_withdraw(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        if step.ok:
            messages.success(request, "Meeting withdrawn. It stays on record and no longer counts.")
            return redirect("coaching:workspace", pk=pk)
    return render(
        request,
        "coaching/meeting_withdraw.html",
        {"pair": pair, "form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@require_POST
def meeting_confirm(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    pair = _pair(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, pair=pair)
    with attempt(request) as step:
        services.meeting_confirm(meeting=meeting, actor=request.user)
    if step.ok:
        messages.success(request, "Thank you for confirming the meeting.")
    return redirect("coaching:workspace", pk=pk)


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_id: int | None = None) -> HttpResponse:
    pair = _pair(request, pk)
    goal = get_object_or_404(Goal, pk=goal_id, pair=pair) if goal_id else None
    if _role(pair, request.user) not in ("coach", "mentee", "staff"):
        raise PermissionDenied("Goals are set by the coach and the mentee together.")
    posted = request.method == "POST"
    note = request.POST.get("action") == "note"
    form = GoalForm(request.POST if posted and not note else None, instance=goal)
    note_form = GoalNoteForm(request.POST if posted and note else None)
    if request.method == "POST":
        with attempt(form=note_form if note else form):  # a refusal goes on the form that was sent
            if note and goal is None:
                messages.error(request, "Save the goal before adding progress notes.")
                return render(
                    request,
                    "coaching/goal_form.html",
                    {"pair": pair, "goal": goal, "form": form, "note_form": note_form},
                    status=400,
                )
            if note and note_form.is_valid():
                services.goal_note_add(goal=goal, actor=request.user, text=note_form.cleaned_data["text"])
                messages.success(request, "Progress note added.")
                return redirect("coaching:goal", pk=pk, goal_id=goal.pk)
            if request.POST.get("action") != "note" and form.is_valid():
                goal = services.goal_save(pair=pair, actor=request.user, goal=goal, **form.cleaned_data)
                messages.success(request, "Goal saved.")
                return redirect("coaching:workspace", pk=pk)
    return render(
        request,
        "coaching/goal_form.html",
        {"pair": pair, "goal": goal, "form": form, "note_form": note_form},
        status=400 if (form.errors or note_form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
def report_for_period(request: HttpRequest, pk: int, period: int) -> HttpResponse:
    """My work links a due report by its period, whether or not its draft is made yet: open the
    draft, or, when the period has started and the hourly task has not made it yet, say so and
    offer to start it (a POST; a GET never makes it)."""
    pair = _pair(request, pk)
    role = _role(pair, request.user)
    if role not in ("coach", "staff"):
        raise PermissionDenied("30-day reports are the coach's reports to EEC.")
    report = pair.reports.filter(period=period).first()
    if report is not None:  # made (a second click on Start lands here too)
        return redirect("coaching:report", report_id=report.pk)
    started = selectors.started_period(pair, period)
    if started is None:
        raise Http404("This 30-day report's period has not started.")
    if request.method == "POST":
        with attempt(request) as step:
            report = services.report_start(pair=pair, period=period, actor=request.user)
        if step.ok:
            messages.success(request, f"30-day report {period} is started from the period's meetings and goal notes.")
            return redirect("coaching:report", report_id=report.pk)
    return render(request, "coaching/report_start.html", {"pair": pair, "period": started, "role": role})


@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional development plan: the pair's goals and recommended training, printable."""
    pair = _pair(request, pk)
    goals = (
        Goal.objects.filter(pair=pair)
        .exclude(status=Goal.Status.DROPPED)
        .select_related("area", "plan_educator")
        .order_by("horizon", "status", "target_date", "pk")  # long-term aims first, then the next 30 days
    )
    return render(request, "coaching/plan.html", {"pair": pair, "goals": goals})


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(
        reports_visible_to(request.user).select_related(
            "pair__coach", "pair__mentee", "template", "pair__program_year"
        ),
        pk=report_id,
    )
    sections = report.template.section_list()
    is_coach = report.pair.coach.user_id == request.user.pk
    form = ReportForm(
        request.POST if is_coach and request.method == "POST" else None,
        sections=sections,
        # a draft nothing is saved in yet starts from the period's records (read, not written, on GET)
        initial_answers=selectors.report_draft_answers(report)
        if is_coach and request.method == "GET"
        else report.answers,
    )
    return_form = ReturnForm(request.POST if not is_coach and request.POST.get("action") == "return" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        with attempt(request) as step:
            if is_coach and form.is_valid():
                answers = dict(form.cleaned_data)
                if action == "submit":
                    services.report_submit(report=report, actor=request.user, answers=answers)
                    messages.success(request, "Report submitted. Thank you.")
                else:
                    services.report_save(report=report, actor=request.user, answers=answers)
                    messages.success(request, "Draft saved.")
                return redirect("coaching:report", report_id=report.pk)
            if not is_coach and action == "acknowledge":
                services.report_acknowledge(report=report, actor=request.user)
                messages.success(request, "Report acknowledged.")
                return redirect("coaching:report", report_id=report.pk)
            if not is_coach and action == "return" and return_form.is_valid():
                services.report_return(report=report, actor=request.user, comment=return_form.cleaned_data["comment"])
                messages.success(request, "Report returned to the coach for revision.")
                return redirect("coaching:report", report_id=report.pk)
        if not step.ok:
            report.refresh_from_db()
    return render(
        request,
        "coaching/report.html",
        {"report": report, "form": form, "return_form": return_form, "is_coach": is_coach, "sections": sections},
    )


AWAITING_SHOWN = 10  # the overview lists the reports submitted first; the reports list has them all


@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """The year's pairs, fifty a page (filtered and sorted like every staff list), and the reports
    awaiting review submitted first. A fixed number of queries and rows at any size."""
    year = program_year_for(request)
    filters = OverviewFilter(request.GET, queryset=selectors.overview_pairs(year))
    table = OverviewTable(filters.qs, caption=f"Pairs of {year} with their meetings, reports and monthly flags")
    configure(request, table)
    table.may_export = False
    selectors.overview_prepare(page_records(table), year)
    awaiting = selectors.reports_awaiting_review(year)
    return render(
        request,
        "coaching/overview.html",
        {
            "year": year,
            "filter": filters,
            "table": table,
            "awaiting": awaiting[:AWAITING_SHOWN],
            "awaiting_count": awaiting.count(),
            # clips waiting more than a week for the coach's first feedback (None without video evidence)
            "clips_waiting": annotations.clips_waiting(year),
        },
    )


@require_GET
@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    filters = ReportFilter(request.GET, queryset=selectors.reports_for_year(year, user=request.user))
    table = ReportTable(filters.qs, caption=f"30-day reports of {year}")
    export = staff_list(
        request,
        table,
        export_name=f"30-day reports {year}",
        may_export=request.user.has_perm("coaching.export_reports"),
    )
    if export is not None:
        return export
    return render(request, "coaching/report_list.html", {"year": year, "filter": filters, "table": table})


@require_POST
def reminder_read(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder, pk=reminder_id, recipient__user=request.user)
    if reminder.read_at is None:
        from django.utils import timezone

        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return redirect(reminder.url if reminder.url.startswith("/") else "pac:my_work")


# --- PLC and training attendance --------------------------------------------------------------------


def _events_visible_to(user, year):
    from pac.permissions import is_eec_staff

    events = TrainingEvent.objects.filter(program_year=year).select_related("region", "facilitator")
    if is_eec_staff(user):
        return events
    return events.filter(kind=TrainingEvent.Kind.PLC, region__facilitators__user=user)


@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    if not can_keep_attendance(request.user):
        raise PermissionDenied("Training and PLC attendance is kept by EEC staff and PLC facilitators.")
    from pac.models import ProgramYear
    from pac.permissions import is_eec_staff

    # staff may look at any year; a facilitator keeps the current year's PLC
    year = program_year_for(request) if is_eec_staff(request.user) else ProgramYear.objects.current()
    if year is None:
        raise PermissionDenied("Create a program year in the admin first.")
    form = TrainingEventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.program_year = year
        event.created_by = request.user
        event.save()
        messages.success(request, "Event added; record who attended.")
        return redirect("coaching:attendance", event_id=event.pk)
    return render(
        request,
        "coaching/training.html",
        {"year": year, "events": _events_visible_to(request.user, year), "form": form},
        status=400 if form.errors else 200,
    )


def expected_attendees(event: TrainingEvent) -> list:
    """Coaches and leaders, and Mentees and MAs when the event is for them (coaching.participation)."""
    return participation.expected_attendees(event)


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    if not can_keep_attendance(request.user):
        raise PermissionDenied("Training and PLC attendance is kept by EEC staff and PLC facilitators.")
    event = get_object_or_404(TrainingEvent.objects.select_related("region"), pk=event_id)
    if not _events_visible_to(request.user, event.program_year).filter(pk=event.pk).exists():
        raise Http404("No such event")
    expected = expected_attendees(event)
    if request.method == "POST":
        present = {int(pk) for pk in request.POST.getlist("present") if is_id(pk)}
        with attempt(request) as step:
            services.attendance_record(
                event=event, actor=request.user, present=present, expected=[person for person, _ in expected]
            )
        if step.ok:
            messages.success(request, f"Attendance saved: {len(present)} present.")
        return redirect("coaching:attendance", event_id=event.pk)
    recorded = dict(event.attendance.values_list("person_id", "attended"))
    return render(request, "coaching/attendance.html", {"event": event, "expected": expected, "recorded": recorded})
