"""The educator or classroom team in a Mentee Administrator's plan: named once, by the CA, the MA
or staff; used by the pair's goals (and its CLASS observations, tests/evaluation/test_pre_post_cycle.py);
shown on the plan, the workspace and the goal page; who may open the naming page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import Goal, PlanEducator
from pac.models import Tag
from pairings.models import Pair
from tests.coaching.factories import active_pair, refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ma_pair(program_year, staff_user):
    return active_pair(program_year, staff_user, ma=True, with_leader=True)


def _goal(pair, actor, title="Give weekly feedback on transitions"):
    return services.goal_save(
        pair=pair, actor=actor, area=Tag.objects.filter(kind="class").first(), title=title, horizon=Goal.Horizon.LONG
    )


def test_the_ma_names_the_educator_once_and_new_goals_are_about_them(ma_pair):
    ma = ma_pair.mentee.user
    early = _goal(ma_pair, ma, "A goal set before the educator was named")
    assert early.plan_educator is None
    chosen = services.plan_educator_name(pair=ma_pair, actor=ma, name="  Ana   Ruiz ", classroom="Toddler room")
    assert (chosen.name, chosen.classroom, chosen.named_by) == ("Ana Ruiz", "Toddler room", ma)
    goal = _goal(ma_pair, ma_pair.coach.user)
    assert goal.plan_educator == chosen
    # the same name again (a double submit) changes nothing; a new room for the same name is a correction
    assert services.plan_educator_name(pair=ma_pair, actor=ma, name="Ana Ruiz", classroom="Toddler room") == chosen
    assert chosen.history.count() == 1
    corrected = services.plan_educator_name(pair=ma_pair, actor=ma, name="Ana Ruiz", classroom="Room 2")
    assert corrected.pk == chosen.pk and corrected.classroom == "Room 2"
    assert list(corrected.history.values_list("classroom", flat=True)) == ["Room 2", "Toddler room"]
    assert PlanEducator.objects.filter(pair=ma_pair).count() == 1


def test_choosing_someone_else_keeps_the_earlier_choice_for_what_was_about_them(ma_pair):
    ma = ma_pair.mentee.user
    first = services.plan_educator_name(pair=ma_pair, actor=ma, name="Ana Ruiz")
    goal = _goal(ma_pair, ma)
    second = services.plan_educator_name(pair=ma_pair, actor=ma_pair.coach.user, name="The Preschool B team")
    first.refresh_from_db()
    goal.refresh_from_db()
    assert first.replaced_at is not None and second.replaced_at is None
    assert goal.plan_educator == first  # the goal was about Ana
    assert _goal(ma_pair, ma, "A new aim").plan_educator == second
    # a goal edited later keeps whom it was about (the form cannot move it)
    services.goal_save(pair=ma_pair, actor=ma, goal=goal, title="Renamed", plan_educator=second)
    goal.refresh_from_db()
    assert goal.plan_educator == first and goal.title == "Renamed"


def test_who_may_name_the_educator(ma_pair, program_year, staff_user):
    with refused("name the educator or classroom team together"):
        services.plan_educator_name(pair=ma_pair, actor=ma_pair.leader.user, name="Ana Ruiz")
    with refused("name the educator or classroom team together"):
        services.plan_educator_name(pair=ma_pair, actor=UserFactory(), name="Ana Ruiz")
    with refused("Name the educator or classroom team."):
        services.plan_educator_name(pair=ma_pair, actor=staff_user, name="   ")
    assert services.plan_educator_name(pair=ma_pair, actor=staff_user, name="Ana Ruiz").named_by == staff_user
    ct_pair = active_pair(program_year, staff_user, region=2)
    with refused("Only a Mentee Administrator's plan"):
        services.plan_educator_name(pair=ct_pair, actor=ct_pair.mentee.user, name="Ana Ruiz")


def test_an_ended_pair_keeps_its_educator(ma_pair):
    services.plan_educator_name(pair=ma_pair, actor=ma_pair.mentee.user, name="Ana Ruiz")
    Pair.objects.filter(pk=ma_pair.pk).update(status=Pair.Status.ENDED, ended_on=timezone.localdate())
    ma_pair.refresh_from_db()
    with refused("not active"):
        services.plan_educator_name(pair=ma_pair, actor=ma_pair.mentee.user, name="Ben Ode")


@pytest.mark.parametrize(
    "who,expected",
    [("ca", 200), ("ma", 200), ("staff", 200), ("leader", 403), ("other_ca", 404), ("nobody", 404)],
)
def test_who_opens_the_naming_page(client, ma_pair, program_year, staff_user, who, expected):
    other = active_pair(program_year, staff_user, ma=True, region=3)
    users = {
        "ca": ma_pair.coach.user,
        "ma": ma_pair.mentee.user,
        "staff": staff_user,
        "leader": ma_pair.leader.user,
        "other_ca": other.coach.user,
        "nobody": UserFactory(),
    }
    client.force_login(users[who])
    url = reverse("coaching:plan_educator", args=[ma_pair.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"name": "Ana Ruiz", "classroom": "Room 1"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert PlanEducator.objects.filter(pair=ma_pair).exists() == (expected == 200)


def test_a_ct_pair_has_no_naming_page(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    client.force_login(pair.coach.user)
    assert client.get(reverse("coaching:plan_educator", args=[pair.pk])).status_code == 404


def test_the_plan_workspace_and_goal_page_show_the_educator(client, ma_pair):
    ca = ma_pair.coach.user
    client.force_login(ca)
    plan = client.get(reverse("coaching:plan", args=[ma_pair.pk])).content.decode()
    assert "No educator or classroom team is named yet" in plan and "Name the educator or classroom team" in plan
    new_goal = client.get(reverse("coaching:goal_new", args=[ma_pair.pk])).content.decode()
    assert "name them first" in new_goal
    blank = client.post(reverse("coaching:plan_educator", args=[ma_pair.pk]), {"name": "", "classroom": ""})
    assert blank.status_code == 400 and "Name the educator or classroom team." in blank.content.decode()
    response = client.post(
        reverse("coaching:plan_educator", args=[ma_pair.pk]), {"name": "Ana Ruiz", "classroom": "Toddler room"}
    )
    assert response.status_code == 302 and response.url == reverse("coaching:plan", args=[ma_pair.pk])
    goal = _goal(ma_pair, ca)
    plan = client.get(reverse("coaching:plan", args=[ma_pair.pk])).content.decode()
    assert "This plan supports <strong>Ana Ruiz</strong> (Toddler room)" in plan
    assert "<strong>About:</strong> Ana Ruiz (Toddler room)" in plan
    workspace = client.get(reverse("coaching:workspace", args=[ma_pair.pk])).content.decode()
    assert "The plan supports <strong>Ana Ruiz</strong>" in workspace and "about Ana Ruiz" in workspace
    goal_page = client.get(reverse("coaching:goal", args=[ma_pair.pk, goal.pk])).content.decode()
    assert "This goal is about <strong>Ana Ruiz (Toddler room)</strong>" in goal_page
    # the leader (the MA's supervisor) sees it, without the link to change it
    client.force_login(ma_pair.leader.user)
    plan = client.get(reverse("coaching:plan", args=[ma_pair.pk])).content.decode()
    assert "Ana Ruiz" in plan and reverse("coaching:plan_educator", args=[ma_pair.pk]) not in plan


def test_a_ct_pairs_pages_say_nothing_of_an_educator(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    client.force_login(pair.coach.user)
    assert "Educator or classroom team" not in client.get(reverse("coaching:plan", args=[pair.pk])).content.decode()
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Educator or classroom team" not in workspace


def test_the_plan_page_makes_the_same_queries_for_2_and_12_goals(client, ma_pair, django_assert_max_num_queries):
    ma = ma_pair.mentee.user
    services.plan_educator_name(pair=ma_pair, actor=ma, name="Ana Ruiz")
    for n in range(2):
        _goal(ma_pair, ma, f"Goal {n}")
    client.force_login(ma)
    url = reverse("coaching:plan", args=[ma_pair.pk])
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    services.plan_educator_name(pair=ma_pair, actor=ma, name="The Preschool B team")
    for n in range(10):
        _goal(ma_pair, ma, f"More {n}")
    with django_assert_max_num_queries(30) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
