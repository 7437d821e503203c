"""Journey: a coach finds the Calendar page from their profile, makes their private calendar address,
copies it (shown once), a calendar program (a second browser context with no session) reads their
meetings and due dates from it, then they replace it (the old one stops working) and stop it.
axe-core at 375 and 1280 px, nothing wider than the phone; screenshots in /tmp/shots/ic/."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from coaching import services
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.evaluation.factories import scheduled_pre_k_observation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

SHOTS = "/tmp/shots/ic"


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_coach_subscribes_to_their_calendar(live_server, browser, program_year, staff_user, width):
    today = timezone.localdate()
    pair, _ = scheduled_pre_k_observation(program_year, staff_user)
    services.meeting_log(
        pair=pair,
        actor=pair.coach.user,
        held_on=today - datetime.timedelta(days=2),
        duration_minutes=75,
        modality="in_person",
        purpose="action_planning",
        notes="Private notes stay in PAC",
    )
    active_pair(program_year, staff_user)  # someone else's pair: never in this calendar
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, base, pair.coach.user.email)

    page.goto(f"{base}/profile/")
    page.get_by_role("link", name="Your PAC dates in your own calendar").click()
    expect(page.get_by_role("heading", name="Your calendar", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"30-day report 2 due"))).to_be_visible()  # coming up
    expect(page.get_by_role("link", name=re.compile(r"CLASS observation window"))).to_be_visible()  # open now
    assert_accessible(page, f"calendar page at {width}px")
    assert_fits_phone_width(page)
    shot(page, f"calendar-empty-{width}")

    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("Your calendar address is below.")).to_be_visible()
    address = page.get_by_label("Address to subscribe to")
    url = address.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/calendar/[A-Za-z0-9_-]{{43}}\.ics", url), url
    expect(page.get_by_role("link", name="Open it in your calendar program")).to_have_attribute(
        "href", "webcal://" + url.split("://", 1)[1]
    )
    assert_accessible(page, f"calendar address at {width}px")
    assert_fits_phone_width(page)
    shot(page, f"calendar-address-{width}")

    # a calendar program: no cookies, no session; only the address
    program = browser.new_context()
    response = program.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"].startswith("private")
    body = response.body()
    assert b"Private notes stay in PAC" not in body
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(body).events]
    assert f"Coaching meeting with {pair.mentee.full_name}: data review and action planning" in summaries
    assert any(s.startswith("30-day report 1 due") for s in summaries)
    assert any(s.startswith("CLASS observation window") for s in summaries)

    page.reload()  # shown once
    expect(page.get_by_label("Address to subscribe to")).to_have_count(0)
    expect(page.get_by_text("PAC does not show it again")).to_be_visible()

    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_text("The old address no longer works.")).to_be_visible()
    new_url = page.get_by_label("Address to subscribe to").input_value()
    assert new_url != url
    assert program.request.get(url).status == 404
    assert program.request.get(new_url).status == 200

    page.get_by_role("button", name="Stop my calendar address").click()
    expect(page.get_by_text("Your calendar address no longer works.")).to_be_visible()
    expect(page.get_by_text("You have no calendar address yet.")).to_be_visible()
    assert program.request.get(new_url).status == 404
    assert_accessible(page, f"calendar stopped at {width}px")
    shot(page, f"calendar-stopped-{width}")
    program.close()
    context.close()
