"""Survey tasks take ids, read fresh state and are safe to run twice."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from evaluation.models import SurveyRound
from evaluation.surveys import services
from evaluation.surveys.tasks import round_invitations_send_task, round_remind_task, survey_reminders_sweep_task
from pac.models import OutboundEmail

from .factories import answers_for, scene, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(program_year, staff_user):
    s = scene(program_year, staff_user)
    return s, send(s, program_year, staff_user)


def test_running_the_send_task_twice_sends_each_invitation_once(sent, mailoutbox, django_capture_on_commit_callbacks):
    _, survey_round = sent
    with django_capture_on_commit_callbacks(execute=True):
        assert round_invitations_send_task(survey_round.pk) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert round_invitations_send_task(survey_round.pk) == 0
    assert len(mailoutbox) == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(survey_round.invitations.values_list("email", flat=True))


def test_a_redelivered_send_after_a_partial_run_finishes_the_rest(sent):
    """A worker died after sending some: the retry sends only the others."""
    _, survey_round = sent
    first = survey_round.invitations.order_by("pk").first()
    services.invitations_send(survey_round=survey_round)  # all sent
    type(first).objects.filter(pk=first.pk).update(sent_at=None)  # as if its save was lost
    assert round_invitations_send_task(survey_round.pk) == 1
    assert OutboundEmail.objects.filter(key=f"survey:invitation:{first.pk}").count() == 1  # the outbox key held


def test_remind_task_skips_answered_and_closed(sent):
    s, survey_round = sent
    round_invitations_send_task(survey_round.pk)
    survey_round.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=4))
    services.response_submit(
        invitation=survey_round.invitations.get(audience="leader"), answers=answers_for(s.survey), via="link"
    )
    assert round_remind_task(survey_round.pk) == 3
    assert round_remind_task(survey_round.pk) == 0
    assert survey_round.invitations.get(audience="leader").reminders_sent == 0
    SurveyRound.objects.filter(pk=survey_round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    assert survey_reminders_sweep_task() == 0


def test_tasks_for_a_missing_round_do_nothing(db):
    assert round_invitations_send_task(987654) == 0
    assert round_remind_task(987654) == 0


def test_the_sweep_task_reminds_after_a_week(sent):
    _, survey_round = sent
    round_invitations_send_task(survey_round.pk)
    survey_round.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=8))
    assert survey_reminders_sweep_task() == 4
    assert survey_reminders_sweep_task() == 0


def test_the_tasks_are_retried_on_os_errors():
    for task in (round_invitations_send_task, round_remind_task, survey_reminders_sweep_task):
        assert task.acks_late and OSError in task.autoretry_for
