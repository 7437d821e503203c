"""Journey: Redis (the cache behind rate limits and used two-factor codes) stops while a person is on
the sign-in page. They sign in; staff pass two-factor; a newcomer signs up and confirms their
email; someone asks for a password reset; /healthz names the cache as down. A real redis-server
of the test's own is stopped (the redis_cache fixture). axe-core scans each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import PASSWORD, link_in_mail
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_people_sign_in_sign_up_and_reset_a_password_while_redis_is_down(
    live_server, browser, mentee, staff_user, redis_cache
):
    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    page = browser.new_page()
    assert page.request.get(f"{base}/healthz").json()["checks"]["cache"] == "ok"

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(mentee.email)
    page.get_by_label("Password").fill(PASSWORD)
    redis_cache.stop()  # Redis goes away while the person types
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    assert_accessible(page, "my work, Redis down")
    sign_out(page)

    # staff: password, then the authenticator code (the used code is kept in the database)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    sign_out(page)

    # a newcomer signs up on a phone and confirms the address from the email
    phone.goto(f"{base}/accounts/signup/")
    phone.get_by_label("Email").fill("dana.newcomer@example.org")
    phone.get_by_label("First name").fill("Dana")
    phone.get_by_label("Last name").fill("Newcomer")
    phone.locator("#id_password1").fill("a-long-enough-pass")
    phone.locator("#id_password2").fill("a-long-enough-pass")
    phone.get_by_role("button", name="Sign Up").click()
    expect(phone.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert_accessible(phone, "verify your email, Redis down")
    assert_fits_phone_width(phone)
    phone.goto(link_in_mail("dana.newcomer@example.org", r"http://[^/\s]+/accounts/confirm-email/\S+"))
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_role("heading", name="My work")).to_be_visible()

    # someone who forgot their password asks for a reset
    page.goto(f"{base}/accounts/password/reset/")
    page.get_by_label("Email").fill(mentee.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    assert_accessible(page, "password reset sent, Redis down")
    link_in_mail(mentee.email, r"/accounts/password/reset/key/\S+")

    health = page.request.get(f"{base}/healthz").json()
    assert health["checks"]["cache"] == "down" and "cache" in health["down"]
