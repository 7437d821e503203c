"""Pages reached through emailed links: recommenders (no account) and MOU signers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pac.links import client_ip
from pac.workflow import LinkError, attempt

from .. import selectors, services
from ..forms import LetterForm, MOUDeclineForm, MOUSignForm
from ..models import MOU

_client_ip = client_ip  # the signer's address (shared with every signing page)


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(request, "applications/link_problem.html", {"message": str(error)}, status=error.status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, token: str) -> HttpResponse:
    try:
        recommendation = services.recommendation_for_token(token)
    except LinkError as error:
        return _link_problem(request, error)
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with attempt(form=form) as step:
                services.recommendation_receive(
                    token=token,
                    letter_text=form.cleaned_data["letter_text"],
                    letter_file=form.cleaned_data.get("letter_file"),
                )
        except LinkError as error:
            return _link_problem(request, error)
        if step.ok:
            return render(
                request,
                "applications/thanks.html",
                {
                    "title": "Thank you for your recommendation",
                    "message": f"Your letter for {recommendation.application.applicant.full_name} has been received. "
                    "Only EEC staff and the review committee will read it. You can close this page.",
                },
            )
    return render(
        request,
        "applications/recommend.html",
        {"recommendation": recommendation, "form": form},
        status=400 if form.errors else 200,
    )


def _mou_page(request: HttpRequest, mou: MOU, *, token: str | None) -> HttpResponse:
    action = request.POST.get("action")
    application = mou.application
    sign_form = MOUSignForm(
        request.POST if action == "sign" else None,
        signer_name=mou.signer_name,
        leader_program_type=application.program_type if application.spec.mou_signer == "leader" else None,
    )
    decline_form = MOUDeclineForm(request.POST if action == "decline" else None)
    user = request.user if request.user.is_authenticated else None
    if action == "sign" and sign_form.is_valid():
        try:
            with attempt(form=sign_form) as step:  # a problem with the typed name lands on that field
                services.mou_sign(
                    mou=mou,
                    signature_name=sign_form.cleaned_data["signature_name"],
                    confirmed=sign_form.cleaned_data["confirm"],
                    ip=_client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    user=user,
                    **sign_form.leader_facts(),
                )
        except LinkError as error:
            return _link_problem(request, error)
        if step.ok:
            return _after_answer(request, "Thank you: the MOU is signed.", token=token)
    if action == "decline" and decline_form.is_valid():
        try:
            with attempt(form=decline_form) as step:
                services.mou_decline(mou=mou, reason=decline_form.cleaned_data["reason"], user=user)
        except LinkError as error:
            return _link_problem(request, error)
        if step.ok:
            return _after_answer(request, "You declined the MOU; we told the applicant.", token=token)
    text = services.mou_render(
        template=mou.template, application=mou.application, signer_name=mou.signer_name, signer_title=mou.signer_title
    )
    status = 400 if (sign_form.errors or decline_form.errors) else 200
    return render(
        request,
        "applications/mou_sign.html",
        {"mou": mou, "text": text, "sign_form": sign_form, "decline_form": decline_form},
        status=status,
    )


def _after_answer(request: HttpRequest, message: str, *, token: str | None) -> HttpResponse:
    if token is None:  # a signed-in leader working through their list
        messages.success(request, message)
        following = services.mous_waiting_for(request.user).first()
        if following:
            return redirect("applications:mou_sign_mine", pk=following.pk)
        return redirect("applications:mou_waiting")
    return render(
        request, "applications/thanks.html", {"title": "Thank you", "message": message + " You can close this page."}
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def mou_sign(request: HttpRequest, token: str) -> HttpResponse:
    try:
        mou = services.mou_for_token(token)
    except LinkError as error:
        return _link_problem(request, error)
    return _mou_page(request, mou, token=token)


@require_GET
def mou_waiting(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/mou_waiting.html",
        {"mous": services.mous_waiting_for(request.user), "signed": selectors.mous_signed_by(request.user)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def mou_sign_mine(request: HttpRequest, pk: int) -> HttpResponse:
    mou = get_object_or_404(services.mous_waiting_for(request.user).select_related("application__program_year"), pk=pk)
    return _mou_page(request, mou, token=None)
