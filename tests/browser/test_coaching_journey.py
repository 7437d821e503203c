"""Journey at 375 px: a coach logs a meeting, updates a goal and files a 30-day report from a
phone; staff return it; the coach resubmits. axe-core scans every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services
from coaching.models import ThirtyDayReport
from pac.models import Tag
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.test_views import make_pair
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_coach_files_a_report_from_a_phone_staff_return_it_coach_resubmits(
    live_server, browser, staff_user, program_year
):
    pair = make_pair(program_year, staff_user, started_days_ago=32)
    coach = pair.coach.user
    services.goal_save(pair=pair, actor=coach, area=Tag.objects.get(code="class-cd"), title="Ask open-ended questions")
    base = live_server.url
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, coach.email)
    phone.goto(f"{base}/coaching/pairs/{pair.pk}/")
    expect(phone.get_by_role("heading", name=f"{pair.coach.full_name} and {pair.mentee.full_name}")).to_be_visible()
    assert_fits_phone_width(phone)
    assert_accessible(phone, "workspace on a phone")

    phone.get_by_role("link", name="Log a meeting").click()
    assert_accessible(phone, "log a meeting")
    phone.get_by_label("Date").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    phone.get_by_label("Duration (minutes)").fill("75")
    phone.get_by_label("Modality").select_option(label="In person")
    phone.get_by_label("Purpose").select_option(label="Observation")
    phone.get_by_label("Notes").fill("Observed small-group math; strong questions.")
    phone.get_by_label("Agreed next steps").fill("Try wait time after questions.")
    phone.get_by_role("button", name="Save meeting").click()
    expect(phone.get_by_text("Meeting saved.")).to_be_visible()
    assert_fits_phone_width(phone)

    phone.get_by_role("link", name="Ask open-ended questions").click()
    assert_accessible(phone, "goal")
    phone.get_by_label("Status").select_option(label="In progress")
    phone.get_by_role("button", name="Save goal").click()
    expect(phone.get_by_text("Goal saved.")).to_be_visible()

    # no draft yet (the hourly task has not run for this pair): the workspace says so, and the coach starts it
    expect(phone.get_by_text("Not started yet").first).to_be_visible()
    phone.get_by_role("link", name="Report 1:").click()
    assert_accessible(phone, "report not started yet on a phone")
    phone.get_by_role("button", name="Start 30-day report 1").click()
    expect(phone.get_by_role("heading", name="30-day report 1")).to_be_visible()
    expect(phone.get_by_test_id("report-status")).to_have_text("Draft")
    assert_fits_phone_width(phone)
    assert_accessible(phone, "report form on a phone")
    phone.get_by_label("Actions taken").fill("One observation and a follow-up by phone.")
    phone.get_by_label("Progress toward goals").fill("Questions are more open; children talk more.")
    phone.get_by_label("Next steps").fill("Practise wait time.")
    phone.get_by_role("button", name="Submit report").click()
    expect(phone.get_by_test_id("report-status")).to_have_text("Submitted")
    report = ThirtyDayReport.objects.get(pair=pair, period=1)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, base, staff_user.email, code=totp_code())
    desk.goto(f"{base}/coaching/staff/?year={program_year.pk}")
    assert_accessible(desk, "coaching overview")
    desk.goto(f"{base}/coaching/reports/{report.pk}/")
    assert_accessible(desk, "report review")
    desk.get_by_label("What needs revising").fill("Please add evidence for the goal.")
    desk.get_by_role("button", name="Return for revision").click()
    expect(desk.get_by_test_id("report-status")).to_have_text("Returned for revision")

    phone.reload()
    expect(phone.get_by_text("Please add evidence for the goal.")).to_be_visible()
    phone.get_by_label("Progress toward goals").fill("Questions are more open; in 3 of 4 groups children answered.")
    phone.get_by_role("button", name="Submit report").click()
    expect(phone.get_by_test_id("report-status")).to_have_text("Submitted")
    assert_accessible(phone, "resubmitted report")
    report.refresh_from_db()
    assert report.status == ThirtyDayReport.Status.SUBMITTED and "3 of 4" in report.answers["progress"]
