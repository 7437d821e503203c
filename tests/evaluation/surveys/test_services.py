"""Survey services: who is asked, sending, answering once with checked answers, reminders."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from evaluation.models import Answer, Invitation, Response, SurveyRound
from evaluation.surveys import services
from pac.models import OutboundEmail
from pac.workflow import LinkError, TransitionError, hash_token
from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.factories import PersonFactory, UserFactory, panel_seat

from .factories import answers_for, scene, send, small_survey, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(program_year, staff_user):
    return scene(program_year, staff_user)


def test_each_audience_is_asked(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    got = dict(survey_round.invitations.values_list("email", "audience"))
    assert got == {
        s.mentee.email: "mentee",
        s.leader.email: "leader",
        s.facilitator.email: "facilitator",
        s.panel.email: "panel",
    }
    mentee = survey_round.invitations.get(audience="mentee")
    assert mentee.person == s.mentee and mentee.user == s.mentee.user
    assert survey_round.audiences == ["mentee", "leader", "facilitator", "panel"]


def test_someone_in_two_groups_is_asked_once_in_the_first(s, program_year):
    # the leader also sits on the Advisory Panel
    panel_seat(program_year, s.leader.user)
    people = services.respondents_for(coach=s.coach, program_year=program_year, audiences=["panel", "leader", "mentee"])
    assert [(r.audience, r.email) for r in people] == [
        ("mentee", s.mentee.email),
        ("leader", s.leader.email),
        ("panel", s.panel.email),
    ]


def test_people_without_email_and_the_coach_themself_are_left_out(s, program_year):
    type(s.leader).objects.filter(pk=s.leader.pk).update(email="")
    panel_seat(program_year, s.coach.user)
    people = services.respondents_for(
        coach=s.coach, program_year=program_year, audiences=["mentee", "leader", "facilitator", "panel"]
    )
    emails = [r.email for r in people]
    assert "" not in emails and s.coach.email not in emails
    assert emails == [s.mentee.email, s.facilitator.email, s.panel.email]


def test_deactivated_people_are_not_asked(s, program_year):
    type(s.leader).objects.filter(pk=s.leader.pk).update(is_active=False)
    people = services.respondents_for(coach=s.coach, program_year=program_year, audiences=["mentee", "leader"])
    assert [r.email for r in people] == [s.mentee.email]


def test_only_mentees_of_pairs_that_ran(s, program_year, staff_user):
    """Proposed and discarded pairs are not the coach's Mentees; ended ones are."""
    Pair.objects.filter(pk=s.pair.pk).update(status=Pair.Status.ENDED)
    assert [
        r.email for r in services.respondents_for(coach=s.coach, program_year=program_year, audiences=["mentee"])
    ] == [s.mentee.email]
    Pair.objects.filter(pk=s.pair.pk).update(status=Pair.Status.DISCARDED)
    assert services.respondents_for(coach=s.coach, program_year=program_year, audiences=["mentee"]) == []


def test_a_coach_without_a_program_has_no_facilitator(s, program_year):
    type(s.coach).objects.filter(pk=s.coach.pk).update(program=None)
    s.coach.refresh_from_db()
    assert services.respondents_for(coach=s.coach, program_year=program_year, audiences=["facilitator"]) == []


def test_only_staff_send(s, program_year):
    with pytest.raises(TransitionError, match="Only EEC staff"):
        send(s, program_year, s.coach.user)
    assert not SurveyRound.objects.exists()


def test_send_refuses_a_past_closing_day_and_a_second_open_round(s, program_year, staff_user):
    with pytest.raises(TransitionError, match="from today on"):
        send(s, program_year, staff_user, closes_in_days=-1)
    send(s, program_year, staff_user)
    with pytest.raises(TransitionError, match="already open until"):
        send(s, program_year, staff_user)
    assert SurveyRound.objects.count() == 1


def test_send_refuses_when_no_one_can_be_asked(program_year, staff_user):
    pair = active_pair(program_year, staff_user)  # no leader
    survey = small_survey()
    with pytest.raises(TransitionError, match="No one to ask"):
        services.round_send(
            survey=survey,
            coach=pair.coach,
            program_year=program_year,
            audiences=["leader"],
            closes_on=timezone.localdate(),
            actor=staff_user,
        )


