"""Demo surveys: "Coach feedback" sent about most coaches of last year's completed cohort (closed,
answered) and of the current cohort (open, most answered, some reminded). Made through the
services, then dated back. About 78% answer; agreement is mostly 4–5 with some 2–3 (a couple of
coaches get more of those); a few people write a sentence. Deterministic: every choice is ctx.rng's.

``evaluation/demo.py`` calls ``seed(ctx)``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from pac.demo import DemoContext
from pac.models import OutboundEmail, ProgramYear
from pac.workflow import TransitionError

from ..models import Answer, Audience, Invitation, Question, Response, Survey, SurveyRound
from . import services

SURVEY_NAME = "Coach feedback"
RESPONSE_RATE = 0.78
PRAISE = [
    "She modeled open-ended questions in my room and then watched me try. That made it click.",
    "Regular visits and quick follow-up texts; I always knew what to work on next.",
    "Helping me set up transitions with a visual schedule. Behavior at clean-up is much calmer.",
    "The coach listened first and never made me feel judged.",
    "Concrete feedback after each observation, tied to the CLASS dimensions.",
    "Bringing materials in Spanish for our families made a real difference.",
]
SUGGESTIONS = [
    "More time in the classroom and a little less paperwork in meetings.",
    "It would help to schedule meetings further ahead; some were moved at short notice.",
    "Share examples from other programs, not only our own.",
    "Check in with the director more often so we can support the plan.",
]
SHORT = ["Nothing to add.", "No.", "Keep doing what you are doing.", "N/A", "All good, thank you."]
FREQUENCY = {
    "More than monthly": 3,
    "About monthly": 6,
    "Less than monthly": 1,
}


def seed(ctx: DemoContext) -> None:
    survey = Survey.objects.filter(name=SURVEY_NAME).prefetch_related("questions").first()
    if survey is None or ctx.program_year is None:
        return
    if SurveyRound.objects.filter(program_year=ctx.program_year, survey=survey).exists():
        return  # seeded already
    started = timezone.now()
    staff = ctx.people["staff"][0].user
    questions = list(survey.questions.all())
    past = ProgramYear.objects.filter(ends_on__lt=ctx.program_year.starts_on).order_by("-starts_on").first()
    if past is not None:
        _seed_year(ctx, survey, questions, staff, past, closed=True)
    _seed_year(ctx, survey, questions, staff, ctx.program_year, closed=False)
    # demo respondents are not emailed
    OutboundEmail.objects.filter(created_at__gte=started).delete()


def _seed_year(ctx: DemoContext, survey, questions, staff, year: ProgramYear, *, closed: bool) -> None:
    today = timezone.localdate()
    coaches = list(services.coaches_of_year(year).select_related("program__region", "user"))
    for index, coach in enumerate(coaches):
        if ctx.rng.random() < 0.15:
            continue  # most coaches, not every one
        audiences = [Audience.MENTEE, Audience.LEADER, Audience.FACILITATOR]
        if not closed and index % 3 == 0:
            audiences.append(Audience.PANEL)
        try:
            survey_round = services.round_send(
                survey=survey,
                coach=coach,
                program_year=year,
                audiences=audiences,
                closes_on=today + datetime.timedelta(days=10),
                actor=staff,
            )
        except TransitionError:
            continue  # nobody with an email to ask
        # (not emailed: demo respondents get no email; the invitations are dated below)
        weaker = index % 9 == 4  # a couple of coaches get more middling answers
        if closed:
            sent_at = timezone.make_aware(
                datetime.datetime.combine(year.ends_on - datetime.timedelta(days=50), datetime.time(9))
            )
            closes_on = year.ends_on - datetime.timedelta(days=20)
        else:
            sent_at = timezone.now() - datetime.timedelta(days=12)
            closes_on = today + datetime.timedelta(days=10)
        # the answers, checked as services.response_submit checks them, saved in bulk: the demo needs
        # answered surveys, not the thousands of one-by-one submissions that made them
        responses, answers_of, answered = [], [], []
        for invitation in survey_round.invitations.order_by("pk"):
            if ctx.rng.random() >= RESPONSE_RATE:
                continue
            via = "account" if invitation.user_id and ctx.rng.random() < 0.4 else "link"
            cleaned = services._clean_answers(questions, _answers(ctx, questions, invitation.audience, weaker))
            answered_at = sent_at + datetime.timedelta(days=ctx.rng.randint(0, 14), hours=ctx.rng.randint(1, 9))
            responses.append(Response(invitation=invitation, submitted_at=answered_at, via=via))
            answers_of.append(cleaned)
            invitation.answered_at = answered_at
            answered.append(invitation)
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=question, **fields)
                for response, cleaned in zip(responses, answers_of, strict=True)
                for question, fields in cleaned.items()
            ]
        )
        Invitation.objects.bulk_update(answered, ["answered_at"])
        unanswered = survey_round.invitations.filter(answered_at__isnull=True)
        unanswered.update(reminders_sent=1, last_reminded_at=sent_at + datetime.timedelta(days=7))
        survey_round.invitations.update(sent_at=sent_at)
        SurveyRound.objects.filter(pk=survey_round.pk).update(sent_at=sent_at, closes_on=closes_on)


def _answers(ctx: DemoContext, questions: list[Question], audience: str, weaker: bool) -> dict[int, object]:
    answers: dict[int, object] = {}
    close_to_the_work = audience in (Audience.MENTEE, Audience.LEADER)
    for question in questions:
        if question.kind == Question.Kind.AGREEMENT:
            weights = [0, 2, 8, 25, 20] if weaker else [0, 1, 3, 14, 18]
            answers[question.pk] = ctx.rng.choices([1, 2, 3, 4, 5], weights=weights)[0]
        elif question.kind == Question.Kind.CHOICE:
            options = question.choice_list
            if not close_to_the_work and "I don't know" in options and ctx.rng.random() < 0.6:
                answers[question.pk] = "I don't know"
            else:
                known = [o for o in options if o in FREQUENCY] or options
                answers[question.pk] = ctx.rng.choices(known, weights=[FREQUENCY.get(o, 1) for o in known])[0]
        else:
            pool = SUGGESTIONS if "differently" in question.text else PRAISE
            if close_to_the_work and ctx.rng.random() < 0.3:
                answers[question.pk] = ctx.rng.choice(pool)
            elif question.required:  # the survey insists: most people then write very little
                answers[question.pk] = ctx.rng.choice(SHORT)
    return answers
