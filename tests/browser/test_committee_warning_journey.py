"""Journey: a new program year has Tier 2 applications and no review committee. Staff see the
warning on the pipeline (at 375 and 1280 px), open the application (which says why nobody can be
added as a reviewer, with no "None" anywhere), follow the link to set up a committee and find the
admin's form filled in with the year, region and role."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from applications.models import Stage
from pac.models import Program, Region
from tests.applications.factories import ApplicationFactory
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.conftest import totp_code
from tests.factories import ProgramYearFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
PASSWORD = "correct-horse-battery"
VIEWPORTS = {
    375: {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 900}},
}


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_staff_are_warned_of_tier2_applications_without_a_committee(live_server, browser, staff_user, width):
    year = ProgramYearFactory(name="2031–32")
    application = ApplicationFactory(program_year=year, role="ct", stage=Stage.IN_REVIEW)
    region = Region.objects.get(number=3)
    Program.objects.filter(pk=application.program_id).update(region=region)
    base = live_server.url
    page = browser.new_context(**VIEWPORTS[width]).new_page()
    _sign_in(page, base, staff_user.email)

    page.goto(f"{base}/applications/staff/?year={year.pk}")
    warning = page.get_by_test_id("committee-warning")
    expect(warning).to_contain_text("2031–32 has no review committee yet")
    expect(warning).to_contain_text(f"1 Consultant Teacher application in Region 3 ({region.name})")
    assert_accessible(page, f"pipeline at {width}px")
    if width == 375:
        assert_fits_phone_width(page)

    page.goto(f"{base}/applications/staff/{application.reference}/")
    expect(page.get_by_test_id("no-committee")).to_contain_text("No review committee covers this application")
    expect(page.get_by_test_id("no-reviewers-to-add")).to_be_visible()
    expect(page.get_by_label("Add a reviewer")).to_have_count(0)
    assert not re.search(r"\bNone\b", page.locator("main").inner_text())
    assert_accessible(page, f"application at {width}px")
    if width == 375:
        assert_fits_phone_width(page)

    page.get_by_test_id("no-committee").get_by_role("link", name="Set up a committee").click()
    expect(page.get_by_label("Name:")).to_have_value("Review committee 2031–32, Region 3, Consultant Teachers")
    expect(page.get_by_label("Role:")).to_have_value("ct")
    expect(page.locator("#id_program_year")).to_have_value(str(year.pk))
    expect(page.locator("#id_region")).to_have_value(str(region.pk))
