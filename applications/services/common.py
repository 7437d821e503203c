"""Shared pieces of the workflow: errors, transitions, locking, notifications."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pac.contact import eec_contact
from pac.models import User
from pac.services import email_queue
from pac.workflow import TransitionError

from ..models import Application, ApplicationEvent, ReviewAssignment, Stage

logger = logging.getLogger(__name__)


REVIEWERS_PER_APPLICATION = 3


def require_applicant_name(application: Application) -> None:
    """Nothing (an email, the MOU, a PDF) is built in the name of an applicant PAC has no name for:
    the email address is never a stand-in for it."""
    if not application.applicant.has_name:
        raise TransitionError(
            f"Application {application.reference} has no applicant name on record, so PAC cannot send or sign "
            "anything for it. Add the name on the profile page (Account) first."
        )


def _notify(template: str, *, to: Iterable[str], context: dict, key: str | None = None, attachments=()) -> None:
    """Render applications/email/<template>.txt (first line is the subject) and queue it. An email
    about an application whose applicant has no name on record is refused (``require_applicant_name``)."""
    if isinstance(context.get("application"), Application):
        require_applicant_name(context["application"])
    text = render_to_string(f"applications/email/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    email_queue(
        to=to, subject=f"[PAC] {subject.strip()}", body_text=body.strip() + "\n", key=key, attachments=attachments
    )


def _transition(application: Application, step: str, *, actor: User | None, note: str = "") -> Application:
    """Take ``step`` of the application's workflow (``Application.workflow``), recording the event."""
    to = Application.workflow.require(
        step,
        application.stage,
        refusal=f"Application {application.reference} is “{application.get_stage_display()}”; it cannot move to "
        f"“{Stage(Application.workflow.target(step)).label}” from there.",
    )
    ApplicationEvent.objects.create(
        application=application, from_stage=application.stage, to_stage=to, actor=actor, note=note
    )
    application.stage = to
    application.save(update_fields=["stage", "updated_at"])
    return application


def withdraw_reviews(queryset) -> None:
    """Withdraw open reviews one by one, so each change is in the audit history."""
    for assignment in queryset.select_for_update(of=("self",)):
        assignment.status = ReviewAssignment.Status.WITHDRAWN
        assignment.save(update_fields=["status"])


def release_slots(queryset) -> None:
    """Free interview slots one by one (kept in history)."""
    for slot in queryset.select_for_update(of=("self",)):
        slot.application = None
        slot.booked_at = None
        slot.save(update_fields=["application", "booked_at"])


def _lock(application: Application) -> Application:
    """Re-read the application under a row lock so two steps never interleave."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("program__region", "applicant", "program_year")
        .get(pk=application.pk)
    )


def _applicant_email(application: Application) -> list[str]:
    return [application.applicant.email]


def application_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.reference])


COMPONENT_STAGES = (Stage.DRAFT, Stage.SUBMITTED, Stage.SCREENED_OUT)


def _check_components_open(application: Application) -> None:
    if application.stage not in COMPONENT_STAGES:
        raise TransitionError(
            f"Application {application.reference} is “{application.get_stage_display()}”; its recommendations and "
            "MOU can no longer change."
        )


def _check_mou_changeable(application: Application) -> None:
    """The MOU may change while the application gathers its components, and on an accepted second
    year (its renewed MOU)."""
    if not application.mou_open:
        raise TransitionError(
            f"Application {application.reference} is “{application.get_stage_display()}”; its MOU can no longer change."
        )


def _check_window(application: Application, *, now: datetime.datetime | None = None) -> None:
    """The applicant may change or submit an application only while its year takes applications,
    or until the date staff reopened it to. ``now`` is for replaying history (the demo) and tests."""
    on = timezone.localtime(now).date() if now else timezone.localdate()
    if application.window_open(on):
        return
    year = application.program_year
    reopened = f" (EEC reopened it until {application.reopened_until:%B %-d, %Y})" if application.reopened_until else ""
    raise TransitionError(
        f"Applications for {year} closed on {year.applications_close_on:%B %-d, %Y}{reopened}, so application "
        f"{application.reference} can no longer be changed or submitted. If you need more time, "
        f"{eec_contact().sentence()}: they can reopen it."
    )


def _check_applicant_window(
    application: Application, actor: User | None, *, now: datetime.datetime | None = None
) -> None:
    """The window binds the applicant; staff acting on the application are not held to it, and a
    second year (made by staff after the six-month review, never applied for) has no window."""
    if application.is_renewal:
        return
    if actor is not None and actor.pk == application.applicant.user_id:
        _check_window(application, now=now)
