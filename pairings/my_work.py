from django.http import HttpRequest

from pac import my_work, navigation
from pac.permissions import is_eec_staff

from .selectors import pairs_of


@my_work.register
def pairs_panel(request: HttpRequest) -> my_work.Panel | None:
    pairs = [p for p in pairs_of(request.user)[:10] if p.status != "discarded"]
    if not pairs:
        return None
    return my_work.Panel(
        title="Your pairs",
        template="pairings/panels/pairs.html",
        context={"pairs": pairs, "user": request.user},
        order=12,
    )


navigation.register(
    navigation.NavItem(
        "Pairs",
        "pairings:mine",
        order=40,
        exists=lambda r: not is_eec_staff(r.user) and pairs_of(r.user),
        group=navigation.PAIRING_AND_COACHING,
    )
)
navigation.register(
    navigation.NavItem(
        "Pairing", "pairings:suggest", order=35, permission="pairings.manage", group=navigation.PAIRING_AND_COACHING
    )
)
