"""Every list of pairs names the program year: a coach who coached the same mentee last year and
this year sees two different pairs, not the same line twice."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.factories import ProgramYearFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(program_year, staff_user):
    past = ProgramYearFactory(
        name="2025–26",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year - 1),
        ends_on=program_year.starts_on - datetime.timedelta(days=1),
    )
    current = active_pair(program_year, staff_user)
    earlier = active_pair(past, staff_user)
    Pair.objects.filter(pk=earlier.pk).update(
        coach=current.coach, mentee=current.mentee, status=Pair.Status.ENDED, ended_on=past.ends_on
    )
    return current, past


def test_the_coachs_your_pairs_on_my_work_shows_each_pairs_year(client, two_years, program_year):
    current, past = two_years
    client.force_login(current.coach.user)
    page = client.get(reverse("pac:my_work"))
    assert page.status_code == 200
    panel = next(p for p in page.context["panels"] if p.title == "Your pairs")
    html = " ".join(page.content.decode().split())
    names = f"{current.coach.full_name} and {current.mentee.full_name}"
    assert len(panel.context["pairs"]) == 2
    assert f"{names}</a> ({program_year}, active" in html
    assert f"{names}</a> ({past}, ended" in html
