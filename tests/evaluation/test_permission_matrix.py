"""The evaluation pages by role: observer, coach, mentee, leader, evaluator, Advisory Panel member,
EEC staff, and someone with no role. Each page either opens (200) or is refused (403 or 404);
nothing fails (500). Survey, review and export pages have their own matrices beside them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Instrument
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, record
from tests.factories import UserFactory, panel_seat

pytestmark = pytest.mark.django_db

ROLES = ["observer", "coach", "mentee", "leader", "evaluator", "panel", "staff", "nobody"]

OK, DENIED = 200, "denied"

# page -> roles that may open it (everyone else is refused)
EXPECTED = {
    "observations": {"observer", "coach", "mentee", "leader", "evaluator", "panel", "staff", "nobody"},
    "observations csv": {"staff"},
    "record (scheduled)": {"observer", "staff"},
    "record (link from My work)": {"observer", "staff"},
    "pre/post cycle tool": {"observer", "staff"},
    "observation": {"observer", "coach", "mentee", "leader", "staff"},
    "pair growth": {"coach", "mentee", "leader", "staff"},
    "pair growth chart": {"coach", "mentee", "leader", "staff"},
    "schedule": {"staff"},
    "cohort analytics": {"evaluator", "staff"},
    "cohort chart": {"evaluator", "staff"},
}


@pytest.fixture
def world(program_year, staff_user, evaluator):
    pair = active_pair(program_year, staff_user, with_leader=True)
    observer = certified_observer("pre_k")
    schedule = services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="post",
        window_opens=timezone.localdate(),
        due_by=timezone.localdate() + datetime.timedelta(days=30),
        observer=observer,
        instrument=Instrument.objects.get(code="pre_k"),
    )
    observation = record(pair, "pre", 4, observer=observer)
    panel = panel_seat(program_year)
    users = {
        "observer": observer.user,
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "evaluator": evaluator,
        "panel": panel,
        "staff": staff_user,
        "nobody": UserFactory(),
    }
    pages = {
        "observations": reverse("evaluation:observations"),
        "observations csv": reverse("evaluation:observations") + "?_export=csv",
        "record (scheduled)": reverse("evaluation:observation_record", args=[pair.pk, "post"]),
        "record (link from My work)": reverse("evaluation:observation_new") + f"?schedule={schedule.pk}",
        "pre/post cycle tool": reverse("evaluation:pre_post_cycle", args=[pair.pk]),
        "observation": reverse("evaluation:observation", args=[observation.pk]),
        "pair growth": reverse("evaluation:pair_growth", args=[pair.pk]),
        "pair growth chart": reverse("evaluation:pair_growth_chart", args=[pair.pk]),
        "schedule": reverse("evaluation:schedule"),
        "cohort analytics": reverse("evaluation:cohort"),
        "cohort chart": reverse("evaluation:cohort_chart"),
    }
    return users, pages


@pytest.mark.parametrize("role", ROLES)
def test_evaluation_pages_by_role(client, world, role):
    users, pages = world
    client.force_login(users[role])
    outcome = {}
    for name, url in pages.items():
        status = client.get(url, follow=True).status_code
        assert status in (200, 403, 404), (name, status)
        outcome[name] = OK if status == 200 else DENIED
    expected = {name: OK if role in allowed else DENIED for name, allowed in EXPECTED.items()}
    assert outcome == expected


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    _, pages = world
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_the_observations_list_shows_only_what_each_person_may_see(client, world, program_year, staff_user):
    users, _ = world
    stranger_pair = active_pair(program_year, staff_user, region=4)
    record(stranger_pair, "pre", 3)
    for role, expected in [("coach", 1), ("mentee", 1), ("observer", 1), ("panel", 0), ("nobody", 0), ("staff", 2)]:
        client.force_login(users[role])
        assert client.get(reverse("evaluation:observations")).context["table"].paginator.count == expected, role
