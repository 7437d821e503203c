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
