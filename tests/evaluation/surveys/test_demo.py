"""Demo surveys: last year's cohort (closed) and this year's (open), mostly answered, no email."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from evaluation.models import Answer, Invitation, Response, SurveyRound
from evaluation.surveys import demo
from pac.demo import DemoContext
from pac.models import OutboundEmail
from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.factories import ProgramYearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(program_year, staff_user):
    past = ProgramYearFactory(
        name="2025–26",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
        applications_open_on=datetime.date(2025, 3, 1),
        applications_close_on=datetime.date(2025, 6, 30),
    )
    for region in (1, 2, 3):
        active_pair(program_year, staff_user, with_leader=True, region=region)
        old = active_pair(past, staff_user, with_leader=True, region=region)
        Pair.objects.filter(pk=old.pk).update(status=Pair.Status.ENDED, ended_on=past.ends_on)
    return DemoContext(rng=random.Random(2026), program_year=program_year, people={"staff": [staff_user.person]})


def test_seed_sends_coach_feedback_for_both_cohorts(ctx, program_year):
    demo.seed(ctx)
    today = timezone.localdate()
    current = SurveyRound.objects.filter(program_year=program_year)
    past = SurveyRound.objects.exclude(program_year=program_year)
    assert current.exists() and past.exists()
    assert all(r.survey.name == "Coach feedback" for r in SurveyRound.objects.all())
    assert all(r.closes_on >= today for r in current) and all(r.closes_on < today for r in past)
    invited = Invitation.objects.count()
    answered = Invitation.objects.filter(answered_at__isnull=False).count()
    assert Response.objects.count() == answered and 0.5 <= answered / invited < 1
    agreements = list(Answer.objects.filter(agreement__isnull=False).values_list("agreement", flat=True))
    assert sum(a >= 4 for a in agreements) / len(agreements) > 0.6 and min(agreements) >= 2
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()
    assert not OutboundEmail.objects.filter(key__startswith="survey:").exists()  # demo respondents are not emailed


def test_seed_runs_once(ctx, program_year):
    demo.seed(ctx)
    first = sorted(Answer.objects.values_list("question_id", "agreement", "choice", "text"), key=str)
    counts = (SurveyRound.objects.count(), Response.objects.count())
    demo.seed(ctx)
    assert (SurveyRound.objects.count(), Response.objects.count()) == counts
    assert sorted(Answer.objects.values_list("question_id", "agreement", "choice", "text"), key=str) == first
