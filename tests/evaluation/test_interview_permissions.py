"""The formative interview pages by role: EEC staff, the interviewer (an Advisory Panel member),
another panel member of the year, a panel member of another year, the coach the interview is about
who also sits on the panel, the interviewee's Mentee and leader, an evaluator, a CLASS observer and
someone with no role. Each page opens (200) or is refused (403 or 404); nothing fails; the rule and
the list's queryset agree."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from evaluation.interviews.permissions import interviews_visible_to
from evaluation.models import FormativeInterview
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer, recorded_interview, scheduled_interview
from tests.factories import ProgramYearFactory, UserFactory, panel_seat

pytestmark = pytest.mark.django_db

ROLES = [
    "staff",
    "interviewer",
    "panel",
    "other_year_panel",
    "coach_on_panel",
    "mentee",
    "leader",
    "evaluator",
    "observer",
    "nobody",
]
OK, DENIED = 200, "denied"

# page -> roles that may open it (everyone else is refused)
EXPECTED = {
    "list": {"staff", "interviewer", "panel", "other_year_panel", "coach_on_panel"},
    "schedule": {"staff"},
    "interview": {"staff", "interviewer", "panel"},
    "record": {"interviewer"},
    "recorded interview": {"staff", "interviewer", "panel"},
}


@pytest.fixture
def world(program_year, staff_user, evaluator):
    pair = active_pair(program_year, staff_user, with_leader=True)
    coach_on_panel = panel_seat(program_year, pair.coach.user)
    interviewer = panel_seat(program_year)
    scheduled = scheduled_interview(program_year, staff_user, interviewee=pair.coach, interviewer=interviewer)
    recorded = recorded_interview(program_year, staff_user, interviewee=pair.mentee, interviewer=interviewer)
    last_year = ProgramYearFactory(
        name="2025–26",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year - 1),
        ends_on=program_year.starts_on - datetime.timedelta(days=1),
    )
    users = {
        "staff": staff_user,
        "interviewer": interviewer,
        "panel": panel_seat(program_year),
        "other_year_panel": panel_seat(last_year),
        "coach_on_panel": coach_on_panel,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "evaluator": evaluator,
        "observer": certified_observer().user,
        "nobody": UserFactory(),
    }
    pages = {
        "list": reverse("evaluation:interviews"),
        "schedule": reverse("evaluation:interview_new"),
        "interview": reverse("evaluation:interview", args=[scheduled.pk]),
        "record": reverse("evaluation:interview_record", args=[scheduled.pk]),
        "recorded interview": reverse("evaluation:interview", args=[recorded.pk]),
    }
    return users, pages, scheduled, recorded


@pytest.mark.parametrize("role", ROLES)
def test_interview_pages_by_role(client, world, role):
    users, pages, _, _ = world
    client.force_login(users[role])
    outcome = {}
    for name, url in pages.items():
        status = client.get(url).status_code
        assert status in (200, 403, 404), (name, status)
        outcome[name] = OK if status == 200 else DENIED
    assert outcome == {name: OK if role in allowed else DENIED for name, allowed in EXPECTED.items()}


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_cancel(client, world, role):
    users, _, scheduled, _ = world
    client.force_login(users[role])
    response = client.post(reverse("evaluation:interview_cancel", args=[scheduled.pk]), {"reason": "Moved"})
    assert response.status_code in (302, 403, 404)
    scheduled.refresh_from_db()
    assert (scheduled.status == "cancelled") is (role == "staff")


@pytest.mark.parametrize("role", ROLES)
def test_the_rule_and_the_list_agree(world, role):
    users, _, _, _ = world
    user = users[role]
    visible = set(interviews_visible_to(user).values_list("pk", flat=True))
    for interview in FormativeInterview.objects.all():
        assert user.has_perm("evaluation.view_interview", interview) is (interview.pk in visible), interview


def test_the_coach_on_the_panel_does_not_see_interviews_about_their_own_coaching(client, world):
    users, _, scheduled, recorded = world
    client.force_login(users["coach_on_panel"])
    listed = [row.record for row in client.get(reverse("evaluation:interviews")).context["table"].page.object_list]
    assert scheduled not in listed and recorded not in listed
    assert client.get(reverse("evaluation:interview", args=[recorded.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    _, pages, _, _ = world
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name
