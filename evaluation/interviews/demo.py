"""Demo formative interviews. This year's go through the services: a few recorded (by the panel's
chair and by staff), a few still to hold, one of them held by the panel's Consultant Teacher (ct1,
whose My work shows it) and one with ct1 (shown as theirs to give). Last year's are written as
records made at the time (the services refuse dates and roles of a year that has ended), so last
year's six-month reviews show interviews with coaches and their Mentees."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pac.demo import DemoContext
from pac.models import ProgramYear
from pac.selectors import advisory_panel_chair
from pairings.models import Pair

from ..models import CoachReview, FormativeInterview, InterviewAnswer, InterviewProtocol, InterviewQuestion
from . import services

OPEN_ANSWERS = {
    "coach": [
        "We agreed on two goals for circle time and the second one is nearly met.",
        "Finding a regular time when the room is covered; a fixed morning each week would help.",
        "The feeding routine in the toddler room is calmer and the children join in.",
    ],
    "mentee": [
        "I ask more open questions at lunch and the children talk much more.",
        "More time to watch another classroom, and the coach's notes sooner after a visit.",
        "Transitions take less time and there is less waiting.",
    ],
}


def _answers(ctx: DemoContext, protocol: InterviewProtocol, tilt: int) -> dict[int, str]:
    """Mostly favourable closed answers (the first options), one open answer per open question."""
    answers = {}
    texts = OPEN_ANSWERS[protocol.audience]
    for index, question in enumerate(protocol.questions.order_by("order", "pk")):
        if question.kind == InterviewQuestion.Kind.CHOICE:
            options = question.choice_list
            answers[question.pk] = options[min(len(options) - 1, max(0, tilt + ctx.rng.choice([0, 0, 1])))]
        else:
            answers[question.pk] = texts[(index + tilt) % len(texts)]
    return answers


def seed(ctx: DemoContext) -> None:
    if FormativeInterview.objects.exists() or "staff" not in ctx.people:
        return
    staff = ctx.people["staff"][0].user
    year = ctx.program_year
    chair = advisory_panel_chair(year)
    panel_coach = ctx.people["ct"][0]
    if chair is None or panel_coach.user is None:
        return
    _seed_current(ctx, year, staff, chair, panel_coach)
    past = ProgramYear.objects.filter(starts_on__lt=year.starts_on).order_by("-starts_on").first()
    if past is not None:
        _seed_past(ctx, past, staff, chair)


def _seed_current(ctx, year, staff, chair, panel_coach) -> None:
    today = ctx.today
    pairs = [
        p
        for p in Pair.objects.filter(program_year=year, status=Pair.Status.ACTIVE)
        .select_related("coach", "mentee")
        .order_by("pk")
        if p.coach_id != panel_coach.pk
    ]
    if len(pairs) < 4:
        return
    held_on = max(year.starts_on, today - datetime.timedelta(days=10))
    # recorded: a coach by the panel's chair, a Mentee by EEC staff
    for person, interviewer, tilt in ((pairs[0].coach, chair, 0), (pairs[1].mentee, staff, 1)):
        interview = services.interview_schedule(
            actor=staff, program_year=year, interviewee=person, interviewer=interviewer, scheduled_on=held_on
        )
        services.interview_record(
            interview=interview, actor=interviewer, held_on=held_on, answers=_answers(ctx, interview.protocol, tilt)
        )
    upcoming = min(year.ends_on, today + datetime.timedelta(days=7))
    # to hold: the panel's Consultant Teacher interviews another coach; the chair interviews ct1
    services.interview_schedule(
        actor=staff, program_year=year, interviewee=pairs[2].coach, interviewer=panel_coach.user, scheduled_on=upcoming
    )
    services.interview_schedule(
        actor=staff, program_year=year, interviewee=panel_coach, interviewer=chair, scheduled_on=upcoming
    )
    services.interview_schedule(
        actor=staff, program_year=year, interviewee=pairs[3].mentee, interviewer=staff, scheduled_on=upcoming
    )


def _seed_past(ctx, past, staff, chair) -> None:
    protocols = {p.audience: p for p in InterviewProtocol.objects.filter(is_active=True)}
    reviews = list(CoachReview.objects.filter(program_year=past).select_related("coach").order_by("pk")[:4])
    for index, review in enumerate(reviews):
        pair = (
            Pair.objects.filter(program_year=past, coach=review.coach, started_on__isnull=False)
            .order_by("started_on", "pk")
            .first()
        )
        held = review.due_on - datetime.timedelta(days=30)
        interviewer = chair if index % 2 == 0 else staff
        subjects = [(review.coach, review.role, None, "coach")]
        if pair is not None:
            subjects.append((pair.mentee, "mentee" if review.role == "ct" else "ma", pair, "mentee"))
        for offset, (person, role, subject_pair, audience) in enumerate(subjects):
            if person.user_id == interviewer.pk:
                continue
            day = held + datetime.timedelta(days=offset * 3)
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
            protocol = protocols[audience]
            interview = FormativeInterview.objects.create(
                program_year=past,
                interviewee=person,
                interviewee_role=role,
                pair=subject_pair,
                coach=review.coach,
                interviewer=interviewer,
                interviewer_capacity=FormativeInterview.Capacity.PANEL
                if interviewer == chair
                else FormativeInterview.Capacity.STAFF,
                scheduled_on=day,
                protocol=protocol,
                scheduled_by=staff,
                scheduled_at=when - datetime.timedelta(days=14),
                status=FormativeInterview.Status.RECORDED,
                held_on=day,
                recorded_by=interviewer,
                recorded_at=when,
            )
            questions = {q.pk: q for q in protocol.questions.all()}
            tilt = 2 if review.decision == "discontinue" else 0
            InterviewAnswer.objects.bulk_create(
                [
                    InterviewAnswer(
                        interview=interview,
                        question=questions[pk],
                        choice=value if questions[pk].kind == InterviewQuestion.Kind.CHOICE else "",
                        text=value if questions[pk].kind == InterviewQuestion.Kind.OPEN else "",
                    )
                    for pk, value in _answers(ctx, protocol, tilt).items()
                ]
            )
