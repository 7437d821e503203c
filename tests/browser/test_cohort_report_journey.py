"""Journey: staff ask for the cohort evaluation report from the analytics page, watch the job wait
for a worker and then finish (the page updates itself with htmx; no reload), and download the PDF.
A real Celery worker on Redis renders it, started only once the page shows the job queued, so the
progress the page shows is real. axe-core scans the job page in both states."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code
from tests.evaluation.test_scale import bulk_observed_pairs
from tests.pac.test_celery_worker import REDIS_URL, redis_reachable

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
    pytest.mark.skipif(not redis_reachable(REDIS_URL), reason="no Redis reachable at REDIS_URL (set REDIS_URL to run)"),
]


def test_staff_request_the_cohort_report_watch_it_and_download_it(
    live_server, browser, staff_user, program_year, celery_on_redis
):
    bulk_observed_pairs(program_year, 8)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, staff_user.email, code=totp_code())
    page.goto(f"{base}/evaluation/analytics/?year={program_year.pk}&instrument=pre_k")
    expect(page.get_by_role("heading", name=f"CLASS growth · {program_year}")).to_be_visible()
    page.get_by_role("button", name="Create the cohort report (PDF)").click()

    heading = page.get_by_role("heading", name=f"Cohort evaluation report: {program_year}")
    expect(heading).to_be_visible()
    expect(page.get_by_text("Status: Queued")).to_be_visible()
    expect(page.get_by_text("Waiting for a worker to start it.")).to_be_visible()
    expect(
        page.get_by_role("progressbar", name=f"Progress of Cohort evaluation report: {program_year}")
    ).to_have_attribute("value", "0")
    assert_accessible(page, "queued cohort report")

    with celery_on_redis():
        download_link = page.get_by_role("link", name="Download pac-cohort-report")
        expect(download_link).to_be_visible(timeout=60_000)  # htmx polling brought the news
    expect(page.get_by_text("Status: Ready")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page, "finished cohort report")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"pac-cohort-report-{program_year.pk}-pre-k.pdf"
    with open(download.path(), "rb") as handle:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages)
    assert "8 of 8 pairs in scope have both a pre and a post" in text

    page.get_by_role("link", name="All my documents").click()
    expect(page.get_by_role("heading", name="My documents")).to_be_visible()
    expect(page.get_by_role("cell", name="Ready")).to_be_visible()
    assert_accessible(page, "my documents")
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    assert_fits_phone_width(phone)
