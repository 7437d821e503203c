"""Applicants: start, answer, submit and withdraw an application."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pac.models import Person, Program, ProgramYear, User

from ..models import (
    Application,
    ApplicationEvent,
    InterviewSlot,
    ReviewAssignment,
    Stage,
)
from ..roles import ApplicantRole
from ..uploads import store_document
from .common import (
    TransitionError,
    _applicant_email,
    _lock,
    _notify,
    _transition,
    absolute_url,
    application_url,
    release_slots,
    withdraw_reviews,
)
from .decisions import _end_participations
from .tier1 import application_screen


def person_for_user(*, user: User) -> Person:
    """The applicant's Person: linked by verified email, or created from the account."""
    from pac.services import person_link_user

    person = person_link_user(user=user)
    if person:
        return person
    first, _, last = (user.full_name or user.email.split("@")[0]).partition(" ")
    return Person.objects.create(user=user, email=user.email, first_name=first or user.email, last_name=last)


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
def application_update(*, application: Application, actor: User, data: dict, resume=None) -> Application:
    """Save the applicant's answers to their draft. ``data`` is a form's cleaned data; a program
    that is not yet in the directory is added from the new_program_* answers."""
    application = _lock(application)
    application_check_editable(application)
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
            "Contact EEC staff if something needs correcting."
        )


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    application = _lock(application)
    application_check_editable(application)
    missing = [
        f for f, ok in (("program", application.program_id), ("statement", application.statement.strip())) if not ok
    ]
    if missing:
        raise TransitionError("Before submitting, choose your program and write your statement.")
    _transition(application, Stage.SUBMITTED, actor=actor, allowed_from=[Stage.DRAFT], note="Submitted by applicant")
    application.submitted_at = timezone.now()
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
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    application = _lock(application)
    _transition(
        application,
        Stage.WITHDRAWN,
        actor=actor,
        allowed_from=Application.OPEN_STAGES + (Stage.ACCEPTED, Stage.SCREENED_OUT),
        note=reason or "Withdrawn",
    )
    application.withdrawn_reason = reason[:300]
    application.save(update_fields=["withdrawn_reason"])
    withdraw_reviews(
        ReviewAssignment.objects.filter(
            application=application, status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS]
        )
    )
    release_slots(InterviewSlot.objects.filter(application=application))
    _end_participations(application, reason="Application withdrawn")
    return application
