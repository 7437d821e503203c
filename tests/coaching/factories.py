"""Helpers for coaching tests: active pairs made through the pairing services, and meetings."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import pytest
from django.utils import timezone

from coaching.models import Meeting, ThirtyDayReport
from pac.workflow import TransitionError
from pairings import services as pairing
from pairings.models import Pair
from tests.applications.factories import MOUFactory
from tests.factories import PersonFactory
from tests.pairings.factories import accepted


def active_pair(
    year,
    staff,
    *,
    started_on: datetime.date | None = None,
    region: int = 1,
    with_leader: bool = False,
    ended_on: datetime.date | None = None,
    ma: bool = False,
    program_type: str = "center",
) -> Pair:
    """An active CT–Mentee pair (with ``ma``, a CA–MA pair) confirmed by ``staff``, optionally with a
    leader (a signed MOU); the mentee's program is of ``program_type``."""
    coach = accepted("ca" if ma else "ct", year, region_number=region)
    mentee = accepted("ma" if ma else "mentee", year, region_number=region, program_type=program_type)
    if with_leader:
        leader = PersonFactory(with_account=True, program=mentee.program)
        MOUFactory(application=mentee, signed=True, signer_person=leader, signer_email=leader.email)
    pair = pairing.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff, confirm=True)
    return backdate(pair, started_on or timezone.localdate(), ended_on=ended_on)


def backdate(pair: Pair, started_on: datetime.date | None, *, ended_on: datetime.date | None = None) -> Pair:
    """Move a confirmed pair's start (and end) to another day, as if it had been confirmed then,
    before the hourly task ever ran: the draft confirmation opened for today is taken away, so the
    pair has no 30-day report row (tests open them with services.reports_open or reports_ensure)."""
    update = {"started_on": started_on}
    if ended_on is not None:
        update["ended_on"] = ended_on
    Pair.objects.filter(pk=pair.pk).update(**update)
    ThirtyDayReport.objects.filter(pair=pair).delete()
    pair.refresh_from_db()
    return pair


def meeting(pair: Pair, held_on: datetime.date, **kw) -> Meeting:
    """A meeting written straight to the database (no date checks), for setting up a history."""
    fields = {
        "duration_minutes": 60,
        "modality": Meeting.Modality.IN_PERSON,
        "purpose": Meeting.Purpose.OBSERVATION,
        "logged_by": pair.coach.user,
    }
    fields.update(kw)
    return Meeting.objects.create(pair=pair, held_on=held_on, **fields)


@contextmanager
def refused(text: str = ""):
    """Expect a workflow step to be refused with a message containing ``text``."""
    with pytest.raises(TransitionError) as info:
        yield info
    assert text in info.value.messages[0], info.value.messages[0]
