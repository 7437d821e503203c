"""Only EEC staff pair people; a coach, mentee or leader sees only the pairs they belong to."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from pac.permissions import is_eec_staff

from .models import Pair, member_of


@rules.predicate
def is_pair_member(user, pair: Pair | None) -> bool:
    # a proposed (locked) pair is staff's draft: nobody is told until it is confirmed
    if pair is None or not user.is_authenticated or pair.status in (Pair.Status.DISCARDED, Pair.Status.PROPOSED):
        return False
    people = {pair.coach.user_id, pair.mentee.user_id, pair.leader.user_id if pair.leader_id else None}
    return user.pk in people


rules.add_perm("pairings.manage", is_eec_staff)
rules.add_perm("pairings.view_pair", is_eec_staff | is_pair_member)


def pairs_visible_to(user) -> QuerySet[Pair]:
    if is_eec_staff(user):
        return Pair.objects.all()
    if not user.is_authenticated:
        return Pair.objects.none()
    return Pair.objects.filter(member_of(user)).exclude(status__in=[Pair.Status.DISCARDED, Pair.Status.PROPOSED])


# staff's list of pairs as CSV (the same columns as the page)
rules.add_perm("pairings.export_pairs", is_eec_staff)
