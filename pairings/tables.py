"""Staff's list of pairs (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables

from pac.tables import EmptyLastDateColumn, StaffTable

from .models import Pair


class PairTable(StaffTable):
    """Columns sort on the database; each sort ends on the pair's id so pages never overlap."""

    noun, noun_plural = "pair", "pairs"
    caption = "Pairs"

    coach = tables.Column(
        "Coach",
        accessor="coach__full_name",
        linkify=("pairings:detail", [tables.A("pk")]),
        order_by=("coach__last_name", "coach__first_name", "pk"),
    )
    mentee = tables.Column(
        "Mentee", accessor="mentee__full_name", order_by=("mentee__last_name", "mentee__first_name", "pk")
    )
    leader = tables.Column(
        "Leader", accessor="leader__full_name", default="—", order_by=("leader__last_name", "leader__first_name", "pk")
    )
    region = tables.Column(
        "Region",
        accessor="mentee__program__region__number",
        default="—",
        order_by=("mentee__program__region__number", "pk"),
    )
    kind = tables.Column("Kind", order_by=("kind", "pk"))
    status = tables.Column("Status", order_by=("status", "pk"))
    started_on = EmptyLastDateColumn(
        verbose_name="Started", format="M j, Y", default="—", order_by=("started_on", "pk")
    )

    class Meta(StaffTable.Meta):
        model = Pair
        fields = ()
        empty_text = "No pairs match."
