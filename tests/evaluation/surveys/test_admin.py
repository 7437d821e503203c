"""The survey builder in the staff admin, and read-only rounds, invitations and responses."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Question, Response, Survey
from evaluation.surveys import services

from .factories import answers_for, scene, send

pytestmark = pytest.mark.django_db


def _survey_post(name: str, questions: list[dict], survey: Survey | None = None) -> dict:
    now = timezone.localtime()
    data = {
        "name": name,
        "introduction": "",
        "is_active": "on",
        "created_at_0": now.strftime("%Y-%m-%d"),
        "created_at_1": now.strftime("%H:%M:%S"),
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(sum(1 for q in questions if q.get("id"))),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for n, question in enumerate(questions):
        for key, value in question.items():
            if key == "required":
                if value:
                    data[f"questions-{n}-required"] = "on"
                continue
            data[f"questions-{n}-{key}"] = value
        if survey is not None:
            data[f"questions-{n}-survey"] = survey.pk
    return data


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_build_a_survey(admin_client):
    data = _survey_post(
        "Mid-year check-in",
        [
            {"order": 1, "kind": "agreement", "text": "The coach is on time.", "choices": "", "required": True},
            {"order": 2, "kind": "choice", "text": "Preferred contact", "choices": "Email\nPhone", "required": True},
            {"order": 3, "kind": "text", "text": "Anything else?", "choices": "", "required": False},
        ],
    )
    response = admin_client.post(reverse("admin:evaluation_survey_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    survey = Survey.objects.get(name="Mid-year check-in")
    assert [(q.kind, q.choice_list, q.required) for q in survey.questions.all()] == [
        ("agreement", [], True),
        ("choice", ["Email", "Phone"], True),
        ("text", [], False),
    ]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"kind": "choice", "choices": "Only one"}, "at least two options"),
        ({"kind": "choice", "choices": "Same\nSame"}, "Each option must be different"),
        ({"kind": "agreement", "choices": "Stray\nOptions"}, "Only single-choice questions have options"),
    ],
)
def test_the_builder_checks_options(admin_client, question, message):
    data = _survey_post("Bad", [{"order": 1, "text": "Q", "required": True, **question}])
    response = admin_client.post(reverse("admin:evaluation_survey_add"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Survey.objects.filter(name="Bad").exists()


def test_an_answered_question_keeps_its_kind_and_chosen_options(admin_client, program_year, staff_user):
    s = scene(program_year, staff_user)
    survey_round = send(s, program_year, staff_user)
    services.response_submit(
        invitation=survey_round.invitations.first(), answers=answers_for(s.survey, choice="Monthly"), via="link"
    )
    agreement, choice, text = s.survey.questions.all()
    rows = [
        {"id": agreement.pk, "order": 1, "kind": "text", "text": agreement.text, "choices": "", "required": True},
        {
            "id": choice.pk,
            "order": 2,
            "kind": "choice",
            "text": choice.text,
            "choices": "Weekly\nRarely",
            "required": True,
        },
        {"id": text.pk, "order": 3, "kind": "text", "text": text.text, "choices": "", "required": False},
    ]
    url = reverse("admin:evaluation_survey_change", args=[s.survey.pk])
    page = admin_client.post(url, _survey_post(s.survey.name, rows, s.survey)).content.decode()
    assert "its kind cannot change" in page and "People chose these options, so they must stay: Monthly." in page
    assert Question.objects.get(pk=agreement.pk).kind == "agreement"


def test_rounds_invitations_and_responses_are_read_only(admin_client, program_year, staff_user):
    s = scene(program_year, staff_user)
    survey_round = send(s, program_year, staff_user)
    invitation = survey_round.invitations.get(audience="mentee")
    response = services.response_submit(invitation=invitation, answers=answers_for(s.survey, text="Kind"), via="link")
    for name, pk in [("surveyround", survey_round.pk), ("invitation", invitation.pk), ("response", response.pk)]:
        assert admin_client.get(reverse(f"admin:evaluation_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:evaluation_{name}_change", args=[pk])).status_code == 200
        assert admin_client.get(reverse(f"admin:evaluation_{name}_add")).status_code == 403
        assert (
            admin_client.post(reverse(f"admin:evaluation_{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403
        )
    page = admin_client.get(reverse("admin:evaluation_response_change", args=[response.pk])).content.decode()
    assert "Kind" in page and 'name="_save"' not in page  # view only
    page = admin_client.get(reverse("admin:evaluation_response_changelist")).content.decode()
    assert invitation.name not in page  # listed by round and group
    page = admin_client.get(reverse("admin:evaluation_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.token_hash not in page
    assert Response.objects.filter(pk=response.pk).exists()
    assert admin_client.get(reverse("admin:evaluation_survey_delete", args=[s.survey.pk])).status_code == 403
