"""The console watch itself (tests/browser/conftest.py): it sees a CSP violation, a broken
subresource and an uncaught error on any page a test opens, but not a page's own 4xx status."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_watch_sees_violations_broken_resources_and_errors(live_server, browser, console_problems):
    page = browser.new_context().new_page()
    response = page.goto(f"{live_server.url}/accounts/password/reset/key/nonsense/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"/static/no-such-file.png\">')")
    page.evaluate("setTimeout(() => { throw new Error('boom from the page'); }, 0)")
    page.wait_for_timeout(500)
    seen = "\n".join(console_problems.seen)
    assert "style-src" in seen
    assert "no-such-file.png" in seen
    assert "boom from the page" in seen
    assert response.status < 500
    console_problems.seen.clear()  # seen as expected: the test itself must not fail at teardown

    refused = page.goto(f"{live_server.url}/evaluation/surveys/respond/not-a-real-link/")
    assert refused.status >= 400
    page.wait_for_timeout(200)
    assert console_problems.seen == []  # the page's own status is the test's to assert
