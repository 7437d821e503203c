"""Downloads: the application packet PDF, the audit bundle, the signed MOU PDF, and the committee's
packets for offline review (a document job). Anyone who may not see the item gets a 404: hidden is
the same as missing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pac.documents.render import pdf_response
from pac.documents.services import document_job_request
from pac.permissions import is_eec_staff

from .. import documents
from ..models import MOU, Committee
from ..permissions import mous_visible_to, packets_visible_to, review_is_blind
from ..selectors import current_mou


def _packet_application(request: HttpRequest, reference: str):
    return get_object_or_404(documents.application_for_packet(packets_visible_to(request.user)), reference=reference)


@require_GET
def packet_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    application = _packet_application(request, reference)
    pdf = documents.packet_pdf(application, blind=review_is_blind(request.user, application))
    return pdf_response(pdf, documents.packet_filename(application))


@require_GET
def audit_bundle(request: HttpRequest, reference: str) -> HttpResponse:
    application = _packet_application(request, reference)
    mou = current_mou(application)
    content = documents.audit_bundle(
        application,
        blind=review_is_blind(request.user, application),
        with_mou=mou is not None and request.user.has_perm("applications.view_mou", mou),
    )
    response = HttpResponse(content, content_type=documents.ZIP)
    response["Content-Disposition"] = f'attachment; filename="{documents.audit_bundle_filename(application)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def mou_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    mou = get_object_or_404(documents.mou_for_pdf(mous_visible_to(request.user)), pk=pk)
    if not mou.signed_at:
        if mou.status == MOU.Status.WAIVED:
            messages.info(request, "This MOU was marked not applicable by EEC; there is no signed document.")
        else:
            messages.info(request, f"This MOU is not signed ({mou.get_status_display().lower()}); there is no PDF yet.")
        if is_eec_staff(request.user):
            return redirect("applications:staff_detail", reference=mou.application.reference)
        if mou.application.applicant.user_id == request.user.pk:
            return redirect("applications:detail", reference=mou.application.reference)
        return redirect("applications:mou_waiting")
    return pdf_response(documents.mou_pdf(mou), documents.mou_filename(mou))


@require_POST
def committee_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(Committee.objects.select_related("program_year"), pk=pk)
    # document_job_request asks the document's own permission question (403 for a non-member)
    job = document_job_request(
        user=request.user,
        kind=documents.COMMITTEE_BUNDLE,
        params=documents.committee_bundle_params(request.user, committee),
        title=f"Packets for offline review: {committee.name} ({committee.program_year})",
    )
    return redirect(reverse("documents:job", kwargs={"job_id": job.pk}))
