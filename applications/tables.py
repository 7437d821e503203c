"""The staff application list's table (django-tables2; see pac/tables.py)."""

from __future__ import annotations

import django_tables2 as tables

from pac.tables import StaffTable

from .models import Application


class ApplicationTable(StaffTable):
    """Columns sort on the database; each sort ends on the reference so pages never overlap."""

    noun, noun_plural = "application", "applications"
    caption = "Applications"

    reference = tables.Column("Reference", linkify=("applications:staff_detail", [tables.A("reference")]))
    applicant = tables.Column(
        "Applicant",
        accessor="applicant__full_name",
        order_by=("applicant__last_name", "applicant__first_name", "reference"),
    )
    role = tables.Column("Role", order_by=("role", "reference"))
    region = tables.Column(
        "Region", accessor="program__region__number", default="—", order_by=("program__region__number", "reference")
    )
    stage = tables.Column("Stage", order_by=("stage", "reference"))
    received = tables.Column("Letters", order_by=("received", "reference"))
    reviews_done = tables.Column("Tier 2 reviews", order_by=("reviews_done", "reference"))

    class Meta(StaffTable.Meta):
        model = Application
        fields = ()
        empty_text = "No applications match."
