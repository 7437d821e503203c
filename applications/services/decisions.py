"""Decisions: accept, waitlist, decline; the roles an acceptance gives."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from pac.models import Participation, ProgramRole, User
from pac.services import participation_end, participation_record
from pac.workflow import TransitionError

from ..models import (
    MOU,
    Application,
    Stage,
)
from .common import _applicant_email, _lock, _notify, _transition

# a decision (the stage it leads to) and its step in Application.workflow
DECISIONS = {Stage.ACCEPTED: "accept", Stage.WAITLISTED: "waitlist", Stage.DECLINED: "decline"}


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
        DECISIONS[decision],
        actor=actor,
        note=note or ("Promoted from the waitlist" if promoted else ""),
    )
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = note.strip()
    application.save(update_fields=["decided_at", "decided_by", "decision_note"])
    if decision == Stage.ACCEPTED:
        record_participations(application)
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


def record_participations(application: Application) -> None:
    """The roles an accepted application gives (idempotent): the applicant's, and the MOU signer's."""
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
