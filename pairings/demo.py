"""Demo pairs: the current year's accepted people paired through the real suggestion and
confirmation, so every region has active CT–Mentee and CA–MA pairs."""

from __future__ import annotations

from pac.demo import DemoContext
from pac.models import OutboundEmail

from .models import Kind, Pair
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
