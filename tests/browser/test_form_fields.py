"""Long form fields made usable: the CLASS score grid fits a phone with every cycle visible; the
areas of expertise are grouped by kind with a search; the program list is grouped by region with
a search. axe-core scans each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pac.models import Region, Tag
from tests.applications.factories import ApplicationFactory
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.evaluation.factories import scheduled_pre_k_observation
from tests.factories import ProgramFactory

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
    pair, observer = scheduled_pre_k_observation(program_year, staff_user)
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


def test_areas_grouped_by_kind_and_programs_by_region_both_searchable(live_server, browser, program_year):
    harbor = ProgramFactory(name="Harbor Kids Academy", city="Gloucester", region=Region.objects.get(number=3))
    for n in range(12):
        ProgramFactory(name=f"Maple Tree Center {n}", region=Region.objects.get(number=1 + n % 6))
    application = ApplicationFactory(program_year=program_year)
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server.url, application.applicant.email)
    phone.goto(f"{live_server.url}/applications/{application.reference}/edit/")
    assert_fits_phone_width(phone)

    areas = phone.get_by_role("group", name="Areas of expertise")
    kinds = Tag.objects.filter(is_active=True).values_list("kind", flat=True).distinct()
    for kind in kinds:
        expect(areas.get_by_role("group", name=Tag.Kind(kind).label)).to_be_visible()
    total = Tag.objects.filter(is_active=True).count()
    concept = areas.get_by_label("CLASS Concept Development (CD)")
    other = areas.get_by_label(Tag.objects.filter(kind=Tag.Kind.QRIS).first().name, exact=True)
    phone.get_by_label("Search the areas").fill("concept dev")
    expect(other).to_be_hidden()
    expect(concept).to_be_visible()
    expect(areas.get_by_role("status")).to_have_text(re.compile(rf"^\d+ of {total} shown$"))
    expect(areas.get_by_role("group", name=Tag.Kind.QRIS.label)).to_be_hidden()  # a group with no match
    concept.check()
    phone.get_by_label("Search the areas").fill("")
    expect(other).to_be_visible()
    assert_accessible(phone, "areas with a search")

    programs = phone.get_by_label("Your program", exact=True)
    assert programs.locator("optgroup").count() >= 3
    expect(programs.locator("optgroup[label='Region 3: Northeast'] option").first).to_have_text(
        "Harbor Kids Academy, Gloucester"
    )
    phone.get_by_label("Search programs by name, town or region").fill("glouc")
    expect(programs.locator("option", has_text="Maple Tree")).to_have_count(0)
    expect(programs.locator("option", has_text="Harbor Kids Academy")).to_have_count(1)
    programs.select_option(label="Harbor Kids Academy, Gloucester")
    phone.get_by_label("Search programs by name, town or region").fill("northeast")
    expect(programs).to_have_value(str(harbor.pk))  # the choice stays while searching
    assert_accessible(phone, "program with a search")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.get_by_text("Your answers are saved.")).to_be_visible()
    application.refresh_from_db()
    assert application.program == harbor
    assert application.tags.filter(code="class-cd").exists()
