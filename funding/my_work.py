"""A coach's stipend on My work (what is payable, and what the next installment still needs), and
the menu items: "Your stipend" for coaches, "Coach stipends" for staff."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from pac import my_work, navigation
from pac.models import ProgramYear
from pairings.models import Pair, person_of

from . import selectors
from .money import dollars


@my_work.register
def stipend_panel(request: HttpRequest) -> my_work.Panel | None:
    person = getattr(request.user, "person", None)
    year = ProgramYear.objects.current()
    if person is None or year is None:
        return None
    rules = selectors.rules_for(year)
    statement = selectors.statement_of(year, person) if rules else None
    if statement is None or not statement.installments:
        return None
    waiting = [s for s in statement.installments if not s.payable]
    items = [
        {
            "text": f"Installment {s.installment.number} ({dollars(s.amount)}) is payable",
            "url": reverse("funding:my_stipend"),
        }
        for s in statement.installments
        if s.payable
    ]
    if waiting:
        first = waiting[0]
        items.append(
            {
                "text": f"Installment {first.installment.number} ({dollars(first.amount)}) needs: "
                + " ".join(first.missing),
                "url": reverse("funding:my_stipend"),
            }
        )
    return my_work.Panel(
        title="Your stipend",
        template="coaching/panels/due.html",
        context={
            "items": items,
            "empty": "",
            "link": (reverse("funding:my_stipend"), "Your stipend, installment by installment"),
        },
        order=16,
    )


def _coaches_this_year(request: HttpRequest):
    year = ProgramYear.objects.current()
    if year is None:
        return False
    return Pair.objects.filter(coach=person_of(request.user), program_year=year).exclude(
        status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED]
    )


navigation.register(
    navigation.NavItem(
        "Your stipend", "funding:my_stipend", order=50, exists=_coaches_this_year, group=navigation.PAIRING_AND_COACHING
    )
)
navigation.register(
    navigation.NavItem(
        "Coach stipends", "funding:stipends", order=51, permission="funding.view_all_stipends", group=navigation.ADMIN
    )
)
