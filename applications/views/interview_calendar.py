"""Staff call off a booked Tier 3 interview: the applicant and the panel get a calendar cancellation
and the applicant chooses another time (``services.slot_cancel``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pac.views import staff_required
from pac.workflow import attempt

from .. import services
from ..forms import SlotCancelForm
from ..models import InterviewSlot


@require_POST
@staff_required
def slot_cancel(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = get_object_or_404(InterviewSlot.objects.select_related("application"), pk=slot_id)
    back = f"{reverse('applications:interviews')}?year={slot.program_year_id}"
    form = SlotCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the interview is cancelled; the applicant and the panel are told.")
        return redirect(back)
    reference = slot.application.reference if slot.application else ""
    with attempt(request) as step:
        services.slot_cancel(slot=slot, actor=request.user, reason=form.cleaned_data["reason"])
    if step.ok:
        messages.success(
            request,
            f"The interview of {reference} is cancelled; the applicant and the panel were sent a calendar "
            "cancellation, and the applicant is asked to choose another time.",
        )
    return redirect(back)
