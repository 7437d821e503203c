"""Journey: EEC staff work the application list (django-filter + django-tables2) at desk width and
on a phone: filter by a labelled field, sort from the keyboard, page on, and download the filtered
rows as CSV. axe-core scans each state; at 375 px only the table's own region scrolls sideways.
Screenshots go to /tmp/shots/tb/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Stage
from pac.models import Person
from tests.applications.factories import ApplicationFactory, committee_with_members
from tests.applications.test_views import _many_in_review
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
SHOTS = Path("/tmp/shots/tb")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_filter_sort_page_and_download_the_application_list(live_server, browser, staff_user, program_year):
    _, members = committee_with_members(program_year, 3)
    _many_in_review(program_year, 55, members)
    accepted = [ApplicationFactory(program_year=program_year, stage=Stage.ACCEPTED) for _ in range(2)]
    Person.objects.filter(pk=accepted[0].applicant_id).update(first_name="Alma", last_name="Aaronson")
    Person.objects.filter(pk=accepted[1].applicant_id).update(first_name="Zora", last_name="Zylstra")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, staff_user.email, code=totp_code())

    page.goto(f"{base}{reverse('applications:staff_list')}?year={program_year.pk}")
    expect(page.get_by_test_id("list-count")).to_have_text("Showing 1–50 of 57 applications.")
    table = page.get_by_role("table", name=f"Applications of {program_year}")
    expect(table.locator("tbody tr")).to_have_count(50)
    assert_accessible(page, "application list, desk")
    _shot(page, "applications-1280")

    page.get_by_role("navigation", name="Pages of applications").get_by_role("link", name="Page 2").click()
    expect(table.locator("tbody tr")).to_have_count(7)
    expect(page.get_by_role("navigation", name="Pages of applications").locator("[aria-current=page]")).to_have_text(
        "Page 2"
    )

    page.get_by_label("Stage").select_option(label="Accepted")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("list-count")).to_have_text("2 applications.")
    expect(table.locator("tbody tr")).to_have_count(2)

    # sort from the keyboard: the header's link, focused and followed with Enter, sorts both ways
    header = table.get_by_role("link", name="Applicant")
    header.focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("columnheader", name="Applicant")).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr").first).to_contain_text("Alma Aaronson")
    table.get_by_role("link", name="Applicant").focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("columnheader", name="Applicant")).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text("Zora Zylstra")
    expect(page.get_by_label("Stage")).to_have_value("accepted")  # the filter is kept while sorting
    assert_accessible(page, "filtered and sorted, desk")
    _shot(page, "applications-filtered-1280")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("applications-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["Reference", "Applicant", "Role"]
    assert [r[1] for r in rows[1:]] == ["Zora Zylstra", "Alma Aaronson"]

    # on a phone: the filters stack, the table scrolls inside its own region, the page does not
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{base}{reverse('applications:staff_list')}?year={program_year.pk}&page=abc")
    expect(page.get_by_text("That page number was not understood")).to_be_visible()
    assert_fits_phone_width(page)
    assert_accessible(page, "application list, phone")
    _shot(page, "applications-375")
    page.get_by_label("Name, email or reference").fill("zylstra")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("list-count")).to_have_text("1 application.")
    assert_fits_phone_width(page)
    assert_accessible(page, "searched, phone")
    _shot(page, "applications-searched-375")
