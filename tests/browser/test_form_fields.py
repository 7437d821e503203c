"""Long form fields made usable: the CLASS score grid fits a phone with every cycle visible; the
areas of expertise are grouped by kind with a search; the program list is grouped by region with
a search. axe-core scans each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Instrument
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.evaluation.factories import certified_observer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


@pytest.mark.parametrize("width", [320, 375])
def test_the_class_score_grid_shows_every_cycle_on_a_phone(live_server, browser, staff_user, program_year, width):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - datetime.timedelta(days=30))
    observer = certified_observer("pre_k")
    services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="pre",
        window_opens=today - datetime.timedelta(days=7),
        due_by=today + datetime.timedelta(days=7),
        observer=observer,
        instrument=Instrument.objects.get(code="pre_k"),
        classroom="Preschool A",
    )
    phone = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server.url, observer.user.email)
    phone.get_by_role("link", name=f"Pre (start of year): {pair.mentee.full_name}").click()
    expect(phone.get_by_role("heading", name="CLASS Pre-K, pre (start of year)")).to_be_visible()
    assert_fits_phone_width(phone)
    grid = phone.locator("table.score-grid")
    grid_box = grid.evaluate("t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]")
    assert grid_box[0] <= grid_box[1], f"the grid scrolls sideways: {grid_box[0]}px in {grid_box[1]}px"
    for code in ("PC", "LM"):
        cell = phone.locator(f"#id_c4_{code}")
        cell.scroll_into_view_if_needed()
        assert right_edge(cell) <= width, f"cycle 4 of {code} ends at {right_edge(cell)}px"
        cell.fill("5")
        expect(cell).to_have_value("5")
    assert_accessible(phone, f"score grid at {width}px")
