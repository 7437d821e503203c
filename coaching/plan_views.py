"""The Mentee Administrator's plan: naming the one educator or classroom team the MA supports.
(Kept beside views.py so the plan's own pages grow here.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pac.workflow import attempt
from pairings.models import Kind

from . import selectors, services
from .forms import PlanEducatorForm
from .views import _pair


@require_http_methods(["GET", "POST"])
def plan_educator(request: HttpRequest, pk: int) -> HttpResponse:
    """Name, correct or change the educator or classroom team in an MA's plan: the CA, the MA and
    staff; the leader (the MA's supervisor) sees it on the plan."""
    pair = _pair(request, pk)
    if pair.kind != Kind.CA_MA:
        raise Http404("Only a Mentee Administrator's plan names an educator or classroom team.")
    if not request.user.has_perm("coaching.name_plan_educator", pair):
        raise PermissionDenied("The Consultant Administrator and the Mentee Administrator name the educator or team.")
    current = selectors.plan_educator_current(pair)
    form = PlanEducatorForm(
        request.POST or None, initial={"name": current.name, "classroom": current.classroom} if current else None
    )
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            chosen = services.plan_educator_name(pair=pair, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, f"The plan names {chosen}.")
            return redirect("coaching:plan", pk=pair.pk)
    return render(
        request,
        "coaching/plan_educator.html",
        {"pair": pair, "form": form, "current": current, "earlier": selectors.plan_educators(pair)},
        status=400 if form.errors else 200,
    )
