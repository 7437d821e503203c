"""Applicants: start, answer, submit and withdraw an application."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pac.contact import eec_contact
from pac.links import absolute_url
from pac.models import Person, Program, ProgramYear, User
from pac.workflow import TransitionError

from ..models import (
    Application,
    ApplicationEvent,
    InterviewSlot,
    ReviewAssignment,
    Stage,
)
from ..roles import ApplicantRole, missing_before_submission
from ..uploads import store_document
from .common import (
    COMPONENT_STAGES,
    _applicant_email,
    _check_window,
    _lock,
    _notify,
    _transition,
    application_url,
    release_slots,
    withdraw_reviews,
)
from .decisions import _end_participations
from .invitations import interview_cancellations_send
from .tier1 import application_screen


def person_for_user(*, user: User) -> Person:
    """The applicant's Person: linked by verified email, or created from the account's name. An
    account with no name gets none made up from its email: the applicant is asked for it first."""
    from pac.services import person_link_user

    person = person_link_user(user=user)
    if person is None and user.full_name.strip():
        first, _, last = user.full_name.strip().partition(" ")
        person = Person.objects.create(user=user, email=user.email, first_name=first, last_name=last)
    if person is None or not person.has_name:
        raise TransitionError("Add your name on your profile (Account) before you start an application.")
    return person


@transaction.atomic
def application_start(*, user: User, program_year: ProgramYear, role: str) -> Application:
    if not program_year.applications_open():
        raise TransitionError(
            f"Applications for {program_year} are closed (they were open {program_year.applications_open_on:%B %-d} "
            f"to {program_year.applications_close_on:%B %-d, %Y})."
        )
    person = person_for_user(user=user)
    existing = Application.objects.filter(applicant=person, program_year=program_year, role=role).exclude(
        stage__in=[Stage.WITHDRAWN, Stage.DECLINED]
    )
    if existing.exists():
        raise TransitionError(f"You already have a {ApplicantRole(role).label} application for {program_year}.")
    program = person.program
    application = Application.objects.create(
        program_year=program_year,
        role=role,
        applicant=person,
        created_by=user,
        program=program,
        program_type=program.program_type if program else "",
        qris_level=program.qris_level if program else None,
        qris_status=program.qris_status if program else "",
        job_role=person.job_role,
        highest_degree=person.highest_degree,
        degree_field=person.degree_field,
        degree_field_name=person.degree_field_name,
        eec_certification=person.eec_certification,
        years_as_educator=person.years_as_educator,
        years_supervising=person.years_supervising,
        pq_registry_id=person.pq_registry_id,
    )
    ApplicationEvent.objects.create(application=application, to_stage=Stage.DRAFT, actor=user, note="Started")
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor: User, data: dict, resume=None, now: datetime.datetime | None = None
) -> Application:
    """Save the applicant's answers to their draft. ``data`` is a form's cleaned data; a program
    that is not yet in the directory is added from the new_program_* answers."""
    application = _lock(application)
    application_check_editable(application)
    _check_window(application, now=now)
    tags = data.pop("tags", None)
    new_program = {k.removeprefix("new_program_"): data.pop(k) for k in list(data) if k.startswith("new_program_")}
    if not data.get("program") and new_program.get("name"):
        data["program"] = Program.objects.create(
            name=new_program["name"],
            program_type=new_program["type"],
            license_number=new_program.get("license", ""),
            licensure=Program.Licensure.LICENSED if new_program.get("license") else Program.Licensure.EXEMPT,
            city=new_program["city"],
            region=new_program["region"],
            qris_level=data.get("qris_level"),
            qris_status=data.get("qris_status", ""),
        )
    for field, value in data.items():
        if hasattr(application, field) and field not in ("resume_upload",):
            setattr(application, field, value if value is not None or field not in TEXT_FIELDS else "")
    if resume:
        try:
            application.resume_name = store_document(application.resume, resume, fallback="resume")
        except ValidationError as exc:
            raise TransitionError(exc.messages[0]) from None
    application.save()
    if tags is not None:
        application.tags.set(tags)
    return application


TEXT_FIELDS = (
    "statement",
    "preferred_coaching",
    "program_profile",
    "degree_field_name",
    "pq_registry_id",
    "has_leader_support",
    "program_type",
    "qris_status",
    "job_role",
    "highest_degree",
    "degree_field",
    "eec_certification",
)


def application_check_editable(application: Application) -> None:
    if not application.is_editable:
        raise TransitionError(
            f"Application {application.reference} has been submitted; it can no longer be edited. "
            f"If something needs correcting, {eec_contact().sentence()}."
        )


@transaction.atomic
def application_submit(*, application: Application, actor: User, now: datetime.datetime | None = None) -> Application:
    application = _lock(application)
    application_check_editable(application)
    _check_window(application, now=now)
    missing = missing_before_submission(application)
    if missing:
        # an omission is never judged in Tier 1: the application cannot be submitted without it
        raise TransitionError(
            "Your application is not complete yet; nothing has been submitted. Still needed: "
            + "; ".join(m.label for m in missing)
            + "."
        )
    _transition(application, "submit", actor=actor, note="Submitted by applicant")
    application.submitted_at = now or timezone.now()
    application.save(update_fields=["submitted_at"])
    # keep the directory current with what the applicant stated
    person = application.applicant
    for field in (
        "job_role",
        "highest_degree",
        "degree_field",
        "degree_field_name",
        "eec_certification",
        "years_as_educator",
        "years_supervising",
        "pq_registry_id",
    ):
        setattr(person, field, getattr(application, field))
    person.program = application.program
    person.save()
    _notify(
        "submitted",
        to=_applicant_email(application),
        context={"application": application, "url": absolute_url(application_url(application))},
        key=f"application:{application.pk}:submitted",
    )
    return application_screen(application=application, actor=actor)


@transaction.atomic
def application_reopen(*, application: Application, actor: User, until: datetime.date, reason: str) -> Application:
    """Staff reopen one application after its year's window closed: the applicant may change and
    submit it (and ask for letters and the MOU) until the end of ``until``."""
    application = _lock(application)
    if application.stage not in COMPONENT_STAGES:
        raise TransitionError(
            f"Application {application.reference} is “{application.get_stage_display()}”; only a draft or an "
            "application still waiting for its letters or MOU can be reopened."
        )
    reason = reason.strip()
    if not reason:
        raise TransitionError("Give the reason for reopening; it is kept in the application's history.")
    year = application.program_year
    if until < timezone.localdate():
        raise TransitionError("Choose a date from today on.")
    if until <= year.applications_close_on:
        raise TransitionError(
            f"Applications for {year} are open until {year.applications_close_on:%B %-d, %Y}; "
            "choose a later date to reopen this one."
        )
    application.reopened_until = until
    application.reopened_reason = reason
    application.reopened_by = actor
    application.reopened_at = timezone.now()
    application.save(update_fields=["reopened_until", "reopened_reason", "reopened_by", "reopened_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        from_stage=application.stage,
        to_stage=application.stage,
        actor=actor,
        note=f"Reopened for the applicant until {until:%B %-d, %Y}: {reason}",
    )
    _notify(
        "reopened",
        to=_applicant_email(application),
        context={"application": application, "url": absolute_url(application_url(application))},
        key=f"application:{application.pk}:reopened:{until:%Y%m%d}:{application.reopened_at:%Y%m%d%H%M%S}",
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    application = _lock(application)
    _transition(application, "withdraw", actor=actor, note=reason or "Withdrawn")
    application.withdrawn_reason = reason[:300]
    application.save(update_fields=["withdrawn_reason"])
    withdraw_reviews(
        ReviewAssignment.objects.filter(
            application=application, status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS]
        )
    )
    for slot in InterviewSlot.objects.filter(application=application, starts_at__gt=timezone.now()):
        interview_cancellations_send(
            application=application, slot=slot, reason="The application was withdrawn.", pick_again=False
        )
    release_slots(InterviewSlot.objects.filter(application=application))
    _end_participations(application, reason="Application withdrawn")
    return application
