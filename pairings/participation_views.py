"""The confidentiality acknowledgement a Mentee or Mentee Administrator signs online."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pac.links import client_ip
from pac.workflow import attempt

from . import participation
from .models import ConfidentialityAcknowledgement
from .participation_forms import AcknowledgementForm


@never_cache
@require_http_methods(["GET", "POST"])
def confidentiality(request: HttpRequest) -> HttpResponse:
    """The year's acknowledgement: its text and the signature, or, once signed, what was signed."""
    roles = participation.signing_participations(request.user)
    if not roles:
        raise PermissionDenied(
            "The confidentiality acknowledgement is signed by the program year's Mentees and Mentee Administrators."
        )
    wanted = request.POST.get("year") or request.GET.get("year") or ""
    role = next((r for r in roles if str(r.program_year_id) == wanted), roles[0])
    year, person = role.program_year, role.person
    here = reverse("pairings:confidentiality") + f"?year={year.pk}"
    signed = participation.acknowledgements_of([person.pk], year).get(person.pk)
    form = None
    if signed is None:
        current = participation.confidentiality_text_current()
        form = AcknowledgementForm(
            request.POST or None, signer_name=person.full_name, initial={"shown_text": current.pk if current else None}
        )
        if request.method == "POST" and form.is_valid():
            with attempt(form=form) as step:
                participation.acknowledgement_sign(
                    person=person,
                    program_year=year,
                    signature_name=form.cleaned_data["signature_name"],
                    confirmed=form.cleaned_data["confirm"],
                    shown_text_id=form.cleaned_data.get("shown_text"),
                    user=request.user,
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            if step.ok:
                messages.success(request, f"Thank you: your confidentiality acknowledgement for {year} is signed.")
                return redirect(here)
    elif request.method == "POST":
        messages.info(request, f"You signed the acknowledgement for {year} already; a signed one cannot change.")
        return redirect(here)
    text = participation.confidentiality_text_current()
    return render(
        request,
        "pairings/confidentiality.html",
        {
            "year": year,
            "role": role,
            "person": person,
            "years": [r.program_year for r in roles],
            "signed": signed,
            "text": text,
            "rendered": text.render(name=person.full_name, role=role.get_role_display(), program_year=year.name)
            if text
            else "",
            "form": form,
            "earlier": ConfidentialityAcknowledgement.objects.filter(person=person)
            .exclude(program_year=year)
            .select_related("program_year", "text"),
        },
        status=400 if form is not None and form.errors else 200,
    )
