"""Journeys for issue 12's bad input and lost reminders: an address with a NUL byte answers PAC's
own 400 page; staff disable one of PAC's schedules in the admin (a reason is required, delete is
not offered) and My work then warns about it."""

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


@pytest.fixture
def pac_schedules(seeded_transactional_db):
    """The beat rows PAC's migrations create (an earlier committing test's flush removes them)."""
    from importlib import import_module

    from django.apps import apps

    for module in (
        "coaching.migrations.0004_reminder_schedule",
        "evaluation.migrations.0006_coach_review_schedule",
        "evaluation.migrations.0007_survey_reminder_schedule",
    ):
        import_module(module).create(apps, None)


def _sign_in(page, live_server, user, *, two_factor=False):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    if two_factor:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def test_an_address_with_a_nul_byte_gets_the_400_page(live_server, page, mentee):
    _sign_in(page, live_server, mentee)
    response = page.goto(f"{live_server.url}/applications/x%00y/edit/")
    assert response.status == 400
    expect(page.get_by_role("heading", name="PAC could not accept that request")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="My work")).to_be_visible()
    assert_accessible(page, "400")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert_fits_phone_width(page)


def test_staff_disable_a_schedule_with_a_reason_and_my_work_warns(live_server, page, staff_user, pac_schedules):
    _sign_in(page, live_server, staff_user, two_factor=True)
    expect(page.get_by_text("Scheduled reminders need attention")).to_have_count(0)

    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/")
    page.get_by_role("link", name="PAC coaching reminders (daily)").click()
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    page.get_by_label("Enabled").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Say why this schedule is being disabled")).to_be_visible()

    page.get_by_label("Enabled").uncheck()
    page.get_by_label("Reason for enabling or disabling").fill("Paused over the summer break")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto(f"{live_server.url}/my-work/")
    panel = page.get_by_role("region", name="Scheduled reminders need attention")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("PAC coaching reminders (daily)")
    expect(panel).to_contain_text("Paused over the summer break")
    assert_accessible(page, "my work with a disabled schedule")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert_fits_phone_width(page)
    assert_accessible(page, "my work at 375px")
