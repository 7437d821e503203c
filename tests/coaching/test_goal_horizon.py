"""Goals have a horizon, as the program model's action plans do: long-term aims for the program
year and short-term steps for the coming 30-day period."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching import services
from coaching.models import Goal
from evaluation import pair_report
from pac.models import Tag
from tests.coaching.factories import active_pair
from tests.evaluation.test_pair_report import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True)


@pytest.fixture
def area(db):
    return Tag.objects.filter(kind=Tag.Kind.CLASS).first()


def test_a_new_goal_is_long_term_unless_the_coach_says_otherwise(pair, area):
    goal = services.goal_save(pair=pair, actor=pair.coach.user, area=area, title="Richer conversations")
    assert goal.horizon == Goal.Horizon.LONG


def test_the_coach_sets_a_short_term_goal_on_the_form(client, pair, area):
    client.force_login(pair.coach.user)
    form = client.get(reverse("coaching:goal_new", args=[pair.pk])).content.decode()
    assert 'name="horizon"' in form and "Short-term (this 30-day period)" in form
    response = client.post(
        reverse("coaching:goal_new", args=[pair.pk]),
        {"title": "Ask one open question at snack", "horizon": "short", "area": area.pk, "status": "open"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(pair=pair)
    assert goal.horizon == Goal.Horizon.SHORT
    assert goal.history.first().horizon == "short"  # the audit trail has it
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert "Short-term" in workspace


def test_the_plan_lists_the_years_aims_then_the_next_30_days(client, pair, area):
    services.goal_save(
        pair=pair, actor=pair.coach.user, area=area, title="Step for this month", horizon=Goal.Horizon.SHORT
    )
    services.goal_save(pair=pair, actor=pair.coach.user, area=area, title="Aim for the year")
    client.force_login(pair.mentee.user)
    html = client.get(reverse("coaching:plan", args=[pair.pk])).content.decode()
    long_at = html.index("Long-term (this program year)")
    short_at = html.index("Short-term (this 30-day period)")
    assert long_at < html.index("Aim for the year") < short_at < html.index("Step for this month")


def test_the_progress_report_names_each_goals_horizon(pair, area, staff_user):
    services.goal_save(
        pair=pair, actor=pair.coach.user, area=area, title="Step for this month", horizon=Goal.Horizon.SHORT
    )
    text = pdf_text(pair_report.pair_progress_report(pair, user=staff_user))
    assert "Short-term" in text and "Step for this month" in text
