"""Journey: a Consultant Teacher who also sits on the Advisory Panel, on a phone. My work lists
their pairs with each pair's program year (last year's ended pair and this year's active one, same
people); Coach reviews lists a colleague's six-month review but never their own, whose page is not
found. axe-core scans every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation import coach_reviews
from evaluation.models import CoachReview
from pairings.models import Pair
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.factories import ProgramYearFactory, panel_seat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_a_panel_coach_sees_pairs_by_year_and_is_recused_from_their_own_review(
    live_server, browser, staff_user, program_year
):
    started = timezone.localdate() - datetime.timedelta(days=190)
    own = active_pair(program_year, staff_user, started_on=started)
    colleague = active_pair(program_year, staff_user, started_on=started)
    past = ProgramYearFactory(
        name="2025–26",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year - 1),
        ends_on=program_year.starts_on - datetime.timedelta(days=1),
    )
    earlier = active_pair(past, staff_user)
    Pair.objects.filter(pk=earlier.pk).update(
        coach=own.coach, mentee=own.mentee, status=Pair.Status.ENDED, ended_on=past.ends_on
    )
    coach = panel_seat(program_year, own.coach.user)
    panel_seat(program_year)
    assert coach_reviews.reviews_open() == 2
    own_review = CoachReview.objects.get(coach=own.coach)

    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, coach.email)
    names = f"{own.coach.full_name} and {own.mentee.full_name}"
    pairs = phone.get_by_role("listitem").filter(has_text=names)
    expect(pairs.filter(has_text=f"{program_year}, active")).to_have_count(1)
    expect(pairs.filter(has_text=f"{past}, ended")).to_have_count(1)
    assert_accessible(phone, "My work")
    assert_fits_phone_width(phone)

    phone.goto(f"{base}/evaluation/coach-reviews/")
    expect(phone.get_by_role("link", name=colleague.coach.full_name)).to_be_visible()
    expect(phone.get_by_role("table").get_by_text(own.coach.full_name)).to_have_count(0)
    assert_accessible(phone, "coach reviews")
    assert_fits_phone_width(phone)

    response = phone.goto(f"{base}/evaluation/coach-reviews/{own_review.pk}/")
    assert response.status == 404
