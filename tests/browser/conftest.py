import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """axe-core scan: no serious or critical violations on the page as it stands."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"accessibility violations on {label or page.url}:\n{details}"


def assert_fits_phone_width(page) -> None:
    """Nothing forces sideways scrolling at 375 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide at {page.viewport_size['width']}px"


# --- the browser console: no page may log an error or a Content-Security-Policy violation

_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__pacCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || e.documentURI}:${e.lineNumber} (${(e.sample || "").slice(0, 80)})`);
});
"""


class ConsoleProblems:
    """Console errors, uncaught page errors and CSP violations seen by every page of a test.
    A test that means to provoke one (a refused page) says so with allow(pattern)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def watch(self, context) -> None:
        context.expose_binding("__pacCspViolation", lambda source, text: self.seen.append(f"CSP violation: {text}"))
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.seen.append(f"page error: {error.error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        page_url = message.page.url if message.page else "?"
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page_url:
            return  # the page's own status (a form with errors answers 400): the test asserts it itself
        self.seen.append(f"console error on {page_url}: {message.text} ({message.location.get('url')})")

    def unexpected(self) -> list[str]:
        return [text for text in self.seen if not any(p.search(text) for p in self.allowed)]


def watch_console(browser, monkeypatch):
    """Every context the test opens (pytest-playwright's page, browser.new_context, browser.new_page)
    reports its console; the test fails at teardown if any page logged an error or a CSP violation.
    A generator for a fixture: yields the ConsoleProblems."""
    problems = ConsoleProblems()
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        problems.watch(context)
        return context

    def watched_page(*args, **kwargs):
        context = watched_context(*args, **kwargs)
        page = context.new_page()
        page.on("close", lambda _: context.close())
        return page

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    yield problems
    unexpected = problems.unexpected()
    if unexpected:
        pytest.fail("the browser console reported problems:\n" + "\n".join(unexpected[:20]), pytrace=False)


@pytest.fixture(autouse=True)
def console_problems(browser, monkeypatch):
    """Every browser test fails on a console error, page error or CSP violation (see watch_console);
    browser tests elsewhere get the same from tests/conftest.py."""
    yield from watch_console(browser, monkeypatch)
