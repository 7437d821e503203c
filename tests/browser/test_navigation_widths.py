"""Journey: every role's menu fits and works at every width. For each role, every page their
navigation offers is no wider than the window at 320, 375, 768, 1024 and 1280 px; staff at 1280 px
open each menu and reach every item in it (by mouse and by keyboard), and at 375 px through the
toggler. axe-core scans the open menus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications import services as application_services
from pac.navigation import GROUPS
from tests.applications.factories import ApplicationFactory
from tests.browser.conftest import assert_accessible
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.conftest import totp_code
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

WIDTHS = (320, 375, 768, 1024, 1280)
ROLES = ("staff", "reviewer", "coach", "mentee", "leader", "observer", "evaluator", "facilitator")


@pytest.fixture
def person_in_role(request, program_year, staff_user, reviewer, observer, evaluator, facilitator):
    """(user, two-factor code or None) for the role named by the test's parameter."""
    role = request.param
    if role in ("coach", "mentee"):
        pair = active_pair(program_year, staff_user, with_leader=True)
        return (pair.coach if role == "coach" else pair.mentee).user, None
    if role == "leader":
        leader = UserFactory(email="leader.with.account@example.org")
        application = ApplicationFactory(program_year=program_year)
        application_services.mou_request(
            application=application, actor=application.created_by, signer_name="Lee Leader", signer_email=leader.email
        )
        return leader, None
    users = {"staff": staff_user, "reviewer": reviewer, "observer": observer}
    users |= {"evaluator": evaluator, "facilitator": facilitator}
    return users[role], (totp_code() if role == "staff" else None)


def nav_urls(page) -> list[str]:
    """Every page the Main navigation links to, menus included (open or not)."""
    hrefs = (
        page.get_by_role("navigation", name="Main")
        .locator("a[href]")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    return list(dict.fromkeys(hrefs))


def too_wide(page) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{page.url} is {scroll_width}px wide at {width}px")
    return problems


@pytest.mark.parametrize("person_in_role", ROLES, indirect=True)
def test_no_page_in_the_menu_is_wider_than_the_window(live_server, browser, person_in_role):
    user, code = person_in_role
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(page, live_server.url, user.email, code=code)
    urls = nav_urls(page)
    assert len(urls) >= 4  # home, My work, My documents, Account at least
    problems = []
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(live_server.url + url)
        assert response.ok, f"{url} answered {response.status}"
        problems += too_wide(page)
    assert not problems, "\n".join(problems)


def menus(page):
    return page.get_by_role("navigation", name="Main").locator(".dropdown")


def test_staff_reach_every_menu_item_at_1280_and_375(live_server, browser, staff_user, program_year):
    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(desk, live_server.url, staff_user.email, code=totp_code())
    nav = desk.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Show navigation")).to_be_hidden()  # the bar is open at 1280
    expect(nav.get_by_role("button", name="Sign out")).to_be_in_viewport()
    # at 1200 px, the narrowest open bar, there is still room for one more link
    desk.set_viewport_size({"width": 1200, "height": 800})
    gap = desk.evaluate(
        "() => { const [left, right] = document.querySelectorAll('#main-nav > ul');"
        " return right.getBoundingClientRect().left - left.getBoundingClientRect().right; }"
    )
    assert gap >= 100, f"only {gap}px free in the bar at 1200px"
    desk.set_viewport_size({"width": 1280, "height": 800})
    for name in ("My work", "Application pipeline", "My documents", "Account", "Staff admin"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        href = link.get_attribute("href")
        link.click()
        expect(desk).to_have_url(f"{live_server.url}{href}")
        desk.goto(f"{live_server.url}/my-work/")
    labels = [label.strip() for label in menus(desk).locator(".dropdown-toggle").all_inner_texts()]
    assert set(labels) <= set(GROUPS) and len(labels) >= 2, labels

    reached = []
    for label in labels:
        toggle = nav.get_by_role("button", name=label, exact=True)
        toggle.click()
        menu = desk.locator(f"[aria-labelledby='{toggle.get_attribute('id')}']")
        expect(menu).to_be_visible()
        assert_accessible(desk, f"open {label} menu")
        items = menu.get_by_role("link").all_inner_texts()
        assert len(items) >= 2
        for item in items:
            if toggle.get_attribute("aria-expanded") != "true":
                toggle.click()
            link = menu.get_by_role("link", name=item, exact=True)
            expect(link).to_be_in_viewport()
            href = link.get_attribute("href")
            link.click()
            expect(desk).to_have_url(f"{live_server.url}{href}")
            expect(menu.locator("a[aria-current='page']")).to_have_text(item)  # marked as the current page
            expect(toggle).to_have_class("nav-link dropdown-toggle active")
            assert desk.evaluate("document.documentElement.scrollWidth") <= 1280
            reached.append(item)
    assert {"Pairing", "Coaching overview", "CLASS growth", "Research data", "Surveys"} <= set(reached)

    # by keyboard: Enter opens a menu, the arrow keys walk it, Escape closes it
    toggle = nav.get_by_role("button", name=labels[-1], exact=True)
    toggle.focus()
    desk.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    desk.keyboard.press("ArrowDown")
    first = desk.locator(f"[aria-labelledby='{toggle.get_attribute('id')}'] a").first
    expect(first).to_be_focused()
    desk.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.context.add_cookies(desk.context.cookies())
    phone.goto(f"{live_server.url}/my-work/")
    pnav = phone.get_by_role("navigation", name="Main")
    pnav.get_by_role("button", name="Show navigation").click()
    pnav.get_by_role("button", name=labels[-1], exact=True).click()
    assert_accessible(phone, "open menu on a phone")
    last = pnav.locator(f"[aria-labelledby='{toggle.get_attribute('id')}'] a").last
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    last.click()
    expect(phone).to_have_url(f"{live_server.url}{last.get_attribute('href')}")
    pnav.get_by_role("button", name="Show navigation").click()
    expect(pnav.get_by_role("button", name="Sign out")).to_be_visible()
