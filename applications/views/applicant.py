"""Applicants: start, fill, submit and follow an application; ask for recommendations and the MOU."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac.contact import eec_contact
from pac.models import ProgramYear
from pac.views import is_id, name_required
from pac.workflow import attempt

from .. import services
from ..forms import ApplicationForm, MOURequestForm, ReasonForm, RecommenderForm
from ..models import MOU, Application, InterviewSlot, Recommendation, ScreeningCheck, Stage
from ..permissions import applications_visible_to, review_is_blind
from ..roles import ROLE_SPECS, ApplicantRole, missing_before_submission
from ..selectors import application_for_checklist, applications_of, checklist, current_mou
from ..uploads import document_response


def open_years():
    today = timezone.localdate()
    return ProgramYear.objects.filter(applications_open_on__lte=today, applications_close_on__gte=today).order_by(
        "starts_on"
    )


def _own_application(request: HttpRequest, reference: str) -> Application:
    """The applicant's own application; anyone else gets a 404 (hidden is the same as missing)."""
    return get_object_or_404(
        application_for_checklist(Application.objects.filter(applicant__user=request.user)), reference=reference
    )


@require_GET
@name_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/mine.html",
        {
            "applications": applications_of(request.user),
            "open_years": list(open_years()),
            "roles": list(ROLE_SPECS.values()),
        },
    )


@require_POST
@name_required
def start(request: HttpRequest, role: str) -> HttpResponse:
    if role not in ApplicantRole.values:
        raise Http404("No such role")
    year_id = request.POST.get("year", "")
    year = (open_years().filter(pk=year_id).first() if is_id(year_id) else None) or open_years().first()
    if year is None:
        messages.error(request, "Applications are not open at the moment.")
        return redirect("applications:mine")
    with attempt(request) as step:
        application = services.application_start(user=request.user, program_year=year, role=role)
    if not step.ok:
        return redirect("applications:mine")
    messages.success(
        request,
        f"Your {application.get_role_display()} application {application.reference} is started. "
        "It is saved as a draft; come back to it at any time.",
    )
    return redirect("applications:edit", reference=application.reference)


def _detail_context(request, application: Application, **forms) -> dict:
    return {
        "application": application,
        "spec": application.spec,
        "checklist": checklist(application),
        "recommendations": [
            r for r in application.recommendations.all() if r.status != Recommendation.Status.CANCELLED
        ],
        "mou": current_mou(application),
        # the applicant asks for letters and the MOU while the stage allows and the window is open
        "awaiting_components": application.stage in services.COMPONENT_STAGES,
        "components_open": application.stage in services.COMPONENT_STAGES and application.window_open(),
        # the MOU also stays open on a second year (its renewed MOU), which has no window
        "mou_open": application.mou_open and (application.is_renewal or application.window_open()),
        "recommender_form": forms.get("recommender_form") or RecommenderForm(role=application.role),
        "mou_form": forms.get("mou_form") or MOURequestForm(),
        "unmet_checks": [
            c
            for c in application.screening_checks.all()
            if not c.satisfied and c.category == ScreeningCheck.Category.QUALIFICATION
        ],
        "still_needed": missing_before_submission(application),
        "window_open": application.window_open(),
        "reopened": application.reopened_on(),
        "can_withdraw": application.stage in Application.OPEN_STAGES + (Stage.ACCEPTED, Stage.SCREENED_OUT),
    }


@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    application = get_object_or_404(
        application_for_checklist(applications_visible_to(request.user)), reference=reference
    )
    if application.applicant.user_id != request.user.pk:
        return redirect("applications:staff_detail", reference=reference)  # staff use their own page
    return render(request, "applications/detail.html", _detail_context(request, application))


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    if not application.is_editable:
        messages.info(request, "This application has been submitted and can no longer be edited.")
        return redirect("applications:detail", reference=reference)
    if request.method == "GET" and not application.window_open():
        return redirect("applications:detail", reference=reference)  # which says why, and whom to ask
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, instance=application)
        if form.is_valid():
            data = dict(form.cleaned_data)
            resume = data.pop("resume_upload", None)
            with attempt(form=form) as step:
                services.application_update(application=application, actor=request.user, data=data, resume=resume)
            if step.ok:
                messages.success(request, "Your answers are saved.")
                if "continue" in request.POST:
                    return redirect("applications:detail", reference=reference)
                return redirect("applications:edit", reference=reference)
            # e.g. the window closed while the page was open: show the answers as typed
            application.refresh_from_db()
        messages.error(request, "Some answers need attention; nothing you entered has been lost. See the notes below.")
    else:
        form = ApplicationForm(instance=application)
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "form": form,
            "spec": application.spec,
            "still_needed": missing_before_submission(application),
        },
    )


