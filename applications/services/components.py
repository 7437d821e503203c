"""Recommendations and the MOU, requested by email and answered through single-use links."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pac.links import absolute_url
from pac.models import Person, User
from pac.workflow import LinkError, TransitionError, hash_token

from ..models import (
    MOU,
    Application,
    MOUTemplate,
    Recommendation,
    Stage,
    mou_open_q,
)
from ..roles import LeaderPosition, Relationship
from ..signatures import signature_problem
from ..uploads import store_document
from .common import (
    COMPONENT_STAGES,
    _applicant_email,
    _check_applicant_window,
    _check_components_open,
    _check_mou_changeable,
    _lock,
    _notify,
    require_applicant_name,
)
from .tier1 import application_screen


@transaction.atomic
def recommendation_add(
    *, application: Application, actor: User, name: str, email: str, relationship: str, now=None
) -> Recommendation:
    application = _lock(application)
    _check_components_open(application)
    _check_applicant_window(application, actor, now=now)
    if relationship not in application.spec.relationships:
        allowed = ", ".join(Relationship(r).label.lower() for r in application.spec.relationships)
        raise TransitionError(f"For a {application.spec.label} the recommender must be: {allowed}.")
    if email.strip().lower() in applicant_emails(application):
        raise TransitionError("You cannot recommend yourself; enter your recommender's email.")
    recommendation = Recommendation.objects.create(
        application=application, name=name.strip(), email=email.strip().lower(), relationship=relationship
    )
    return recommendation_send(recommendation=recommendation, actor=actor, now=now)


@transaction.atomic
def recommendation_send(*, recommendation: Recommendation, actor: User | None, now=None) -> Recommendation:
    """Send (or re-send) the recommender a fresh personal link. Any earlier link stops working."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program_year")
        .get(pk=recommendation.pk)
    )
    _check_components_open(recommendation.application)
    _check_applicant_window(recommendation.application, actor, now=now)
    if recommendation.status in (Recommendation.Status.RECEIVED, Recommendation.Status.CANCELLED):
        raise TransitionError(
            f"The recommendation from {recommendation.name} is "
            f"{recommendation.get_status_display().lower()}; there is nothing to send."
        )
    token = recommendation.issue_link(days=settings.PAC_LINK_EXPIRY_DAYS, status=Recommendation.Status.REQUESTED)
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
def recommendation_cancel(*, recommendation: Recommendation, actor: User, now=None) -> Recommendation:
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program_year")
        .get(pk=recommendation.pk)
    )
    _check_components_open(recommendation.application)
    _check_applicant_window(recommendation.application, actor, now=now)
    if recommendation.status == Recommendation.Status.RECEIVED:
        raise TransitionError("A received recommendation cannot be replaced.")
    recommendation.status = Recommendation.Status.CANCELLED
    recommendation.token_hash = None
    recommendation.save()
    return recommendation


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
        try:
            recommendation.letter_filename = store_document(recommendation.letter_file, letter_file, fallback="letter")
        except ValidationError as exc:
            raise TransitionError(exc.messages[0]) from None
    recommendation.status = Recommendation.Status.RECEIVED
    recommendation.received_at = timezone.now()
    recommendation.token_hash = None  # single use
    recommendation.save()
    application = recommendation.application
    if application.stage in (Stage.SUBMITTED, Stage.SCREENED_OUT):
        application_screen(application=application, actor=None)
    return recommendation


def mou_template_for(role: str) -> MOUTemplate:
    template = MOUTemplate.objects.filter(role=role, is_active=True).order_by("-version").first()
    if template is None:
        raise TransitionError("No MOU template is set up for this role yet; EEC staff add one in the admin.")
    return template


def mou_render(*, template: MOUTemplate, application: Application, signer_name: str, signer_title: str) -> str:
    require_applicant_name(application)
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

    return fill_placeholders(template.body, values)


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
MOU_PLACEHOLDERS = (
    "applicant_name",
    "role",
    "program_name",
    "program_address",
    "program_type",
    "qris_level",
    "signer_name",
    "signer_title",
    "program_year",
    "reference",
    "program_profile",
)


