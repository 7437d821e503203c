"""Helpers for survey tests: a coach with each kind of respondent, a small survey, rounds sent
through the service, and rounds written straight to the database for query-count tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from evaluation.models import Invitation, Question, Response, Survey, SurveyRound
from evaluation.surveys import services
from pac.models import Person, Region, User
from pac.workflow import hash_token
from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.factories import PersonFactory, UserFactory, panel_seat


def small_survey(name: str = "Quick feedback", *, text_required: bool = False) -> Survey:
    """Three questions: agreement (required), single choice (required), free text (optional)."""
    survey = Survey.objects.create(name=name, introduction="Tell us how coaching is going.")
    Question.objects.create(survey=survey, order=1, kind="agreement", text="The coach is well prepared.")
    Question.objects.create(
        survey=survey, order=2, kind="choice", text="How often do you meet?", choices="Weekly\nMonthly\nRarely"
    )
    Question.objects.create(survey=survey, order=3, kind="text", text="What helped most?", required=text_required)
    return survey


def answers_for(survey: Survey, agreement=4, choice="Monthly", text="") -> dict[int, object]:
    by_kind = {"agreement": agreement, "choice": choice, "text": text}
    return {q.pk: by_kind[q.kind] for q in survey.questions.all()}


def form_data(survey: Survey, agreement="4", choice="Monthly", text="") -> dict[str, str]:
    by_kind = {"agreement": agreement, "choice": choice, "text": text}
    return {f"q{q.pk}": by_kind[q.kind] for q in survey.questions.all()}


@dataclass
class Scene:
    pair: Pair
    coach: Person
    mentee: Person
    leader: Person
    facilitator: Person
    panel: User
    survey: Survey


def scene(year, staff, *, facilitator_user=None) -> Scene:
    """An active pair with a leader in Region 1, the region's PLC facilitator, and an Advisory
    Panel member of the year."""
    pair = active_pair(year, staff, with_leader=True, region=1)
    if facilitator_user is not None:
        facilitator = facilitator_user.person
    else:
        facilitator = PersonFactory(with_account=True, program=None)
    Region.objects.get(number=1).facilitators.add(facilitator)
    panel = panel_seat(year)
    return Scene(
        pair=pair,
        coach=pair.coach,
        mentee=pair.mentee,
        leader=pair.leader,
        facilitator=facilitator,
        panel=panel,
        survey=small_survey(),
    )


def send(s: Scene, year, staff, *, audiences=None, closes_in_days: int = 14) -> SurveyRound:
    return services.round_send(
        survey=s.survey,
        coach=s.coach,
        program_year=year,
        audiences=audiences or ["mentee", "leader", "facilitator", "panel"],
        closes_on=timezone.localdate() + datetime.timedelta(days=closes_in_days),
        actor=staff,
    )


def token_of(invitation: Invitation) -> str:
    return services.invitation_token(round_id=invitation.round_id, email=invitation.email)


def raw_round(survey, coach, year, staff, *, invited: int, answered: int, closes_on=None) -> SurveyRound:
    """A round with ``invited`` invitations of which ``answered`` have responses, written directly."""
    survey_round = SurveyRound.objects.create(
        survey=survey,
        coach=coach,
        program_year=year,
        audiences=["mentee"],
        closes_on=closes_on or timezone.localdate() + datetime.timedelta(days=7),
        sent_by=staff,
    )
    now = timezone.now()
    for n in range(invited):
        user = UserFactory()
        invitation = Invitation.objects.create(
            round=survey_round,
            audience="mentee" if n % 2 else "leader",
            user=user,
            name=f"Respondent {n}",
            email=user.email,
            token_hash=hash_token(f"{survey_round.pk}-{n}"),
            sent_at=now,
            answered_at=now if n < answered else None,
        )
        if n < answered:
            response = Response.objects.create(invitation=invitation, via="link")
            for q in survey.questions.all():
                fields = {"agreement": 1 + n % 5} if q.kind == "agreement" else {}
                if q.kind == "choice":
                    fields = {"choice": q.choice_list[n % len(q.choice_list)]}
                if q.kind == "text":
                    fields = {"text": f"Answer {n}"}
                response.answers.create(question=q, **fields)
    return survey_round
