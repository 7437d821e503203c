"""Journey: staff sign in through the real login page, pass two-factor, open My work."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_staff_sign_in_with_two_factor_and_open_my_work(live_server, page, staff_user, program_year):
    page.goto(f"{live_server.url}/")
    assert_accessible(page, "home")
    page.get_by_role("link", name="Sign in").first.click()
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    assert_accessible(page, "login")

    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert_accessible(page, "two-factor")
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    assert_accessible(page, "my work")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Staff admin")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("EEC staff", exact=True)).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert_fits_phone_width(page)
    assert_accessible(page, "my work at 375px")


def test_a_mentee_signs_in_without_two_factor_and_sees_no_staff_links(live_server, page, mentee):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(mentee.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_text("Mentee", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Staff admin")).to_have_count(0)
    assert_accessible(page, "mentee my work")
