"""Journey, in the embedded default (no Redis, Celery eager): a coach asks for a date range of their
30-day reports as one PDF. The request returns at once (the document is made in the web process's
background thread, not in the request); the job page shows it running with its progress and
stage, then offers the download by itself (htmx polling), as it does with a worker."""

from __future__ import annotations

import dataclasses
import datetime
import threading

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import documents
from pac.documents import registry
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.test_documents import make_report
from tests.coaching.test_views import make_pair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_a_long_document_is_made_in_the_background_and_its_page_shows_progress(
    live_server, browser, staff_user, program_year, settings, monkeypatch
):
    settings.PAC_DOCUMENT_JOBS_IN_THREAD = True  # as in local settings without REDIS_URL
    release = threading.Event()
    kind = registry.get(documents.COACH_REPORTS)

    def slow_build(params, progress):
        progress(30, "Laying out your reports")
        release.wait(timeout=60)  # a long document: it is still being made while the page is read
        return kind.build(params, progress)

    monkeypatch.setitem(registry._kinds, documents.COACH_REPORTS, dataclasses.replace(kind, build=slow_build))

    today = timezone.localdate()
    pair = make_pair(program_year, staff_user, started_days_ago=70)
    make_report(pair, 1, start=today - datetime.timedelta(days=70), tag="FIRSTMONTH")
    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, pair.coach.email)
    phone.goto(f"{base}/coaching/reports/bundle/")
    phone.get_by_label("From").fill((today - datetime.timedelta(days=70)).isoformat())
    phone.get_by_label("To").fill(today.isoformat())
    phone.get_by_role("button", name="Make the PDF").click()

    # the request came back while the document is still being made
    expect(phone.get_by_role("heading", name=f"30-day reports: {pair.coach.full_name}")).to_be_visible()
    expect(phone.get_by_text("Laying out your reports")).to_be_visible()
    expect(phone.locator("progress")).to_have_attribute("value", "30")
    expect(phone.get_by_text("Running", exact=True)).to_be_visible()
    assert_accessible(phone, "job running")
    assert_fits_phone_width(phone)

    release.set()
    link = phone.get_by_role("link", name="Download 30-day-reports")
    expect(link).to_be_visible(timeout=30_000)  # the page updated by itself
    assert_accessible(phone, "job done")
    with phone.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".pdf")
