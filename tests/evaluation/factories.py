"""Helpers for evaluation tests: certified observers and recorded observations."""

from __future__ import annotations

import datetime

from django.utils import timezone

from evaluation import services
from evaluation.models import Dimension, Instrument, Observation, ObserverCertificate
from pac.models import Person
from pac.roles import StaffRole
from pac.services import role_grant
from tests.factories import PersonFactory, UserFactory


def certified_observer(instrument: str | Instrument = "pre_k", *, expires_in_days: int = 365) -> Person:
    """A CLASS observer with an account and a certificate for ``instrument`` valid today."""
    if isinstance(instrument, str):
        instrument = Instrument.objects.get(code=instrument)
    user = UserFactory()
    role_grant(user=user, role=StaffRole.CLASS_OBSERVER)
    person = PersonFactory(user=user, email=user.email, program=None)
    today = timezone.localdate()
    ObserverCertificate.objects.create(
        observer=person,
        instrument=instrument,
        certified_on=today - datetime.timedelta(days=400),
        expires_on=today + datetime.timedelta(days=expires_in_days),
    )
    return person


def cycles_for(instrument: str | Instrument, scores: dict[str, int] | int, n: int = 4) -> list[dict[str, int]]:
    """``n`` identical cycles scoring each dimension as given (an int scores every dimension alike)."""
    if isinstance(instrument, str):
        instrument = Instrument.objects.get(code=instrument)
    codes = list(Dimension.objects.filter(domain__instrument=instrument).values_list("code", flat=True))
    if isinstance(scores, int):
        scores = dict.fromkeys(codes, scores)
    return [{code: scores[code] for code in codes} for _ in range(n)]


def record(
    pair,
    time_point: str,
    scores: dict[str, int] | int,
    *,
    instrument: str = "pre_k",
    observer: Person | None = None,
    observed_on: datetime.date | None = None,
    n_cycles: int = 4,
) -> Observation:
    """Record an observation of ``pair``'s mentee through the service (so results are stored)."""
    tool = Instrument.objects.get(code=instrument)
    observer = observer or certified_observer(tool)
    return services.observation_record(
        pair=pair,
        observee=pair.mentee,
        instrument=tool,
        time_point=time_point,
        observed_on=observed_on or timezone.localdate(),
        observer=observer,
        recorded_by=observer.user,
        cycles=cycles_for(tool, scores, n_cycles),
        classroom="Room 1",
    )


def scheduled_pre_k_observation(program_year, staff_user):
    """An active pair (a month in) whose pre observation, in Preschool A, is due within the week from a
    certified Pre-K observer. Returns (pair, observer)."""
    from tests.coaching.factories import active_pair

    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - datetime.timedelta(days=30))
    observer = certified_observer("pre_k")
    services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="pre",
        window_opens=today - datetime.timedelta(days=7),
        due_by=today + datetime.timedelta(days=7),
        observer=observer,
        instrument=Instrument.objects.get(code="pre_k"),
        classroom="Preschool A",
    )
    return pair, observer


def interview_day(program_year) -> datetime.date:
    """A day in the program year, no later than today (so the interview can be recorded)."""
    return max(program_year.starts_on, min(timezone.localdate(), program_year.ends_on))


def scheduled_interview(program_year, staff_user, *, interviewee: Person, interviewer=None, on=None):
    """A formative interview scheduled through the service; the interviewer is a new Advisory Panel
    member of the year unless given."""
    from evaluation.interviews import services as interviews
    from tests.factories import panel_seat

    return interviews.interview_schedule(
        actor=staff_user,
        program_year=program_year,
        interviewee=interviewee,
        interviewer=interviewer or panel_seat(program_year),
        scheduled_on=on or interview_day(program_year),
    )


def recorded_interview(program_year, staff_user, *, interviewee: Person, interviewer=None, open_text="Going well."):
    """A formative interview scheduled and recorded: each closed question's first option, ``open_text``
    for each open one."""
    from evaluation.interviews import services as interviews
    from evaluation.models import InterviewQuestion

    interview = scheduled_interview(program_year, staff_user, interviewee=interviewee, interviewer=interviewer)
    answers = {
        q.pk: q.choice_list[0] if q.kind == InterviewQuestion.Kind.CHOICE else open_text
        for q in interview.protocol.questions.all()
    }
    return interviews.interview_record(
        interview=interview, actor=interview.interviewer, held_on=interview.scheduled_on, answers=answers
    )
