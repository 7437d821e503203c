"""Journey: a CLASS observer enters a four-cycle Pre-K observation (a mistake first, which is
kept and corrected); staff open the cohort analytics and see the charts. axe-core scans every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.models import Observation
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.conftest import totp_code
from tests.evaluation.factories import record, scheduled_pre_k_observation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

PRE_K = {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 6, "ILF": 5, "CD": 3, "QF": 3, "LM": 3}


def test_observer_enters_a_pre_k_observation_and_staff_see_the_cohort_chart(
    live_server, browser, staff_user, program_year
):
    today = timezone.localdate()
    pair, observer = scheduled_pre_k_observation(program_year, staff_user)
    # five more pairs already observed pre and post, so the cohort has enough pairs for statistics
    for gain in (1, 0, 1, 2, 1):
        other = active_pair(program_year, staff_user, started_on=today - datetime.timedelta(days=200))
        record(other, "pre", 4, observed_on=today - datetime.timedelta(days=180))
        record(other, "post", 4 + gain)

    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, observer.user.email)
    expect(phone.get_by_role("heading", name="CLASS observations to record")).to_be_visible()
    phone.get_by_role("link", name=f"Pre (start of year): {pair.mentee.full_name}").click()
    expect(phone.get_by_role("heading", name="CLASS Pre-K, pre (start of year)")).to_be_visible()
    assert_accessible(phone, "observation form")
    assert_fits_phone_width(phone)
    phone.get_by_label("Date observed").fill(today.isoformat())
    for cycle in range(1, 5):
        for code, score in PRE_K.items():
            phone.locator(f"#id_c{cycle}_{code}").fill(str(score))
    phone.locator("#id_c4_QF").fill("8")  # a slip of the finger
    phone.get_by_role("button", name="Save observation").click()
    expect(phone.get_by_text("Nothing was saved.")).to_be_visible()
    expect(phone.get_by_text("Cycle 4, Quality of Feedback: enter a whole number from 1 to 7.")).to_be_visible()
    assert_accessible(phone, "observation form with an error")
    expect(phone.locator("#id_c3_LM")).to_have_value("3")  # nothing typed was lost
    phone.locator("#id_c4_QF").fill("3")
    phone.get_by_role("button", name="Save observation").click()
    expect(phone.get_by_text("Observation saved")).to_be_visible()
    assert_accessible(phone, "observation detail")
    observation = Observation.objects.get(pair=pair)
    scores = {r.domain.code: float(r.score) for r in observation.domain_results.select_related("domain")}
    # ES = (PC 5 + (8 − NC 2) + TS 5 + RSP 4) / 4 = 5; CO = (5 + 6 + 5) / 3; IS = (3 + 3 + 3) / 3
    assert scores == {"ES": 5.0, "CO": pytest.approx(16 / 3, abs=0.001), "IS": 3.0}

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, base, staff_user.email, code=totp_code())
    desk.get_by_role("navigation", name="Main").get_by_role("button", name="Evaluation").click()
    desk.get_by_role("link", name="CLASS growth").click()
    expect(desk.get_by_role("heading", name=f"CLASS growth · {program_year}")).to_be_visible()
    chart = desk.get_by_role("img", name="Bar chart of mean CLASS Pre-K domain scores")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    effects = desk.get_by_role("img", name="Effect sizes d_z per domain")
    assert effects.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(desk.get_by_text("5 of 6 pairs have both a pre and a post")).to_be_visible()
    expect(desk.get_by_role("rowheader", name="Classroom Organization (CO)")).to_be_visible()
    assert_accessible(desk, "cohort analytics")
    desk.get_by_label("Region").select_option(label="Region 2: Central")
    desk.get_by_role("button", name="Apply").click()
    expect(desk.get_by_text("too few to say anything about change")).to_be_visible()
    assert_accessible(desk, "cohort analytics, small sample")
