"""The menu items: "Your stipend" for coaches of the current year (when it has funding rules),
"Coach stipends" for staff. (My work gains funding's to-dos with claims and requests.)"""

from __future__ import annotations

from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone

from pac import navigation
from pac.models import ProgramYear
from pairings.models import Pair, person_of


def _coaches_this_year(request: HttpRequest):
    """Pairs the user coaches in the current program year, when that year has funding rules: asked
    with the other menu items in one query (the current year is a subquery, not a query of its own)."""
    current = ProgramYear.objects.filter(starts_on__lte=timezone.localdate()).order_by("-starts_on").values("pk")[:1]
    return (
        Pair.objects.filter(coach=person_of(request.user), program_year=Subquery(current))
        .filter(program_year__funding_rules__isnull=False)
        .exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])
    )


navigation.register(
    navigation.NavItem(
        "Your stipend", "funding:my_stipend", order=50, exists=_coaches_this_year, group=navigation.PAIRING_AND_COACHING
    )
)
navigation.register(
    navigation.NavItem(
        "Coach stipends",
        "funding:stipends",
        order=51,
        permission="funding.view_all_stipends",
        group=navigation.PAIRING_AND_COACHING,
    )
)
