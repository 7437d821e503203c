"""Survey pages: EEC staff send rounds, follow response rates and remind; respondents answer through
their personal link or signed in; staff and the year's Advisory Panel read a coach's results."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pac.models import Person, ProgramYear
from pac.tables import staff_list
from pac.views import is_id, program_year_for, staff_required
from pac.workflow import LinkError, TransitionError, attempt

from ..models import Invitation, SurveyRound
from . import selectors, services
from .filters import SurveyRoundFilter
from .forms import AnswerForm, RoundSendForm
from .permissions import PANEL_MIN_RESPONSES, invitations_of, may_see_some_results, rounds_with_results_visible_to
from .tables import SurveyRoundTable
from .tasks import round_remind_task


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(request, "evaluation/surveys/link_problem.html", {"message": str(error)}, status=error.status)


# --- staff: rounds, rates, reminders ---------------------------------------------------------------


@require_GET
@staff_required
def survey_rounds(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    filters = SurveyRoundFilter(request.GET, queryset=selectors.rounds_with_rates(year))
    table = SurveyRoundTable(filters.qs, caption=f"Survey rounds of {year} with their response rates")
    export = staff_list(
        request,
        table,
        export_name=f"survey rounds {year}",
        may_export=request.user.has_perm("evaluation.export_survey_rounds"),
    )
    if export is not None:
        return export
    not_surveyed = selectors.coaches_not_surveyed(year)
    return render(
        request,
        "evaluation/surveys/rounds.html",
        {
            "year": year,
            "years": ProgramYear.objects.all(),
            "filter": filters,
            "table": table,
            # the first few by name, and how many there are: the send form offers every coach
            "not_surveyed": list(not_surveyed[: selectors.NOT_SURVEYED_SHOWN]),
            "not_surveyed_count": not_surveyed.count(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def survey_send(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    initial = {}
    coach_id = request.GET.get("coach", "")
    if is_id(coach_id):
        initial["coach"] = int(coach_id)
    form = RoundSendForm(request.POST or None, program_year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            survey_round = services.round_send(
                program_year=year,
                actor=request.user,
                survey=form.cleaned_data["survey"],
                coach=form.cleaned_data["coach"],
                audiences=form.cleaned_data["audiences"],
                closes_on=form.cleaned_data["closes_on"],
            )
        if step.ok:
            count = survey_round.invitations.count()
            messages.success(
                request,
                f"Sent to {count} {'person' if count == 1 else 'people'}: each gets an email with a personal link.",
            )
            return redirect("evaluation:survey_round", pk=survey_round.pk)
    return render(
        request,
        "evaluation/surveys/send.html",
        {"year": year, "form": form},
        status=400 if form.errors else 200,
    )


def _staff_round(request: HttpRequest, pk: int) -> SurveyRound:
    return get_object_or_404(
        SurveyRound.objects.select_related("survey", "coach__program__region", "program_year", "sent_by"), pk=pk
    )


@require_GET
@staff_required
def survey_round(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _staff_round(request, pk)
    if not request.user.has_perm("evaluation.view_survey_rates", survey_round):
        raise PermissionDenied("Response rates are for EEC staff.")
    audiences = selectors.rates_by_audience([survey_round]).get(survey_round.survey_id, [])
    invitations = list(selectors.round_invitations(survey_round))
    waiting = sum(1 for i in invitations if i.answered_at is None)
    answered = len(invitations) - waiting
    return render(
        request,
        "evaluation/surveys/round.html",
        {
            "round": survey_round,
            "audiences": audiences,
            "invitations": invitations,
            "waiting": waiting,
            "answered": answered,
            "rate": selectors.percent(answered, len(invitations)),
            "is_open": services.round_is_open(survey_round),
        },
    )


@require_POST
@staff_required
def survey_remind(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = _staff_round(request, pk)
    if not request.user.has_perm("evaluation.remind_survey", survey_round):
        raise PermissionDenied("EEC staff send reminders.")
    if not services.round_is_open(survey_round):
        messages.error(request, f"This survey closed on {survey_round.closes_on:%B %-d, %Y}; reminders are not sent.")
        return redirect("evaluation:survey_round", pk=pk)
    waiting = survey_round.invitations.filter(answered_at__isnull=True).count()
    if not waiting:
        messages.info(request, "Everyone has answered; there is no one to remind.")
        return redirect("evaluation:survey_round", pk=pk)
    transaction.on_commit(partial(services.enqueue, round_remind_task, survey_round.pk))
    messages.success(
        request,
        f"Reminding the {waiting} {'person' if waiting == 1 else 'people'} who have not answered. "
        "Nobody is reminded twice in a day, nor on the day they were invited.",
    )
    return redirect("evaluation:survey_round", pk=pk)


# --- results ---------------------------------------------------------------------------------


@require_GET
def survey_results(request: HttpRequest, coach_id: int) -> HttpResponse:
    year = program_year_for(request)
    if not may_see_some_results(request.user, year):
        raise PermissionDenied("Survey results are for EEC staff and the Advisory Panel.")
    coach = get_object_or_404(Person.objects.select_related("program"), pk=coach_id)
    rounds = list(
        rounds_with_results_visible_to(request.user)
        .filter(coach=coach, program_year=year)
        .select_related("survey", "coach", "program_year")
        .order_by("sent_at", "pk")
    )
    if not rounds:
        raise Http404("No survey results for this coach and year")
    include_text = request.user.has_perm("evaluation.view_survey_free_text", rounds[0])
    results = selectors.coach_results(rounds=rounds, include_text=include_text, for_panel=not include_text)
    return render(
        request,
        "evaluation/surveys/results.html",
        {
            "coach": coach,
            "year": year,
            "results": results,
            "include_text": include_text,
            "is_staff": request.user.has_perm("evaluation.view_survey_rates"),
            "min_responses": PANEL_MIN_RESPONSES,
        },
    )


# --- answering ----------------------------------------------------------------------------------


def _answer_page(request: HttpRequest, invitation: Invitation, *, via: str) -> HttpResponse:
    questions = list(invitation.round.survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_submit(
                    invitation=invitation,
                    answers=form.answers(),
                    via=via,
                    user=request.user if request.user.is_authenticated else None,
                )
            except services.AnswerError as exc:
                form.add_service_errors(exc.errors)
            except LinkError as exc:  # answered meanwhile, or the round closed: keep what was typed
                form.add_error(None, str(exc))
                status = exc.status
            except TransitionError as exc:
                form.add_error(None, exc.messages[0])
            else:
                return render(
                    request,
                    "evaluation/surveys/thanks.html",
                    {"invitation": invitation, "signed_in": via == "account"},
                )
        if status == 200:
            status = 400
    return render(
        request,
        "evaluation/surveys/respond.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "survey": invitation.round.survey,
            "form": form,
            "closed": status == 410,
        },
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: no account needed."""
    try:
        invitation = services.invitation_for_token(token, require_open=request.method == "GET")
    except LinkError as error:
        return _link_problem(request, error)
    return _answer_page(request, invitation, via="link")


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The same survey for a signed-in respondent, from My work."""
    invitation = get_object_or_404(
        invitations_of(request.user).select_related("round__survey", "round__coach", "round__program_year", "person"),
        pk=pk,
    )
    if not request.user.has_perm("evaluation.answer_survey", invitation):
        raise Http404("No such invitation")
    if request.method == "GET":
        try:
            services.invitation_check_open(invitation)
        except LinkError as error:
            return _link_problem(request, error)
    return _answer_page(request, invitation, via="account")
