"""A second year: a coach who continues after a favourable six-month review is carried into the
next program year without applying again.

The renewal is an ``Application`` of the next year, linked to the year before (``renewal_of``),
with the applicant's answers carried over and its stage accepted from the start (staff decided it
on the six-month review). What it still needs is the renewed MOU: the same leader or supervisor
who signed last year's is asked again, through the same emailed link, typed signature and leader
questions as any MOU (``mou_send``). Until it is signed (or marked not applicable, where last
year's was), the coach is not offered for pairing (``Application.ready_to_pair``).

Evaluation calls ``application_renew`` when it carries out the decision; applications never asks
why (the layers run one way).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pac.models import ProgramYear, User
from pac.workflow import TransitionError

from ..models import MOU, Application, ApplicationEvent, Stage
from .applicants import application_withdraw
from .common import require_applicant_name
from .components import mou_send, mou_template_for
from .decisions import record_participations

# what the next year's application keeps from the year before (the answers as last stated; the
# applicant may ask staff to correct them in the admin, as for any application)
CARRIED_FIELDS = (
    "program",
    *Application.ANSWER_FIELDS,
    "statement",
    "preferred_coaching",
    "program_profile",
    "resume",
    "resume_name",
)
# a coach's application for the next year made before the decision, replaced by the renewal
REPLACEABLE = Application.OPEN_STAGES


def renewal_for(*, prior: Application, program_year: ProgramYear) -> Application | None:
    """The application that carries ``prior``'s applicant in its role into ``program_year``: the
    renewal made from it, or an application they were already accepted with; None if neither."""
    return (
        Application.objects.filter(applicant_id=prior.applicant_id, program_year=program_year, role=prior.role)
        .filter(stage=Stage.ACCEPTED)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def application_renew(
    *, prior: Application, program_year: ProgramYear, actor: User, note: str = ""
) -> tuple[Application, bool]:
    """Carry an accepted application into a later program year as an accepted second year, and
    ask the signer of its MOU for the renewed one. Idempotent: if the applicant already holds an
    accepted application for the role that year (a renewal made before, or one they applied and
    were accepted with), that one is returned and nothing changes. An application of theirs for
    the role still in progress is withdrawn: the renewal replaces it. Returns (application, made)."""
    prior = Application.objects.select_related("applicant", "program_year").get(pk=prior.pk)
    if prior.stage != Stage.ACCEPTED:
        raise TransitionError(
            f"Application {prior.reference} is “{prior.get_stage_display()}”; only an accepted year is renewed."
        )
    if program_year.starts_on <= prior.program_year.starts_on:
        raise TransitionError(f"{program_year} does not follow {prior.program_year}; a second year comes after.")
    require_applicant_name(prior)
    existing = renewal_for(prior=prior, program_year=program_year)
    if existing is not None:
        return existing, False
    for replaced in Application.objects.filter(
        applicant_id=prior.applicant_id, program_year=program_year, role=prior.role, stage__in=REPLACEABLE
    ):
        application_withdraw(
            application=replaced,
            actor=actor,
            reason=f"Replaced by the second year carried over from {prior.reference}.",
        )
    now = timezone.now()
    renewal = Application.objects.create(
        program_year=program_year,
        role=prior.role,
        applicant=prior.applicant,
        created_by=actor,
        stage=Stage.ACCEPTED,
        renewal_of=prior,
        submitted_at=now,
        decided_at=now,
        decided_by=actor,
        decision_note=note.strip() or f"Second year, continuing {prior.reference} after the six-month review.",
        **{name: getattr(prior, name) for name in CARRIED_FIELDS},
    )
    renewal.tags.set(prior.tags.all())
    ApplicationEvent.objects.create(
        application=renewal,
        from_stage="",
        to_stage=Stage.ACCEPTED,
        actor=actor,
        note=renewal.decision_note,
    )
    record_participations(renewal)
    _renewed_mou(renewal, prior=prior, actor=actor)
    return renewal, True


def _renewed_mou(renewal: Application, *, prior: Application, actor: User) -> MOU | None:
    """Ask last year's signer to sign again; carry a waiver over as a waiver. With neither (an MOU
    never completed), nothing is asked: the coach or staff ask someone from the application."""
    last = prior.mous.filter(status__in=MOU.COMPLETE).select_related("signer_person").first()
    if last is None:
        return None
    if last.status == MOU.Status.WAIVED:
        return MOU.objects.create(
            application=renewal,
            status=MOU.Status.WAIVED,
            waived_reason=f"Carried over from {prior.reference}: {last.waived_reason}",
            waived_by=actor,
            waived_at=timezone.now(),
        )
    mou = MOU.objects.create(
        application=renewal,
        signer_name=last.signer_name,
        signer_email=last.signer_email,
        signer_title=last.signer_title,
        signer_person=last.signer_person,
        template=mou_template_for(renewal.role),
    )
    return mou_send(mou=mou, actor=actor)