def test_send_refuses_someone_who_did_not_coach_that_year(program_year, staff_user):
    with pytest.raises(TransitionError, match="no Mentees"):
        services.round_send(
            survey=small_survey(),
            coach=PersonFactory(),
            program_year=program_year,
            audiences=["mentee"],
            closes_on=timezone.localdate(),
            actor=staff_user,
        )


def test_only_the_hash_of_a_link_is_stored(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    invitation = survey_round.invitations.get(audience="mentee")
    token = token_of(invitation)
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert services.invitation_for_token(token) == invitation


def test_sending_emails_each_respondent_once_with_their_link(
    s, program_year, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey_round = send(s, program_year, staff_user)
    # the task ran on commit; running it again sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_send(survey_round=survey_round) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(survey_round.invitations.values_list("email", flat=True))
    mentee = survey_round.invitations.get(audience="mentee")
    mail = next(m for m in mailoutbox if m.to == [mentee.email])
    assert token_of(mentee) in mail.body and s.coach.full_name in mail.subject
    assert not survey_round.invitations.filter(sent_at__isnull=True).exists()


def test_answers_are_saved_once(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    invitation = survey_round.invitations.get(audience="mentee")
    response = services.response_submit(
        invitation=invitation, answers=answers_for(s.survey, text="Great coach"), via="link"
    )
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert list(response.answers.order_by("question__order").values_list("agreement", "choice", "text")) == [
        (4, "", ""),
        (None, "Monthly", ""),
        (None, "", "Great coach"),
    ]
    with pytest.raises(LinkError, match="already answered"):
        services.response_submit(invitation=invitation, answers=answers_for(s.survey), via="link")
    assert Response.objects.count() == 1


def test_a_simultaneous_second_answer_hits_the_database_rule(s, program_year, staff_user):
    """Two submissions that both pass the checks: the one-to-one constraint refuses the second."""
    survey_round = send(s, program_year, staff_user)
    invitation = survey_round.invitations.get(audience="mentee")
    Response.objects.create(invitation=invitation, via="link")  # the other request, not yet marked answered
    with (
        mock.patch.object(Response.objects, "filter") as filter_,
        pytest.raises(LinkError, match="already answered"),
    ):
        filter_.return_value.exists.return_value = False
        services.response_submit(invitation=invitation, answers=answers_for(s.survey), via="link")
    assert Response.objects.count() == 1 and not Answer.objects.exists()


def test_optional_questions_may_be_left_out(s, program_year, staff_user):
    invitation = send(s, program_year, staff_user).invitations.get(audience="leader")
    response = services.response_submit(invitation=invitation, answers=answers_for(s.survey, text=""), via="link")
    assert response.answers.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"agreement": None}, "Answer this question."),
        ({"agreement": 9}, "from 1 (strongly disagree) to 5"),
        ({"agreement": "lots"}, "from 1 (strongly disagree) to 5"),
        ({"choice": "Daily"}, "one of the options"),
        ({"text": "x" * 5001}, "under 5,000 characters"),
    ],
)
def test_bad_answers_are_refused_with_the_question_named(s, program_year, staff_user, change, message):
    invitation = send(s, program_year, staff_user).invitations.get(audience="mentee")
    with pytest.raises(services.AnswerError) as caught:
        services.response_submit(invitation=invitation, answers=answers_for(s.survey, **change), via="link")
    assert message in " ".join(caught.value.errors.values())
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_a_closed_round_takes_no_answers(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    SurveyRound.objects.filter(pk=survey_round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    invitation = survey_round.invitations.get(audience="mentee")
    with pytest.raises(LinkError, match="closed on"):
        services.response_submit(invitation=invitation, answers=answers_for(s.survey), via="link")
    with pytest.raises(LinkError, match="closed on"):
        services.invitation_for_token(token_of(invitation))
    assert services.invitation_for_token(token_of(invitation), require_open=False) == invitation


def test_signed_in_answers_only_by_the_invited_account(s, program_year, staff_user):
    invitation = send(s, program_year, staff_user).invitations.get(audience="mentee")
    with pytest.raises(TransitionError, match="someone else"):
        services.response_submit(
            invitation=invitation, answers=answers_for(s.survey), via="account", user=s.leader.user
        )
    response = services.response_submit(
        invitation=invitation, answers=answers_for(s.survey), via="account", user=s.mentee.user
    )
    assert response.via == "account"


def test_unknown_link(db):
    with pytest.raises(LinkError) as caught:
        services.invitation_for_token("guessed")
    assert caught.value.status == 404


# --- reminders --------------------------------------------------------------------------------


def _sent_days_ago(survey_round, days):
    survey_round.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=days))


