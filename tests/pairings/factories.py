"""Factories for pairings: accepted applicants in a region, and pairs made straight through the ORM.

``accepted`` is the usual way in: an accepted application whose applicant works at a new program in
the given region. ``PairFactory`` bypasses the services (no capacity check, no scores) and is meant
for tests of the database constraints and of the read side.
"""

from __future__ import annotations

from collections.abc import Iterable

import factory
from factory.django import DjangoModelFactory

from applications.models import Application, Stage
from pac.models import ProgramYear, Region, Tag
from pairings.models import Kind, Pair
from tests.applications.factories import ApplicationFactory
from tests.factories import PersonFactory, ProgramFactory, ProgramYearFactory


def accepted(
    role: str,
    year: ProgramYear,
    region_number: int = 1,
    program_type: str = "center",
    tags: Iterable[Tag | int | str] = (),
    language: str = "en",
    **kw,
) -> Application:
    """An accepted application for ``role`` whose applicant's program is in Region ``region_number``.

    ``tags`` may be Tag rows, tag ids or tag codes. Extra keywords go to ApplicationFactory; pass
    ``applicant=`` to reuse a person (their program then decides the region).
    """
    if "applicant" not in kw:
        program = ProgramFactory(region=Region.objects.get(number=region_number), program_type=program_type)
        kw["applicant"] = PersonFactory(with_account=True, program=program, preferred_language=language)
    application = ApplicationFactory(
        role=role, program_year=year, stage=Stage.ACCEPTED, program_type=program_type, **kw
    )
    tag_rows = []
    for tag in tags:
        if isinstance(tag, str):
            tag_rows.append(Tag.objects.get(code=tag))
        else:
            tag_rows.append(tag)
    if tag_rows:
        application.tags.set(tag_rows)
    return application


class PairFactory(DjangoModelFactory):
    """A proposed CT–Mentee pair in Region 1, slot 1 of a coach with capacity 2, made without the services."""

    class Meta:
        model = Pair

    program_year = factory.SubFactory(ProgramYearFactory)
    kind = Kind.CT_MENTEE
    coach_application = factory.LazyAttribute(lambda o: accepted("ct", o.program_year))
    mentee_application = factory.LazyAttribute(lambda o: accepted("mentee", o.program_year))
    coach = factory.SelfAttribute("coach_application.applicant")
    mentee = factory.SelfAttribute("mentee_application.applicant")
    status = Pair.Status.PROPOSED
    coach_slot = 1
    coach_capacity = 2
