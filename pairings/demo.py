"""Demo pairs: the current year's accepted people paired through the real suggestion and
confirmation, so every region has active CT–Mentee and CA–MA pairs."""

from __future__ import annotations

from pac.demo import DemoContext
from pac.models import OutboundEmail, Participation

from .models import Kind, Pair
from .participation import acknowledgement_sign, requirement_set
from .participation_models import SIGNING_ROLES
from .services import pairs_confirm_suggested, suggestion_for


def seed(ctx: DemoContext) -> None:
    if Pair.objects.filter(program_year=ctx.program_year).exists():
        return
    staff = ctx.people["staff"][0].user
    for kind in Kind:
        _, suggestion = suggestion_for(ctx.program_year, kind)
        pairs_confirm_suggested(
            choices=[(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches],
            actor=staff,
            program_year=ctx.program_year,
        )
    # pairs start with the program year; demo introductions are not emailed
    Pair.objects.filter(program_year=ctx.program_year, status=Pair.Status.ACTIVE).update(
        started_on=ctx.program_year.starts_on
    )
    OutboundEmail.objects.filter(subject__startswith="[PAC] Your PAC pair").delete()
    _seed_acknowledgements(ctx, staff)


def _seed_acknowledgements(ctx: DemoContext, staff) -> None:
    """The year's Mentees and MAs signed the confidentiality acknowledgement online, all but a few (and
    mentee1, whose My work asks for it); from now on the year requires it, with orientation, before a
    pair is confirmed (the demo's pairs were confirmed above)."""
    roles = Participation.objects.active().filter(
        program_year=ctx.program_year, role__in=SIGNING_ROLES, person__user__isnull=False
    )
    for n, role in enumerate(roles.select_related("person__user").order_by("person__email")):
        if role.person.email == ctx.email("mentee1") or n % 7 == 3:
            continue
        acknowledgement_sign(
            person=role.person,
            program_year=ctx.program_year,
            signature_name=role.person.full_name,
            confirmed=True,
            user=role.person.user,
            ip="127.0.0.1",
            user_agent="PAC demo data",
        )
    requirement_set(
        program_year=ctx.program_year,
        required=True,
        actor=staff,
        note="Orientation and the acknowledgement come before pairing.",
    )
