"""No page logs a Content-Security-Policy violation or a console error: the reviewer's score
autosave (htmx swaps) and the staff admin, including the pages other libraries add to it
(history, export, beat schedules). The autouse console_problems fixture (conftest) fails the
test at teardown on anything the console reports."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from applications.models import ReviewAssignment
from pac.models import Region
from tests.applications.factories import make_in_review
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_score_autosave_logs_no_csp_violation(live_server, browser, console_problems):
    application, members = make_in_review()
    assignment = ReviewAssignment.objects.get(application=application, reviewer=members[0])
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, members[0].email)
    page.goto(f"{live_server.url}/applications/reviews/")
    page.get_by_role("link", name=application.reference).click()
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Continue").click()
    for criterion in assignment.rubric.criteria.all()[:2]:
        group = page.locator(f"#criterion-{criterion.pk}")
        # the reader resized the comment box: the browser keeps that size as a style on the element
        group.locator("textarea").evaluate("t => { t.style.height = '7rem'; }")
        group.get_by_label(re.compile(r"^4: ")).check()
        expect(page.locator(f"#criterion-{criterion.pk}").get_by_role("status")).to_have_text("Saved")
        page.locator(f"#criterion-{criterion.pk}").get_by_label(re.compile(r"^3: ")).check()
        expect(page.locator(f"#criterion-{criterion.pk}").get_by_label(re.compile(r"^3: "))).to_be_checked()
        page.wait_for_timeout(200)  # htmx settles 20 ms after the swap
    assert not console_problems.seen


def test_staff_admin_pages_log_no_csp_violation(live_server, browser, staff_user, console_problems):
    region = Region.objects.order_by("pk").first()
    region.name = f"{region.name} "  # a history entry, so the history page lists one
    region.save()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    base = live_server.url
    sign_in(page, base, staff_user.email, code=totp_code())
    for path in (
        "/admin/",
        "/admin/pac/region/",
        f"/admin/pac/region/{region.pk}/change/",
        f"/admin/pac/region/{region.pk}/history/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        page.goto(base + path)
        expect(page.locator("#content")).to_be_visible()
    page.goto(base + "/admin/pac/region/")
    page.locator("#action-toggle").check()
    page.get_by_label("Action:").select_option(index=1)
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("This exporter will export the following fields")).to_be_visible()
    assert not console_problems.seen
