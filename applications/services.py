"""Writes and workflow transitions for applications. One function per step: each checks the
step is allowed, does it in a transaction, records who and when, and queues its emails
to be sent once the transaction commits."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pac.models import Participation, Person, Program, ProgramRole, ProgramYear, User
from pac.services import email_queue, participation_end, participation_record

from . import screening
from .models import (
    MOU,
    Application,
    ApplicationEvent,
    Committee,
    Criterion,
    InterviewSlot,
    MOUTemplate,
    Recommendation,
    ReviewAssignment,
    Rubric,
    Score,
    ScreeningCheck,
    Stage,
    Tier,
    hash_token,
    new_token,
)
from .roles import ApplicantRole, Relationship

logger = logging.getLogger(__name__)
REVIEWERS_PER_APPLICATION = 3


class TransitionError(ValidationError):
    """A workflow step that is not allowed now; the message says why, in the program's words."""


# --- helpers ---------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.PAC_BASE_URL.rstrip("/") + path


def _notify(template: str, *, to: Iterable[str], context: dict, key: str | None = None, attachments=()) -> None:
    """Render applications/email/<template>.txt (first line is the subject) and queue it."""
    text = render_to_string(f"applications/email/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    email_queue(
        to=to, subject=f"[PAC] {subject.strip()}", body_text=body.strip() + "\n", key=key, attachments=attachments
    )


def _transition(
    application: Application, to: str, *, actor: User | None, allowed_from: Iterable[str], note: str = ""
) -> Application:
    if application.stage not in allowed_from:
        raise TransitionError(
            f"Application {application.reference} is “{application.get_stage_display()}”; it cannot move to "
            f"“{Stage(to).label}” from there."
        )
    ApplicationEvent.objects.create(
        application=application, from_stage=application.stage, to_stage=to, actor=actor, note=note
    )
    application.stage = to
    application.save(update_fields=["stage", "updated_at"])
    return application


def _lock(application: Application) -> Application:
    """Re-read the application under a row lock so two steps never interleave."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("program__region", "applicant", "program_year")
        .get(pk=application.pk)
    )


def _applicant_email(application: Application) -> list[str]:
    return [application.applicant.email]


# --- applicants ----------------------------------------------------------------------------------


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
        application.resume_name = resume.name[:200]
        application.resume.save(resume.name, resume, save=False)
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
    ReviewAssignment.objects.filter(
        application=application, status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS]
    ).update(status=ReviewAssignment.Status.WITHDRAWN)
    InterviewSlot.objects.filter(application=application).update(application=None, booked_at=None)
    _end_participations(application, reason="Application withdrawn")
    return application


def application_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.reference])


# --- recommendations -----------------------------------------------------------------------------

COMPONENT_STAGES = (Stage.DRAFT, Stage.SUBMITTED, Stage.SCREENED_OUT)


def _check_components_open(application: Application) -> None:
    if application.stage not in COMPONENT_STAGES:
        raise TransitionError(
            f"Application {application.reference} is “{application.get_stage_display()}”; its recommendations and "
            "MOU can no longer change."
        )


@transaction.atomic
def recommendation_add(
    *, application: Application, actor: User, name: str, email: str, relationship: str
) -> Recommendation:
    application = _lock(application)
    _check_components_open(application)
    if relationship not in application.spec.relationships:
        allowed = ", ".join(Relationship(r).label.lower() for r in application.spec.relationships)
        raise TransitionError(f"For a {application.spec.label} the recommender must be: {allowed}.")
    if email.strip().lower() == application.applicant.email:
        raise TransitionError("You cannot recommend yourself; enter your recommender's email.")
    recommendation = Recommendation.objects.create(
        application=application, name=name.strip(), email=email.strip().lower(), relationship=relationship
    )
    return recommendation_send(recommendation=recommendation, actor=actor)


@transaction.atomic
def recommendation_send(*, recommendation: Recommendation, actor: User | None) -> Recommendation:
    """Send (or re-send) the recommender a fresh personal link. Any earlier link stops working."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program_year")
        .get(pk=recommendation.pk)
    )
    _check_components_open(recommendation.application)
    if recommendation.status in (Recommendation.Status.RECEIVED, Recommendation.Status.CANCELLED):
        raise TransitionError(
            f"The recommendation from {recommendation.name} is "
            f"{recommendation.get_status_display().lower()}; there is nothing to send."
        )
    token, token_hash = new_token()
    now = timezone.now()
    recommendation.token_hash = token_hash
    recommendation.token_expires_at = now + datetime.timedelta(days=settings.PAC_LINK_EXPIRY_DAYS)
    recommendation.requested_at = now
    recommendation.sent_count += 1
    recommendation.status = Recommendation.Status.REQUESTED
    recommendation.save()
    _notify(
        "recommendation_request",
        to=[recommendation.email],
        context={
            "recommendation": recommendation,
            "application": recommendation.application,
            "url": absolute_url(reverse("applications:recommend", args=[token])),
            "expires": recommendation.token_expires_at,
        },
    )
    return recommendation