def fill_placeholders(body: str, values: dict) -> str:
    """Replace {name} placeholders. Any other brace is text: a stray "{" in a template staff
    wrote must never break the signing page; an unknown placeholder stays visible."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), body)


def applicant_emails(application: Application) -> set[str]:
    """Every address the applicant is known by: their Person and all emails on their account."""
    from allauth.account.models import EmailAddress

    emails = {application.applicant.email.lower()}
    if application.applicant.user_id:
        emails |= {
            e.lower()
            for e in EmailAddress.objects.filter(user_id=application.applicant.user_id).values_list("email", flat=True)
        }
        emails.add(application.applicant.user.email.lower())
    return emails


@transaction.atomic
def mou_request(
    *, application: Application, actor: User, signer_name: str, signer_email: str, signer_title: str = "", now=None
) -> MOU:
    application = _lock(application)
    _check_mou_changeable(application)
    _check_applicant_window(application, actor, now=now)
    signer_email = signer_email.strip().lower()
    if signer_email in applicant_emails(application):
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
    return mou_send(mou=mou, actor=actor, now=now)


@transaction.atomic
def mou_send(*, mou: MOU, actor: User | None, now=None) -> MOU:
    mou = (
        MOU.objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__program_year")
        .get(pk=mou.pk)
    )
    _check_mou_changeable(mou.application)
    _check_applicant_window(mou.application, actor, now=now)
    if mou.status not in (MOU.Status.PENDING, MOU.Status.REQUESTED):
        raise TransitionError(f"This MOU is {mou.get_status_display().lower()}; there is nothing to send.")
    token = mou.issue_link(days=settings.PAC_LINK_EXPIRY_DAYS, status=MOU.Status.REQUESTED)
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
    if mou.status != MOU.Status.REQUESTED or not mou.application.mou_open:
        raise LinkError("This MOU is no longer waiting for a signature. Thank you.")


def mous_waiting_for(user: User):
    """MOUs waiting for a signed-in leader or supervisor: addressed to one of their verified emails."""
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return (
        MOU.objects.filter(mou_open_q("application__"), status=MOU.Status.REQUESTED, signer_email__in=emails)
        .exclude(application__applicant__user=user)  # nobody signs the MOU for their own application
        .select_related("application__applicant", "application__program", "application__program_year", "template")
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
    *,
    mou: MOU,
    signature_name: str,
    confirmed: bool,
    ip: str | None,
    user_agent: str = "",
    user: User | None = None,
    leader_position: str = "",
    leader_ece_education: bool | None = None,
    leader_ece_experience: bool | None = None,
    leader_pq_registry_id: str = "",
) -> MOU:
    """Record the signature. A Program/Instructional Leader also says what they are to the
    applicant's program and gives their PQ Registry ID; Tier 1 screens those facts."""
    mou = _signed_mou_lock(mou)
    _check_mou_open(mou)
    if user is not None and user.pk == mou.application.applicant.user_id:
        raise TransitionError("You cannot sign the MOU for your own application.")
    if not confirmed:
        raise TransitionError("Tick the box to confirm that you agree to the MOU.")
    typed = " ".join(signature_name.split())
    if len(typed) < 3:
        raise TransitionError({"signature_name": "Type your full name to sign."})
    problem = signature_problem(typed, mou.signer_name)
    if problem:
        raise TransitionError({"signature_name": problem})
    if leader_position and leader_position not in LeaderPosition.values:
        raise TransitionError({"leader_position": "Choose your position from the list."})
    if mou.application.spec.mou_signer == "leader":
        mou.leader_position = leader_position
        chosen = leader_position == LeaderPosition.CHOSEN
        mou.leader_ece_education = leader_ece_education if chosen else None
        mou.leader_ece_experience = leader_ece_experience if chosen else None
        mou.leader_pq_registry_id = " ".join(leader_pq_registry_id.split())[:40]
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
    _check_mou_changeable(application)
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
    elif mou.application.is_renewal and mou.status in MOU.COMPLETE:
        # a second year is accepted already: the signer now holds their role for it, and the coach
        # is told they can be paired again
        from .decisions import record_participations

        record_participations(mou.application)
        _notify(
            "renewal_mou_complete",
            to=_applicant_email(mou.application),
            context={"mou": mou, "application": mou.application},
            key=f"application:{mou.application.pk}:renewal-mou:{mou.pk}",
        )
