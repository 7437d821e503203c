"""Journey: a Consultant Teacher, on a phone, asks for their 30-day reports over a date range as one
PDF: a reversed range first (told why, dates kept), then a good one; the job page offers the file and
the download holds their reports. axe-core scans each page; nothing scrolls sideways at 375 px."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.test_documents import make_report
from tests.coaching.test_views import make_pair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_a_coach_gets_a_date_range_of_reports_as_one_pdf_on_a_phone(live_server, browser, staff_user, program_year):
    today = timezone.localdate()
    pair = make_pair(program_year, staff_user, started_days_ago=70)
    first = make_report(pair, 1, start=today - datetime.timedelta(days=70), tag="FIRSTMONTH")
    make_report(pair, 2, start=today - datetime.timedelta(days=40), tag="SECONDMONTH")
    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, pair.coach.email)
    phone.goto(f"{base}/coaching/pairs/{pair.pk}/")
    phone.get_by_role("link", name="All your 30-day reports for a date range as one PDF").click()
    expect(phone.get_by_role("heading", name="30-day reports as one PDF")).to_be_visible()
    assert_accessible(phone, "coach reports form")
    assert_fits_phone_width(phone)

    start, end = first.period_start, today
    phone.get_by_label("From").fill(end.isoformat())
    phone.get_by_label("To").fill(start.isoformat())
    phone.get_by_role("button", name="Make the PDF").click()
    expect(phone.get_by_text("on or after")).to_be_visible()
    expect(phone.get_by_label("From")).to_have_value(end.isoformat())  # what was typed is kept
    assert_accessible(phone, "coach reports form with an error")

    phone.get_by_label("From").fill(start.isoformat())
    phone.get_by_label("To").fill(end.isoformat())
    phone.get_by_role("button", name="Make the PDF").click()
    expect(phone.get_by_role("heading", name=f"30-day reports: {pair.coach.full_name}")).to_be_visible()
    link = phone.get_by_role("link", name="Download 30-day-reports")
    expect(link).to_be_visible(timeout=30_000)
    assert_accessible(phone, "finished job")
    assert_fits_phone_width(phone)
    with phone.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages)
    assert "FIRSTMONTH" in text and "SECONDMONTH" in text