def _reminders():
    return OutboundEmail.objects.filter(key__contains=":reminder:")


def test_reminders_skip_answered_and_are_sent_once_a_day(s, program_year, staff_user, mailoutbox):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    assert services.reminders_send(survey_round=survey_round) == 0  # invited today: not yet
    _sent_days_ago(survey_round, 3)
    answered = survey_round.invitations.get(audience="mentee")
    services.response_submit(invitation=answered, answers=answers_for(s.survey), via="link")
    assert services.reminders_send(survey_round=survey_round) == 3
    assert services.reminders_send(survey_round=survey_round) == 0  # the same day again
    assert sorted(to[0] for to in _reminders().values_list("to", flat=True)) == sorted(
        [s.leader.email, s.facilitator.email, s.panel.email]
    )
    leader = survey_round.invitations.get(audience="leader")
    assert leader.reminders_sent == 1 and leader.last_reminded_at is not None
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.reminders_send(survey_round=survey_round, today=tomorrow) == 3


def test_reminders_carry_the_same_link_as_the_invitation(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    _sent_days_ago(survey_round, 2)
    services.reminders_send(survey_round=survey_round)
    invitation = survey_round.invitations.get(audience="leader")
    first = OutboundEmail.objects.get(key=f"survey:invitation:{invitation.pk}")
    reminder = _reminders().get(to=[invitation.email])
    assert token_of(invitation) in first.body_text and token_of(invitation) in reminder.body_text
    assert services.invitation_for_token(token_of(invitation)) == invitation


def test_closed_rounds_are_not_reminded(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    _sent_days_ago(survey_round, 5)
    SurveyRound.objects.filter(pk=survey_round.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    survey_round.refresh_from_db()
    assert services.reminders_send(survey_round=survey_round) == 0
    assert services.reminders_sweep() == 0
    assert not _reminders().exists()


def test_the_sweep_spaces_reminders_and_stops_after_the_last(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    today = timezone.localdate()
    _sent_days_ago(survey_round, 3)
    assert services.reminders_sweep(today=today) == 0  # invited 3 days ago: too soon
    _sent_days_ago(survey_round, 7)
    assert services.reminders_sweep(today=today) == 4
    assert services.reminders_sweep(today=today) == 0
    assert services.reminders_sweep(today=today + datetime.timedelta(days=3)) == 0  # reminded 3 days ago
    Invitation.objects.update(reminders_sent=services.MAX_REMINDERS)
    Invitation.objects.update(last_reminded_at=timezone.now() - datetime.timedelta(days=30))
    assert services.reminders_sweep(today=today) == 0


def test_the_sweep_sends_invitations_a_broker_outage_left_unsent(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)  # on-commit task not run here: nothing sent
    assert survey_round.invitations.filter(sent_at__isnull=True).count() == 4
    services.reminders_sweep()
    assert not survey_round.invitations.filter(sent_at__isnull=True).exists()
    assert OutboundEmail.objects.filter(key__startswith="survey:invitation:").count() == 4


def test_a_changed_secret_key_gets_a_working_link_in_the_next_reminder(s, program_year, staff_user, settings):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    _sent_days_ago(survey_round, 2)
    settings.SECRET_KEY = "a-new-secret-key-after-rotation"
    services.reminders_send(survey_round=survey_round)
    invitation = survey_round.invitations.get(audience="leader")
    assert services.invitation_for_token(token_of(invitation)) == invitation


def test_unanswered_panel_member_without_a_person_is_reached_by_user(s, program_year, staff_user):
    user = UserFactory(full_name="Pat Panel")
    panel_seat(program_year, user)
    survey_round = send(s, program_year, staff_user, audiences=["panel"])
    invitation = survey_round.invitations.get(email=user.email)
    assert invitation.user == user and invitation.person is None and invitation.name == "Pat Panel"