@require_POST
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    with attempt(request) as step:
        services.application_submit(application=application, actor=request.user)
    if not step.ok:
        return redirect("applications:detail", reference=reference)
    application.refresh_from_db()
    if application.stage == Stage.SCREENED_OUT:
        messages.warning(
            request, "Your application was submitted, but it does not meet every minimum qualification. See below."
        )
    else:
        messages.success(request, "Your application is submitted. We will email you as it moves through review.")
    return redirect("applications:detail", reference=reference)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    form = ReasonForm(request.POST or None, label="Why are you withdrawing? (optional)")
    if request.method == "POST" and form.is_valid():
        with attempt(request) as step:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        if step.ok:
            messages.success(request, f"Application {reference} is withdrawn. It stays in your history.")
        return redirect("applications:detail", reference=reference)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@require_POST
def recommender_add(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    form = RecommenderForm(request.POST, role=application.role)
    if form.is_valid():
        with attempt(form=form) as step:
            recommendation = services.recommendation_add(
                application=application, actor=request.user, **form.cleaned_data
            )
        if step.ok:
            messages.success(request, f"We emailed {recommendation.name} a personal link to write their letter.")
            return redirect("applications:detail", reference=reference)
    application = _own_application(request, reference)
    return render(
        request, "applications/detail.html", _detail_context(request, application, recommender_form=form), status=400
    )


def _own_recommendation(request, reference: str, pk: int) -> Recommendation:
    application = _own_application(request, reference)
    return get_object_or_404(Recommendation, pk=pk, application=application)


@require_POST
def recommender_resend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    recommendation = _own_recommendation(request, reference, pk)
    with attempt(request) as step:
        services.recommendation_send(recommendation=recommendation, actor=request.user)
    if step.ok:
        messages.success(request, f"We sent {recommendation.name} a new link; the old one no longer works.")
    return redirect("applications:detail", reference=reference)


@require_POST
def recommender_cancel(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    recommendation = _own_recommendation(request, reference, pk)
    with attempt(request) as step:
        services.recommendation_cancel(recommendation=recommendation, actor=request.user)
    if step.ok:
        messages.success(
            request, f"{recommendation.name} is removed from your recommenders; their link no longer works."
        )
    return redirect("applications:detail", reference=reference)


@require_POST
def mou_request(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    form = MOURequestForm(request.POST)
    if form.is_valid():
        with attempt(form=form) as step:
            mou = services.mou_request(application=application, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, f"We emailed {mou.signer_name} a link to review and sign the MOU.")
            return redirect("applications:detail", reference=reference)
    application = _own_application(request, reference)
    return render(request, "applications/detail.html", _detail_context(request, application, mou_form=form), status=400)


@require_POST
def mou_resend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    application = _own_application(request, reference)
    mou = get_object_or_404(MOU, pk=pk, application=application)
    with attempt(request) as step:
        services.mou_send(mou=mou, actor=request.user)
    if step.ok:
        messages.success(request, f"We sent {mou.signer_name} a new link; the old one no longer works.")
    return redirect("applications:detail", reference=reference)


@require_GET
def resume(request: HttpRequest, reference: str) -> FileResponse:
    application = get_object_or_404(Application.objects.select_related("applicant"), reference=reference)
    if not request.user.has_perm("applications.view_resume", application) or not application.resume:
        raise Http404("No resume")
    if review_is_blind(request.user, application) or not application.resume_name:
        return document_response(application.resume, f"resume-{application.reference}")
    return document_response(application.resume, application.resume_name)


@require_http_methods(["GET", "POST"])
def interview_pick(request: HttpRequest, reference: str) -> HttpResponse:
    application = _own_application(request, reference)
    if application.stage != Stage.INTERVIEW:
        messages.info(request, "This application is not at the interview stage.")
        return redirect("applications:detail", reference=reference)
    slots = (
        InterviewSlot.objects.filter(program_year=application.program_year, starts_at__gt=timezone.now())
        .filter(application__isnull=True)
        .order_by("starts_at")
    )
    booked = InterviewSlot.objects.filter(application=application).first()
    if request.method == "POST" and booked and booked.starts_at <= timezone.now():
        messages.error(request, f"Your interview time has passed; {eec_contact().sentence()} to arrange another.")
        return redirect("applications:detail", reference=reference)
    if request.method == "POST":
        slot_id = request.POST.get("slot", "")
        slot = slots.filter(pk=slot_id).first() if is_id(slot_id) else None
        if slot is None:
            messages.error(request, "That time is no longer available; choose another.")
        else:
            with attempt(request) as step:
                services.slot_book(slot=slot, application=application, actor=request.user)
            if step.ok:
                messages.success(request, "Your interview is booked. We emailed you a calendar invitation.")
                return redirect("applications:detail", reference=reference)
    return render(
        request, "applications/interview_pick.html", {"application": application, "slots": slots, "booked": booked}
    )
