"""Survey pages: who may open what (staff, the year's panel member, the coach, a mentee and a
leader who were asked, an evaluator, a plain user, anonymous), answering by link and signed in
with bad input kept, results, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Response, SurveyRound
from evaluation.surveys import services
from tests.factories import PersonFactory, panel_seat

from .factories import answers_for, form_data, raw_round, scene, send, small_survey, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(program_year, staff_user):
    return scene(program_year, staff_user)


@pytest.fixture
def sent(s, program_year, staff_user):
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    return survey_round


def _answer_all(survey_round, survey, **kw):
    for invitation in survey_round.invitations.all():
        services.response_submit(invitation=invitation, answers=answers_for(survey, **kw), via="link")


def _user(role, s, staff_user, evaluator, plain_user):
    return {
        "staff": staff_user,
        "panel member": s.panel,
        "coach": s.coach.user,
        "mentee": s.mentee.user,
        "leader": s.leader.user,
        "evaluator": evaluator,
        "plain user": plain_user,
        "anonymous": None,
    }[role]


def _pages(survey_round, s, year):
    mentee = survey_round.invitations.get(audience="mentee")
    return {
        "rounds": reverse("evaluation:survey_rounds"),
        "rounds csv": reverse("evaluation:survey_rounds") + "?_export=csv",
        "round rates": reverse("evaluation:survey_round", args=[survey_round.pk]),
        "send": reverse("evaluation:survey_send"),
        "results": reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={year.pk}",
        "answer (mentee's)": reverse("evaluation:survey_answer", args=[mentee.pk]),
        "respond by link": reverse("evaluation:survey_respond", args=[token_of(mentee)]),
    }


LOGIN = 302
MATRIX = {
    # role -> status per page
    "staff": {"rounds": 200, "round rates": 200, "send": 200, "results": 200, "answer (mentee's)": 404},
    "panel member": {"rounds": 403, "round rates": 403, "send": 403, "results": 200, "answer (mentee's)": 404},
    "coach": {"rounds": 403, "round rates": 403, "send": 403, "results": 403, "answer (mentee's)": 404},
    "mentee": {"rounds": 403, "round rates": 403, "send": 403, "results": 403, "answer (mentee's)": 200},
    "leader": {"rounds": 403, "round rates": 403, "send": 403, "results": 403, "answer (mentee's)": 404},
    "evaluator": {"rounds": 403, "round rates": 403, "send": 403, "results": 403, "answer (mentee's)": 404},
    "plain user": {"rounds": 403, "round rates": 403, "send": 403, "results": 403, "answer (mentee's)": 404},
    "anonymous": {
        "rounds": LOGIN,
        "round rates": LOGIN,
        "send": LOGIN,
        "results": LOGIN,
        "answer (mentee's)": LOGIN,
    },
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_roles_by_pages(client, s, sent, program_year, staff_user, evaluator, plain_user, role):
    for invitation in sent.invitations.exclude(audience="mentee"):  # enough for the panel's distributions
        services.response_submit(invitation=invitation, answers=answers_for(s.survey), via="link")
    user = _user(role, s, staff_user, evaluator, plain_user)
    if user is not None:
        client.force_login(user)
    pages = _pages(sent, s, program_year)
    got = {name: client.get(url).status_code for name, url in pages.items()}
    # the personal link is the credential: it opens for whoever holds it
    # the rounds as CSV go with the rounds page
    assert got == {**MATRIX[role], "rounds csv": MATRIX[role]["rounds"], "respond by link": 200}


@pytest.mark.parametrize("role", ["panel member", "coach", "mentee", "evaluator", "plain user"])
def test_only_staff_send_and_remind(client, s, sent, program_year, staff_user, evaluator, plain_user, role):
    client.force_login(_user(role, s, staff_user, evaluator, plain_user))
    data = {
        "year": program_year.pk,
        "survey": s.survey.pk,
        "coach": s.coach.pk,
        "audiences": ["mentee"],
        "closes_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    assert client.post(reverse("evaluation:survey_send"), data).status_code == 403
    assert client.post(reverse("evaluation:survey_remind", args=[sent.pk])).status_code == 403
    assert SurveyRound.objects.count() == 1


def test_guessed_ids_and_tokens_are_not_found(client, s, sent, staff_user, program_year):
    client.force_login(staff_user)
    assert client.get(reverse("evaluation:survey_round", args=[sent.pk + 100])).status_code == 404
    assert client.post(reverse("evaluation:survey_remind", args=[sent.pk + 100])).status_code == 404
    assert client.get(reverse("evaluation:survey_results", args=[s.coach.pk + 1000])).status_code == 404
    other_coach = PersonFactory()
    assert client.get(reverse("evaluation:survey_results", args=[other_coach.pk])).status_code == 404
    assert client.get("/evaluation/surveys/rounds/abc/").status_code == 404
    client.logout()
    response = client.get(reverse("evaluation:survey_respond", args=["not-a-real-token"]))
    assert response.status_code == 404 and "not valid" in response.content.decode()
    assert client.post(reverse("evaluation:survey_respond", args=["nope"]), {}).status_code == 404


def test_the_coach_never_sees_their_own_results_even_on_the_panel(client, s, sent, program_year):
    _answer_all(sent, s.survey)
    panel_seat(program_year, s.coach.user)
    client.force_login(s.coach.user)
    url = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    assert client.get(url).status_code == 404
    assert not s.coach.user.has_perm("evaluation.view_survey_results", sent)
    assert s.panel.has_perm("evaluation.view_survey_results", sent)


def test_a_panel_member_of_another_year_sees_nothing(client, s, sent, program_year):
    from tests.factories import ProgramYearFactory

    other_year = ProgramYearFactory(
        name="2025–26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31)
    )
    member = panel_seat(other_year)
    client.force_login(member)
    url = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    assert client.get(url).status_code == 403
    assert not member.has_perm("evaluation.view_survey_results", sent)


def test_visible_queryset_agrees_with_the_rule(s, sent, program_year, staff_user, evaluator, plain_user):
    from evaluation.surveys.permissions import invitations_of, rounds_with_results_visible_to

    for role in MATRIX:
        user = _user(role, s, staff_user, evaluator, plain_user)
        if user is None:
            continue
        assert (sent in rounds_with_results_visible_to(user)) == user.has_perm("evaluation.view_survey_results", sent)
        for invitation in sent.invitations.all():
            assert (invitation in invitations_of(user)) == user.has_perm("evaluation.answer_survey", invitation)


# --- answering --------------------------------------------------------------------------------


def test_answer_by_link_without_an_account(client, s, sent):
    invitation = sent.invitations.get(audience="leader")
    url = reverse("evaluation:survey_respond", args=[token_of(invitation)])
    page = client.get(url).content.decode()
    assert s.survey.name in page and s.coach.full_name in page
    assert "<legend" in page and "The coach is well prepared." in page  # agreement as a fieldset
    assert 'name="q' in page and "5 · Strongly agree" in page
    response = client.post(url, form_data(s.survey, text="Very helpful"))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response.via == "link" and invitation.answered_at
    again = client.get(url)
    assert again.status_code == 410 and "already answered" in again.content.decode()


def test_answer_signed_in_from_my_work(client, s, sent):
    invitation = sent.invitations.get(audience="mentee")
    client.force_login(s.mentee.user)
    page = client.get(reverse("pac:my_work")).content.decode()
    url = reverse("evaluation:survey_answer", args=[invitation.pk])
    assert "Surveys to answer" in page and url in page
    assert client.post(url, form_data(s.survey)).status_code == 200
    assert Response.objects.get().via == "account"
    assert "Surveys to answer" not in client.get(reverse("pac:my_work")).content.decode()
    assert client.get(url).status_code == 410


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agreement": ""}, "Answer this question."),
        ({"agreement": "9"}, "Choose a number from 1 (strongly disagree) to 5 (strongly agree)."),
        ({"choice": "Daily"}, "Choose one of the options listed."),
    ],
)
def test_bad_answers_keep_what_was_entered(client, s, sent, data, message):
    invitation = sent.invitations.get(audience="leader")
    url = reverse("evaluation:survey_respond", args=[token_of(invitation)])
    response = client.post(url, form_data(s.survey, text="My careful thoughts", **data))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "My careful thoughts" in page
    assert not Response.objects.exists()


def test_answering_twice_at_once_keeps_the_second_text_and_says_why(client, s, sent):
    invitation = sent.invitations.get(audience="leader")
    url = reverse("evaluation:survey_respond", args=[token_of(invitation)])
    client.get(url)  # opened in two tabs
    assert client.post(url, form_data(s.survey)).status_code == 200
    response = client.post(url, form_data(s.survey, text="Second thoughts"))
    page = response.content.decode()
    assert response.status_code == 410
    assert "already answered" in page and "Second thoughts" in page
    assert Response.objects.count() == 1


def test_a_closed_round_says_so_and_keeps_the_text(client, s, sent):
    invitation = sent.invitations.get(audience="leader")
    url = reverse("evaluation:survey_respond", args=[token_of(invitation)])
    SurveyRound.objects.filter(pk=sent.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    response = client.get(url)
    assert response.status_code == 410 and "closed on" in response.content.decode()
    response = client.post(url, form_data(s.survey, text="Late but honest"))
    page = response.content.decode()
    assert response.status_code == 410 and "closed on" in page and "Late but honest" in page
    assert not Response.objects.exists()
    client.force_login(s.leader.user)
    assert client.get(reverse("evaluation:survey_answer", args=[invitation.pk])).status_code == 410
    assert "Surveys to answer" not in client.get(reverse("pac:my_work")).content.decode()


# --- staff pages --------------------------------------------------------------------------------


def test_staff_send_a_round(client, s, program_year, staff_user, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:survey_send") + f"?coach={s.coach.pk}").content.decode()
    assert 'for="id_closes_on"' in page and "<legend" in page  # the audiences are a labelled group
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:survey_send"),
            {
                "year": program_year.pk,
                "survey": s.survey.pk,
                "coach": s.coach.pk,
                "audiences": ["mentee", "leader"],
                "closes_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            },
        )
    survey_round = SurveyRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluation:survey_round", args=[survey_round.pk])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([s.mentee.email, s.leader.email])


def test_send_problems_are_shown_on_the_form(client, s, program_year, staff_user):
    client.force_login(staff_user)
    data = {
        "year": program_year.pk,
        "survey": s.survey.pk,
        "coach": s.coach.pk,
        "audiences": ["mentee"],
        "closes_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
    }
    response = client.post(reverse("evaluation:survey_send"), data)
    assert response.status_code == 400 and "from today on" in response.content.decode()
    send(s, program_year, staff_user)
    data["closes_on"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("evaluation:survey_send"), data)
    assert response.status_code == 400 and "already open until" in response.content.decode()
    assert client.post(reverse("evaluation:survey_send"), {**data, "coach": "999999"}).status_code == 400


def test_staff_remind_through_the_task(client, s, sent, staff_user, django_capture_on_commit_callbacks):
    sent.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=3))
    services.response_submit(
        invitation=sent.invitations.get(audience="mentee"), answers=answers_for(s.survey), via="link"
    )
    client.force_login(staff_user)
    page = client.get(reverse("evaluation:survey_round", args=[sent.pk])).content.decode()
    assert "Remind the 3 who have not answered" in page and "1 of 4 answered (25%)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:survey_remind", args=[sent.pk]), follow=True)
    assert "Reminding the 3 people" in response.content.decode()
    assert sorted(sent.invitations.values_list("audience", "reminders_sent")) == [
        ("facilitator", 1),
        ("leader", 1),
        ("mentee", 0),
        ("panel", 1),
    ]


def test_a_closed_round_is_not_reminded(client, s, sent, staff_user, django_capture_on_commit_callbacks):
    SurveyRound.objects.filter(pk=sent.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    sent.invitations.update(sent_at=timezone.now() - datetime.timedelta(days=9))
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("evaluation:survey_remind", args=[sent.pk]), follow=True)
    assert "reminders are not sent" in response.content.decode() and not callbacks
    assert not sent.invitations.filter(reminders_sent__gt=0).exists()


def test_results_show_distributions_and_free_text_only_to_staff(client, s, sent, staff_user, program_year):
    invitations = list(sent.invitations.order_by("pk"))
    for invitation, (agreement, choice, text) in zip(
        invitations,
        [(5, "Weekly", "She listens"), (4, "Monthly", ""), (4, "Monthly", "More visits please"), (2, "Rarely", "")],
        strict=True,
    ):
        services.response_submit(
            invitation=invitation,
            answers=answers_for(s.survey, agreement=agreement, choice=choice, text=text),
            via="link",
        )
    url = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    client.force_login(staff_user)
    response = client.get(url)
    result = response.context["results"][0]
    agreement, choice, text = result.questions
    assert [(b.count, b.percent) for b in agreement.bars] == [(0, 0), (1, 25), (0, 0), (2, 50), (1, 25)]
    assert agreement.mean == 3.75 and agreement.n == 4
    assert [(b.label, b.count) for b in choice.bars] == [("Weekly", 1), ("Monthly", 2), ("Rarely", 1)]
    assert text.texts == ["More visits please", "She listens"] and text.n == 2
    assert [(a.audience, a.invited, a.answered, a.rate) for a in result.audiences] == [
        ("mentee", 1, 1, 100),
        ("leader", 1, 1, 100),
        ("facilitator", 1, 1, 100),
        ("panel", 1, 1, 100),
    ]
    page = response.content.decode()
    assert "She listens" in page and "mean 3.75" in page
    assert s.mentee.full_name not in page and s.leader.full_name not in page  # no names next to answers
    client.force_login(s.panel)
    page = client.get(url).content.decode()
    assert "mean 3.75" in page and "Weekly" in page
    assert "She listens" not in page and "More visits please" not in page
    assert "2 written answers, read by EEC staff only" in page


def test_the_panel_sees_no_distribution_below_three_responses(client, s, sent, staff_user, program_year):
    for invitation in sent.invitations.order_by("pk")[:2]:
        services.response_submit(invitation=invitation, answers=answers_for(s.survey, agreement=1), via="link")
    url = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    client.force_login(s.panel)
    page = " ".join(client.get(url).content.decode().split())
    assert "Fewer than 3 people have answered" in page and "1 · Strongly disagree" not in page
    client.force_login(staff_user)
    assert "1 · Strongly disagree" in client.get(url).content.decode()


def test_nav_item_for_staff_only(client, s, staff_user):
    client.force_login(staff_user)
    assert reverse("evaluation:survey_rounds") in client.get(reverse("pac:my_work")).content.decode()
    client.force_login(s.panel)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert f'href="{reverse("evaluation:survey_rounds")}"' not in page


def test_panel_members_find_results_on_my_work(client, s, sent, program_year):
    _answer_all(sent, s.survey)
    client.force_login(s.panel)
    page = client.get(reverse("pac:my_work")).content.decode()
    assert "Coach survey results" in page
    link = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    assert f'<a href="{link}">{s.coach.full_name}</a>' in page.replace("&amp;", "&")


# --- query counts -----------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rounds_page_queries_do_not_grow(client, s, program_year, staff_user):
    survey = small_survey("Another")
    client.force_login(staff_user)
    url = reverse("evaluation:survey_rounds") + f"?year={program_year.pk}"
    for _ in range(2):
        raw_round(survey, s.coach, program_year, staff_user, invited=2, answered=1)
    small = _count(client, url)
    for _ in range(10):
        raw_round(survey, PersonFactory(), program_year, staff_user, invited=5, answered=3)
    assert _count(client, url) == small


def test_round_page_queries_do_not_grow(client, s, program_year, staff_user):
    client.force_login(staff_user)
    few = raw_round(s.survey, s.coach, program_year, staff_user, invited=2, answered=1)
    many = raw_round(s.survey, s.coach, program_year, staff_user, invited=15, answered=9)
    assert _count(client, reverse("evaluation:survey_round", args=[few.pk])) == _count(
        client, reverse("evaluation:survey_round", args=[many.pk])
    )


def test_results_queries_do_not_grow(client, s, program_year, staff_user):
    client.force_login(staff_user)
    url = reverse("evaluation:survey_results", args=[s.coach.pk]) + f"?year={program_year.pk}"
    raw_round(s.survey, s.coach, program_year, staff_user, invited=3, answered=3)
    small = _count(client, url)
    client.force_login(s.panel)
    small_panel = _count(client, url)
    for _ in range(3):
        raw_round(s.survey, s.coach, program_year, staff_user, invited=8, answered=6)
    raw_round(small_survey("Second survey"), s.coach, program_year, staff_user, invited=4, answered=4)
    assert _count(client, url) == small_panel
    client.force_login(staff_user)
    assert _count(client, url) == small