@transaction.atomic
def recommendation_cancel(*, recommendation: Recommendation, actor: User) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update(of=("self",)).get(pk=recommendation.pk)
    _check_components_open(recommendation.application)
    if recommendation.status == Recommendation.Status.RECEIVED:
        raise TransitionError("A received recommendation cannot be replaced.")
    recommendation.status = Recommendation.Status.CANCELLED
    recommendation.token_hash = None
    recommendation.save()
    return recommendation


class LinkError(Exception):
    """An emailed link that cannot be used: unknown, used, expired. The message is for the person;
    ``status`` is 404 for a link we do not know and 410 for one that worked once but no longer does."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def recommendation_for_token(token: str) -> Recommendation:
    recommendation = (
        Recommendation.objects.select_related("application__applicant", "application__program_year")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if recommendation is None:
        raise LinkError(
            "This link is not valid, or the letter has already been received. Each link works once. "
            "If you still need to write a letter, ask the applicant or EEC to send you a new link.",
            404,
        )
    if not recommendation.link_is_live():
        raise LinkError("This link has expired. Ask the applicant or EEC to send you a new one.")
    if (
        recommendation.status != Recommendation.Status.REQUESTED
        or recommendation.application.stage not in COMPONENT_STAGES
    ):
        raise LinkError("This recommendation is no longer needed. Thank you.")
    return recommendation


@transaction.atomic
def recommendation_receive(*, token: str, letter_text: str = "", letter_file=None) -> Recommendation:
    found = recommendation_for_token(token)
    recommendation = Recommendation.objects.select_for_update(of=("self",)).get(pk=found.pk)
    if recommendation.token_hash != hash_token(token) or recommendation.status != Recommendation.Status.REQUESTED:
        raise LinkError("This letter has already been received. Thank you.")
    if not letter_text.strip() and not letter_file:
        raise TransitionError("Write your letter in the box or upload it as a PDF or Word file.")
    recommendation.letter_text = letter_text.strip()
    if letter_file:
        recommendation.letter_filename = letter_file.name[:200]
        recommendation.letter_file.save(letter_file.name, letter_file, save=False)
    recommendation.status = Recommendation.Status.RECEIVED
    recommendation.received_at = timezone.now()
    recommendation.token_hash = None  # single use
    recommendation.save()
    application = recommendation.application
    if application.stage in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        application_screen(application=application, actor=None)
    return recommendation


# --- MOU ----------------------------------------------------------------------------------------------


def mou_template_for(role: str) -> MOUTemplate:
    template = MOUTemplate.objects.filter(role=role, is_active=True).order_by("-version").first()
    if template is None:
        raise TransitionError("No MOU template is set up for this role yet; EEC staff add one in the admin.")
    return template


def mou_render(*, template: MOUTemplate, application: Application, signer_name: str, signer_title: str) -> str:
    program = application.program
    values = {
        "applicant_name": application.applicant.full_name,
        "role": application.get_role_display(),
        "program_name": program.name if program else "(program not stated)",
        "program_address": program.address if program else "",
        "program_type": application.get_program_type_display() if application.program_type else "",
        "qris_level": application.qris_level or "not participating",
        "signer_name": signer_name,
        "signer_title": signer_title or "Program/Instructional Leader",
        "program_year": application.program_year.name,
        "reference": application.reference,
        "program_profile": application.program_profile or "(none given)",
    }

    class Safe(dict):
        def __missing__(self, key):  # an unknown placeholder stays visible rather than failing
            return "{" + key + "}"

    return template.body.format_map(Safe(values))


@transaction.atomic
def mou_request(
    *, application: Application, actor: User, signer_name: str, signer_email: str, signer_title: str = ""
) -> MOU:
    application = _lock(application)
    _check_components_open(application)
    signer_email = signer_email.strip().lower()
    if signer_email == application.applicant.email:
        raise TransitionError("The MOU must be signed by your Program/Instructional Leader or supervisor, not you.")
    current = MOU.objects.filter(
        application=application,
        status__in=[MOU.Status.PENDING, MOU.Status.REQUESTED, MOU.Status.SIGNED, MOU.Status.WAIVED],
    ).first()
    if current and current.status == MOU.Status.SIGNED:
        raise TransitionError("The MOU is already signed. A signed MOU cannot be changed.")
    if current:
        current.status = MOU.Status.SUPERSEDED
        current.token_hash = None
        current.save()
    mou = MOU.objects.create(
        application=application,
        signer_name=signer_name.strip(),
        signer_email=signer_email,
        signer_title=signer_title.strip(),
        template=mou_template_for(application.role),
        signer_person=Person.objects.filter(email=signer_email).first(),
    )
    return mou_send(mou=mou, actor=actor)


@transaction.atomic
def mou_send(*, mou: MOU, actor: User | None) -> MOU:
    mou = (
        MOU.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program_year")
        .get(pk=mou.pk)
    )
    _check_components_open(mou.application)
    if mou.status not in (MOU.Status.PENDING, MOU.Status.REQUESTED):
        raise TransitionError(f"This MOU is {mou.get_status_display().lower()}; there is nothing to send.")
    token, token_hash = new_token()
    mou.token_hash = token_hash
    mou.token_expires_at = timezone.now() + datetime.timedelta(days=settings.PAC_LINK_EXPIRY_DAYS)
    mou.requested_at = timezone.now()
    mou.sent_count += 1
    mou.status = MOU.Status.REQUESTED
    mou.save()
    _notify(
        "mou_request",
        to=[mou.signer_email],
        context={
            "mou": mou,
            "application": mou.application,
            "url": absolute_url(reverse("applications:mou_sign", args=[token])),
            "expires": mou.token_expires_at,
            "waiting_url": absolute_url(reverse("applications:mou_waiting")),
        },
    )
    return mou


def mou_for_token(token: str) -> MOU:
    mou = (
        MOU.objects.select_related(
            "application__applicant", "application__program__region", "template", "application__program_year"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if mou is None:
        raise LinkError(
            "This link is not valid, or the MOU has already been answered. Each link works once. "
            "Ask the applicant or EEC to send a new link if needed.",
            404,
        )
    if not mou.link_is_live():
        raise LinkError("This link has expired. Ask the applicant or EEC to send you a new one.")
    _check_mou_open(mou)
    return mou


def _check_mou_open(mou: MOU) -> None:
    if mou.status != MOU.Status.REQUESTED or mou.application.stage not in COMPONENT_STAGES:
        raise LinkError("This MOU is no longer waiting for a signature. Thank you.")


def mous_waiting_for(user: User):
    """MOUs waiting for a signed-in leader or supervisor: addressed to one of their verified emails."""
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return (
        MOU.objects.filter(
            status=MOU.Status.REQUESTED, signer_email__in=emails, application__stage__in=COMPONENT_STAGES
        )
        .select_related("application__applicant", "application__program", "template")
        .order_by("requested_at", "pk")
    )


def _signed_mou_lock(mou: MOU) -> MOU:
    return (
        MOU.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program", "application__program_year", "template")
        .get(pk=mou.pk)
    )


@transaction.atomic
def mou_sign(
    *, mou: MOU, signature_name: str, confirmed: bool, ip: str | None, user_agent: str = "", user: User | None = None
) -> MOU:
    mou = _signed_mou_lock(mou)
    _check_mou_open(mou)
    if not confirmed:
        raise TransitionError("Tick the box to confirm that you agree to the MOU.")
    typed = " ".join(signature_name.split())
    if len(typed) < 3:
        raise TransitionError("Type your full name to sign.")
    mou.signed_text = mou_render(
        template=mou.template, application=mou.application, signer_name=mou.signer_name, signer_title=mou.signer_title
    )
    mou.signature_name = typed
    mou.signed_at = timezone.now()
    mou.signed_ip = ip
    mou.signed_user_agent = user_agent[:300]
    mou.signed_by_user = user
    mou.status = MOU.Status.SIGNED
    mou.token_hash = None
    if mou.signer_person_id is None:
        first, _, last = mou.signer_name.partition(" ")
        mou.signer_person, _ = Person.objects.get_or_create(
            email=mou.signer_email,
            defaults={
                "first_name": first or mou.signer_name,
                "last_name": last,
                "program": mou.application.program,
                "job_role": Person.JobRole.DIRECTOR,
            },
        )
    mou.save()
    _after_mou_answer(mou)
    return mou


@transaction.atomic
def mou_decline(*, mou: MOU, reason: str, user: User | None = None) -> MOU:
    mou = _signed_mou_lock(mou)
    _check_mou_open(mou)
    if not reason.strip():
        raise TransitionError("Please say why you are declining, so the applicant and EEC understand.")
    mou.status = MOU.Status.DECLINED
    mou.decline_reason = reason.strip()
    mou.declined_at = timezone.now()
    mou.token_hash = None
    mou.save()
    _notify("mou_declined", to=_applicant_email(mou.application), context={"mou": mou, "application": mou.application})
    _after_mou_answer(mou)
    return mou


@transaction.atomic
def mou_waive(*, application: Application, actor: User, reason: str) -> MOU:
    """Staff mark the MOU not applicable (for example an independent FCC educator with no leader)."""
    application = _lock(application)
    _check_components_open(application)
    if not application.spec.mou_may_be_waived:
        raise TransitionError(
            f"A {application.spec.label} must have a signed MOU from their supervisor; it cannot "
            "be marked not applicable."
        )
    if not reason.strip():
        raise TransitionError("Give the reason the MOU does not apply.")
    current = MOU.objects.filter(
        application=application,
        status__in=[MOU.Status.PENDING, MOU.Status.REQUESTED, MOU.Status.SIGNED, MOU.Status.WAIVED],
    ).first()
    if current and current.status in (MOU.Status.SIGNED, MOU.Status.WAIVED):
        raise TransitionError(f"The MOU is already {current.get_status_display().lower()}.")
    if current:
        current.status = MOU.Status.SUPERSEDED
        current.token_hash = None
        current.save()
    mou = MOU.objects.create(
        application=application,
        status=MOU.Status.WAIVED,
        waived_reason=reason.strip(),
        waived_by=actor,
        waived_at=timezone.now(),
    )
    _after_mou_answer(mou)
    return mou


def _after_mou_answer(mou: MOU) -> None:
    if mou.application.stage in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        application_screen(application=mou.application, actor=None)


# --- Tier 1 -------------------------------------------------------------------------------------


def screening_facts(application: Application) -> screening.Facts:
    received = application.recommendations.filter(status=Recommendation.Status.RECEIVED).count()
    mou = application.mous.filter(
        status__in=[MOU.Status.REQUESTED, MOU.Status.SIGNED, MOU.Status.WAIVED, MOU.Status.PENDING]
    ).first()
    if mou is None:
        mou = application.mous.filter(status=MOU.Status.DECLINED).order_by("-declined_at").first()
    return screening.Facts(received_recommendations=received, mou_status=mou.status if mou else None)


@transaction.atomic
def application_screen(*, application: Application, actor: User | None) -> Application:
    """Tier 1. Run every rule, keep each outcome (and any override), then move the application:
    qualifications not met → screened out (the applicant is told which); all met and complete →
    Tier 2 review (reviewers assigned); otherwise it waits for its missing components."""
    application = _lock(application)
    if application.stage not in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        return application
    outcomes = screening.evaluate(application, screening_facts(application))
    now = timezone.now()
    checks = {c.rule: c for c in ScreeningCheck.objects.filter(application=application)}
    for outcome in outcomes:
        check = checks.get(outcome.rule)
        if check is None:
            checks[outcome.rule] = ScreeningCheck.objects.create(
                application=application,
                rule=outcome.rule,
                category=outcome.category,
                passed=outcome.passed,
                message=outcome.message,
                checked_at=now,
            )
        elif (check.passed, check.message) != (outcome.passed, outcome.message):
            check.passed, check.message, check.checked_at = outcome.passed, outcome.message, now
            check.save(update_fields=["passed", "message", "checked_at"])
    current = [checks[o.rule] for o in outcomes]
    unmet = [c for c in current if c.category == ScreeningCheck.Category.QUALIFICATION and not c.satisfied]
    incomplete = [c for c in current if c.category == ScreeningCheck.Category.COMPLETENESS and not c.satisfied]
    application.screened_at = now
    application.save(update_fields=["screened_at"])
    if unmet:
        if application.stage != Stage.SCREENED_OUT:
            _transition(
                application,
                Stage.SCREENED_OUT,
                actor=actor,
                allowed_from=[Stage.SUBMITTED],
                note="Tier 1: " + "; ".join(c.message for c in unmet),
            )
            _notify(
                "screened_out",
                to=_applicant_email(application),
                context={"application": application, "unmet": unmet, "url": absolute_url(application_url(application))},
                key=f"application:{application.pk}:screened_out:{len(unmet)}:{now:%Y%m%d%H%M%S}",
            )
        return application
    if application.stage == Stage.SCREENED_OUT:
        _transition(
            application,
            Stage.SUBMITTED,
            actor=actor,
            allowed_from=[Stage.SCREENED_OUT],
            note="Tier 1: minimum qualifications now met (override)",
        )
    if incomplete:
        return application
    _transition(
        application,
        Stage.IN_REVIEW,
        actor=actor,
        allowed_from=[Stage.SUBMITTED],
        note="Tier 1 passed: complete and meets minimum qualifications",
    )
    _notify(
        "tier1_passed",
        to=_applicant_email(application),
        context={"application": application},
        key=f"application:{application.pk}:tier1_passed",
    )
    assignments_fill(application=application, actor=actor)
    return application


@transaction.atomic
def screening_override(*, check: ScreeningCheck, actor: User, justification: str) -> ScreeningCheck:
    check = ScreeningCheck.objects.select_for_update(of=("self",)).select_related("application").get(pk=check.pk)
    if check.passed:
        raise TransitionError("This requirement is met; there is nothing to override.")
    if len(justification.strip()) < 10:
        raise TransitionError("Write a justification (at least a sentence) for the override; it is kept in history.")
    if check.application.stage not in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        raise TransitionError("Screening can be overridden only before Tier 2 review begins.")
    check.overridden = True
    check.override_justification = justification.strip()
    check.overridden_by = actor
    check.overridden_at = timezone.now()
    check.save()
    application_screen(application=check.application, actor=actor)
    return check


# --- Tier 2: assignment -------------------------------------------------------------------------------


def _eligible_reviewers(application: Application) -> list[tuple[int, int | None]]:
    """(user id, committee id) of members of active committees covering the application."""
    committees = (
        Committee.objects.filter(program_year=application.program_year, is_active=True)
        .prefetch_related("memberships")
        .select_related("region")
    )
    seen, result = set(), []
    for committee in committees:
        if not committee.covers(application):
            continue
        for membership in sorted(committee.memberships.all(), key=lambda m: m.user_id):
            if membership.user_id not in seen and membership.user_id != application.applicant.user_id:
                seen.add(membership.user_id)
                result.append((membership.user_id, committee.pk))
    return result


def rubric_for(role: str, tier: int) -> Rubric:
    rubric = Rubric.objects.filter(role=role, tier=tier, is_active=True).order_by("-pk").first()
    if rubric is None:
        raise TransitionError(
            f"No active tier {tier} rubric for {ApplicantRole(role).label}; staff add one in the admin."
        )
    return rubric


@transaction.atomic
def assignments_fill(
    *, application: Application, actor: User | None, tier: int = Tier.APPLICATION
) -> list[ReviewAssignment]:
    """Bring the application up to three active Tier 2 reviewers, picking the least-loaded eligible
    committee members (ties by user id, so the result is deterministic). Reviewers who were recused
    or removed are not picked again. Returns the new assignments; fewer than needed means the
    committees are too small, which the staff progress page shows."""
    application = _lock(application)
    if application.stage != Stage.IN_REVIEW:
        return []
    existing = list(ReviewAssignment.objects.filter(application=application, tier=tier))
    active = [a for a in existing if a.status in ReviewAssignment.ACTIVE]
    needed = REVIEWERS_PER_APPLICATION - len(active)
    if needed <= 0:
        return []
    excluded = {a.reviewer_id for a in existing}
    candidates = [(uid, cid) for uid, cid in _eligible_reviewers(application) if uid not in excluded]
    if not candidates:
        return []
    load = dict(
        ReviewAssignment.objects.filter(
            reviewer_id__in=[uid for uid, _ in candidates],
            status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
        )
        .values_list("reviewer_id")
        .annotate(n=Count("pk"))
    )
    candidates.sort(key=lambda c: (load.get(c[0], 0), c[0]))
    rubric = rubric_for(application.role, tier)
    due = timezone.localdate() + datetime.timedelta(days=settings.PAC_REVIEW_DUE_DAYS)
    created = [
        ReviewAssignment.objects.create(
            application=application,
            reviewer_id=uid,
            committee_id=cid,
            tier=tier,
            rubric=rubric,
            assigned_by=actor,
            due_on=due,
        )
        for uid, cid in candidates[:needed]
    ]
    for assignment in created:
        _notify(
            "review_assigned",
            to=[assignment.reviewer.email],
            context={
                "assignment": assignment,
                "url": absolute_url(reverse("applications:review", args=[assignment.pk])),
            },
            key=f"assignment:{assignment.pk}:assigned",
        )
    return created


def assignments_fill_all(*, program_year: ProgramYear, actor: User) -> int:
    total = 0
    for application in Application.objects.filter(program_year=program_year, stage=Stage.IN_REVIEW).order_by("pk"):
        total += len(assignments_fill(application=application, actor=actor))
    return total


@transaction.atomic
def assignment_add(
    *, application: Application, reviewer: User, actor: User, tier: int = Tier.APPLICATION
) -> ReviewAssignment:
    """Staff adjust: assign a particular reviewer."""
    application = _lock(application)
    if application.stage not in (Stage.IN_REVIEW, Stage.INTERVIEW):
        raise TransitionError("Reviewers can be assigned only while the application is in review.")
    if reviewer.pk == application.applicant.user_id:
        raise TransitionError("Applicants cannot review their own application.")
    if ReviewAssignment.objects.filter(
        application=application,
        reviewer=reviewer,
        tier=tier,
        status__in=[*ReviewAssignment.ACTIVE, ReviewAssignment.Status.RECUSED],
    ).exists():
        raise TransitionError(f"{reviewer} is already assigned to (or recused from) this application.")
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        tier=tier,
        rubric=rubric_for(application.role, tier),
        assigned_by=actor,
        due_on=timezone.localdate() + datetime.timedelta(days=settings.PAC_REVIEW_DUE_DAYS),
    )
    _notify(
        "review_assigned",
        to=[reviewer.email],
        context={"assignment": assignment, "url": absolute_url(reverse("applications:review", args=[assignment.pk]))},
        key=f"assignment:{assignment.pk}:assigned",
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.status not in (ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS):
        raise TransitionError("Only a review that has not been submitted can be removed.")
    assignment.status = ReviewAssignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    return assignment


@transaction.atomic
def assignment_declare_conflict(
    *, assignment: ReviewAssignment, has_conflict: bool, reason: str = ""
) -> ReviewAssignment:
    """A reviewer declares any conflict of interest before seeing the packet. A conflict recuses
    them and the application is given to another committee member."""
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    if assignment.conflict_declared_at is not None:
        raise TransitionError("You have already declared whether you have a conflict of interest.")
    if assignment.status != ReviewAssignment.Status.ASSIGNED:
        raise TransitionError("This review is no longer open.")
    if has_conflict and not reason.strip():
        raise TransitionError("Briefly describe the conflict (for example: “I supervise the applicant”).")
    assignment.conflict_declared_at = timezone.now()
    assignment.has_conflict = has_conflict
    assignment.conflict_reason = reason.strip()
    assignment.status = ReviewAssignment.Status.RECUSED if has_conflict else ReviewAssignment.Status.IN_PROGRESS
    assignment.save()
    if has_conflict and assignment.tier == Tier.APPLICATION:
        assignments_fill(application=assignment.application, actor=None)
    return assignment


def _check_scoring_open(assignment: ReviewAssignment) -> None:
    if assignment.status != ReviewAssignment.Status.IN_PROGRESS:
        raise TransitionError("This review is locked: it has been submitted, or you were recused.")


@transaction.atomic
def score_save(*, assignment: ReviewAssignment, criterion: Criterion, value: int | None, comment: str = "") -> Score:
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    _check_scoring_open(assignment)
    if criterion.rubric_id != assignment.rubric_id:
        raise TransitionError("That criterion is not part of this review's rubric.")
    if value is not None and not 1 <= int(value) <= 5:
        raise TransitionError("Scores are whole numbers from 1 to 5.")
    score, _ = Score.objects.update_or_create(
        assignment=assignment, criterion=criterion, defaults={"value": value, "comment": comment.strip()}
    )
    return score


@transaction.atomic
def assignment_submit(*, assignment: ReviewAssignment, comment: str = "") -> ReviewAssignment:
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    _check_scoring_open(assignment)
    criteria = list(assignment.rubric.criteria.all())
    scored = {s.criterion_id for s in assignment.scores.filter(value__isnull=False)}
    missing = [c.name for c in criteria if c.pk not in scored]
    if missing:
        raise TransitionError("Score every criterion before submitting. Still to score: " + ", ".join(missing) + ".")
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.comment = comment.strip() or assignment.comment
    assignment.save()
    if assignment.tier == Tier.INTERVIEW:
        _interview_maybe_complete(assignment.application)
    return assignment


def reviews_remind(*, assignments: Iterable[ReviewAssignment], actor: User) -> int:
    """Email reviewers whose reviews are overdue (once a day at most each)."""
    today = timezone.localdate()
    sent = 0
    for assignment in assignments:
        if not assignment.is_overdue(today):
            continue
        with transaction.atomic():
            _notify(
                "review_reminder",
                to=[assignment.reviewer.email],
                context={
                    "assignment": assignment,
                    "url": absolute_url(reverse("applications:review", args=[assignment.pk])),
                },
                key=f"assignment:{assignment.pk}:reminder:{today:%Y-%m-%d}",
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(last_reminded_at=timezone.now())
        sent += 1
    return sent


def tier2_complete(application: Application) -> bool:
    return (
        ReviewAssignment.objects.filter(
            application=application, tier=Tier.APPLICATION, status=ReviewAssignment.Status.SUBMITTED
        ).count()
        >= REVIEWERS_PER_APPLICATION
    )


# --- Tier 3 --------------------------------------------------------------------------------------------


@transaction.atomic
def application_advance_to_interview(*, application: Application, actor: User) -> Application:
    application = _lock(application)
    if application.stage == Stage.IN_REVIEW and not tier2_complete(application):
        raise TransitionError(
            f"{application.reference} has fewer than {REVIEWERS_PER_APPLICATION} submitted "
            "reviews; finish Tier 2 first."
        )
    _transition(application, Stage.INTERVIEW, actor=actor, allowed_from=[Stage.IN_REVIEW], note="Advanced to Tier 3")
    _notify(
        "interview_invited",
        to=_applicant_email(application),
        context={
            "application": application,
            "url": absolute_url(reverse("applications:interview_pick", args=[application.reference])),
        },
        key=f"application:{application.pk}:interview_invited",
    )
    return application


@transaction.atomic
def application_skip_interview(*, application: Application, actor: User, reason: str) -> Application:
    application = _lock(application)
    if application.spec.interview_required:
        raise TransitionError("Mentees are interviewed; Tier 3 cannot be skipped for them.")
    if application.stage == Stage.IN_REVIEW and not tier2_complete(application):
        raise TransitionError(
            f"{application.reference} has fewer than {REVIEWERS_PER_APPLICATION} submitted "
            "reviews; finish Tier 2 first."
        )
    _transition(
        application,
        Stage.AWAITING_DECISION,
        actor=actor,
        allowed_from=[Stage.IN_REVIEW],
        note=f"Tier 3 not needed: {reason}".strip(),
    )
    application.tier3_not_needed_reason = (reason or "Not needed")[:300]
    application.save(update_fields=["tier3_not_needed_reason"])
    return application


@transaction.atomic
def slot_book(*, slot: InterviewSlot, application: Application, actor: User) -> InterviewSlot:
    """Give the applicant an interview slot (the applicant picks one, or staff give one). The panel
    gets Tier 3 review assignments; the applicant gets an email with a calendar invitation."""
    application = _lock(application)
    slot = InterviewSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if application.stage != Stage.INTERVIEW:
        raise TransitionError(f"{application.reference} is not at the interview stage.")
    if slot.program_year_id != application.program_year_id:
        raise TransitionError("That interview slot belongs to another program year.")
    if slot.application_id and slot.application_id != application.pk:
        raise TransitionError("That interview slot has just been taken; choose another.")
    if slot.starts_at <= timezone.now():
        raise TransitionError("That interview slot is in the past; choose another.")
    panel = [member for member in slot.panel.all() if member.pk != application.applicant.user_id]
    if len(panel) < REVIEWERS_PER_APPLICATION:
        raise TransitionError("An interview panel needs at least three people; staff must complete this slot's panel.")
    previous = InterviewSlot.objects.filter(application=application).exclude(pk=slot.pk)
    previous.update(application=None, booked_at=None)
    # a re-booking: earlier panel members not on this panel no longer score the interview
    # (whether or not they had opened their review); members on both panels keep theirs
    ReviewAssignment.objects.filter(
        application=application,
        tier=Tier.INTERVIEW,
        status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
    ).exclude(reviewer__in=panel).update(status=ReviewAssignment.Status.WITHDRAWN)
    slot.application = application
    slot.booked_at = timezone.now()
    slot.save(update_fields=["application", "booked_at"])
    rubric = rubric_for(application.role, Tier.INTERVIEW)
    for member in panel:
        if member.pk == application.applicant.user_id:
            continue
        already = ReviewAssignment.objects.filter(
            application=application, reviewer=member, tier=Tier.INTERVIEW, status__in=ReviewAssignment.ACTIVE
        ).exists()
        if not already:
            ReviewAssignment.objects.create(
                application=application,
                reviewer=member,
                tier=Tier.INTERVIEW,
                rubric=rubric,
                assigned_by=actor,
                due_on=timezone.localdate(slot.starts_at),
            )
    from .ics import interview_ics

    _notify(
        "interview_booked",
        to=_applicant_email(application),
        context={"application": application, "slot": slot},
        key=f"application:{application.pk}:interview:{slot.pk}:{slot.booked_at:%Y%m%d%H%M%S}",
        attachments=[("pac-interview.ics", interview_ics(slot=slot, application=application), "text/calendar")],
    )
    return slot


def _interview_maybe_complete(application: Application) -> None:
    application = _lock(application)
    if application.stage != Stage.INTERVIEW:
        return
    done = ReviewAssignment.objects.filter(
        application=application, tier=Tier.INTERVIEW, status=ReviewAssignment.Status.SUBMITTED
    ).count()
    open_ = ReviewAssignment.objects.filter(
        application=application,
        tier=Tier.INTERVIEW,
        status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
    ).count()
    if done >= REVIEWERS_PER_APPLICATION and open_ == 0:
        _transition(
            application,
            Stage.AWAITING_DECISION,
            actor=None,
            allowed_from=[Stage.INTERVIEW],
            note="Interview scored by the panel",
        )


# --- decisions --------------------------------------------------------------------------------------------

DECISIONS = {
    Stage.ACCEPTED: [Stage.AWAITING_DECISION, Stage.WAITLISTED],
    Stage.WAITLISTED: [Stage.AWAITING_DECISION],
    Stage.DECLINED: [Stage.AWAITING_DECISION, Stage.WAITLISTED],
}


@transaction.atomic
def application_decide(*, application: Application, actor: User, decision: str, note: str = "") -> Application:
    """Accept, waitlist or decline. Accepting makes the applicant a CT/Mentee/CA/MA for the year
    (and the signer of their MOU its leader or supervisor); a waitlisted applicant can be promoted
    when a place opens."""
    if decision not in DECISIONS:
        raise TransitionError("Choose accept, waitlist or decline.")
    application = _lock(application)
    promoted = application.stage == Stage.WAITLISTED and decision == Stage.ACCEPTED
    _transition(
        application,
        decision,
        actor=actor,
        allowed_from=DECISIONS[decision],
        note=note or ("Promoted from the waitlist" if promoted else ""),
    )
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = note.strip()
    application.save(update_fields=["decided_at", "decided_by", "decision_note"])
    if decision == Stage.ACCEPTED:
        _record_participations(application)
    _notify(
        f"decision_{decision}",
        to=_applicant_email(application),
        context={"application": application},
        key=f"application:{application.pk}:decision:{decision}",
    )
    return application


def applications_decide_bulk(
    *, applications: Iterable[Application], actor: User, decision: str, note: str = ""
) -> tuple[list[Application], list[str]]:
    """Decide several; each is its own transaction so one refusal does not undo the others."""
    done, errors = [], []
    for application in applications:
        try:
            done.append(application_decide(application=application, actor=actor, decision=decision, note=note))
        except TransitionError as exc:
            errors.append(exc.messages[0])
    return done, errors


def _record_participations(application: Application) -> None:
    spec = application.spec
    reference = application.reference
    participation_record(
        person=application.applicant,
        program_year=application.program_year,
        role=spec.program_role,
        source=Participation.Source.APPLICATION,
        source_reference=reference,
        region=application.region,
    )
    mou = application.mous.filter(status=MOU.Status.SIGNED).select_related("signer_person").first()
    if mou and mou.signer_person:
        participation_record(
            person=mou.signer_person,
            program_year=application.program_year,
            role=ProgramRole.LEADER if spec.mou_signer == "leader" else ProgramRole.SUPERVISOR,
            source=Participation.Source.MOU,
            source_reference=reference,
            region=application.region,
        )


def _end_participations(application: Application, *, reason: str) -> None:
    """End what the application's acceptance started: the applicant's role and the role of the
    person whose MOU supported it (a leader supporting several applicants keeps the others')."""
    for participation in Participation.objects.active().filter(
        program_year=application.program_year,
        source__in=[Participation.Source.APPLICATION, Participation.Source.MOU],
        source_reference=application.reference,
    ):
        if participation.source == Participation.Source.MOU:
            still = (
                Application.objects.filter(
                    program_year=application.program_year,
                    stage=Stage.ACCEPTED,
                    mous__status=MOU.Status.SIGNED,
                    mous__signer_person=participation.person,
                )
                .exclude(pk=application.pk)
                .order_by("pk")
                .first()
            )
            if still is not None:  # they still support another accepted applicant
                participation.source_reference = still.reference
                participation.save(update_fields=["source_reference"])
                continue
        participation_end(participation=participation, reason=reason)
