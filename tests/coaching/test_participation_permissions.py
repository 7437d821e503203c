"""The participation pages by role: this pair's coach, Mentee and leader; another pair's coach and
Mentee; an accepted Mentee not yet paired; a PLC facilitator; a reviewer; EEC staff; someone with no
role. Each page opens (200) or is refused (403, or 404 where the pair is hidden); nothing fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching import participation
from pac.models import ProgramRole
from tests.coaching.factories import active_pair
from tests.factories import ParticipationFactory, UserFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db

ROLES = [
    "coach",
    "mentee",
    "leader",
    "other coach",
    "other mentee",
    "unpaired mentee",
    "facilitator",
    "reviewer",
    "staff",
    "nobody",
]
MEMBERS = {"coach", "mentee", "leader", "staff"}
SIGNERS = {"mentee", "other mentee", "unpaired mentee"}

EXPECTED = {
    "confidentiality acknowledgement": {role: 200 if role in SIGNERS else 403 for role in ROLES},
    "participation roster": {role: 200 if role == "staff" else 403 for role in ROLES},
    "recommend a training": {role: 200 if role in MEMBERS else 404 for role in ROLES},
    "training outcome": {role: 200 if role in MEMBERS else 404 for role in ROLES},
}


@pytest.fixture
def world(program_year, staff_user, facilitator, reviewer):
    pair = active_pair(program_year, staff_user, with_leader=True)
    other = active_pair(program_year, staff_user, region=2)
    for person in (pair.mentee, other.mentee):
        ParticipationFactory(person=person, program_year=program_year, role=ProgramRole.MENTEE)
    unpaired = accepted("mentee", program_year, region_number=3).applicant
    ParticipationFactory(person=unpaired, program_year=program_year, role=ProgramRole.MENTEE)
    training = participation.training_recommend(pair=pair, actor=pair.coach.user, title="Course")
    users = {
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "other coach": other.coach.user,
        "other mentee": other.mentee.user,
        "unpaired mentee": unpaired.user,
        "facilitator": facilitator,
        "reviewer": reviewer,
        "staff": staff_user,
        "nobody": UserFactory(),
    }
    pages = {
        "confidentiality acknowledgement": reverse("pairings:confidentiality"),
        "participation roster": reverse("coaching:participation"),
        "recommend a training": reverse("coaching:training_recommend", args=[pair.pk]),
        "training outcome": reverse("coaching:training_outcome", args=[pair.pk, training.pk]),
    }
    return users, pages, pair


@pytest.mark.parametrize("role", ROLES)
def test_participation_pages_by_role(client, world, role):
    users, pages, _ = world
    client.force_login(users[role])
    outcome = {name: client.get(url).status_code for name, url in pages.items()}
    assert outcome == {name: expected[role] for name, expected in EXPECTED.items()}


@pytest.mark.parametrize("role", ["other coach", "other mentee", "facilitator", "nobody"])
def test_outsiders_cannot_write_a_pairs_training(client, world, role):
    users, pages, pair = world
    client.force_login(users[role])
    assert client.post(pages["recommend a training"], {"title": "Mine now"}).status_code == 404
    assert client.post(pages["training outcome"], {"status": "not_taken", "reason": "x"}).status_code == 404
    assert list(pair.training_recommendations.values_list("title", "status")) == [("Course", "recommended")]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    _, pages, _ = world
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_the_staff_roster_and_the_recommendation_pages_agree_with_the_pair_permission(client, world):
    """The single-object rule (pairings.view_pair) and the pages give the same answer for each role."""
    users, pages, pair = world
    for role, user in users.items():
        client.force_login(user)
        status = client.get(pages["recommend a training"]).status_code
        assert (status == 200) == user.has_perm("pairings.view_pair", pair), role


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff"])
def test_only_staff_download_the_roster(client, world, role):
    users, pages, _ = world
    client.force_login(users[role])
    assert client.get(pages["participation roster"], {"_export": "csv"}).status_code == 403


def test_staff_download_the_roster_filtered_by_role(client, world):
    users, pages, pair = world
    client.force_login(users["staff"])
    response = client.get(pages["participation roster"], {"_export": "csv", "role": "mentee"})
    assert response.status_code == 200
    body = response.content.decode()
    assert pair.mentee.full_name in body and len(body.strip().splitlines()) == 4  # header + three Mentees
    assert client.get(pages["participation roster"], {"_export": "csv", "role": "ma"}).content.decode().count("\n") == 1
