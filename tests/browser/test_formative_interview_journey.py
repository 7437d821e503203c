"""Journey: EEC staff schedule a formative interview with a Consultant Teacher (at a desk); the
interviewer, an Advisory Panel member, records it from their phone (a missing answer first, kept and
corrected); the answers appear on the coach's six-month review, for staff at the desk and for another
panel member on a phone. axe-core scans every page; screenshots at 375 and 1280 px go to
/tmp/shots/fi/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation import coach_reviews
from evaluation.models import CoachReview, FormativeInterview
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.conftest import totp_code
from tests.factories import panel_seat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

SHOTS = Path("/tmp/shots/fi")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_schedule_the_interviewer_records_on_a_phone_and_the_review_shows_it(
    live_server, browser, staff_user, program_year
):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, with_leader=True, started_on=today - datetime.timedelta(days=190))
    interviewer = panel_seat(program_year, role="chair")
    colleague = panel_seat(program_year)
    base = live_server.url

    # staff, at a desk: Evaluation → Formative interviews → Schedule an interview
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, base, staff_user.email, code=totp_code())
    desk.get_by_role("navigation", name="Main").get_by_role("button", name="Evaluation").click()
    desk.get_by_role("link", name="Formative interviews").click()
    expect(desk.get_by_role("heading", name=f"Formative interviews · {program_year}")).to_be_visible()
    assert_accessible(desk, "interview list (empty)")
    desk.get_by_role("link", name="Schedule an interview").click()
    desk.get_by_label("Interview with").select_option(label=f"{pair.coach.full_name} (Consultant Teacher)")
    desk.get_by_label("Interviewer").select_option(label=f"{interviewer} (Advisory Panel)")
    desk.get_by_label("Date").fill(today.isoformat())
    assert_accessible(desk, "schedule an interview")
    shot(desk, "schedule-1280")
    desk.get_by_role("button", name="Schedule the interview").click()
    expect(desk.get_by_text(f"Interview with {pair.coach.full_name} scheduled")).to_be_visible()
    expect(desk.get_by_test_id("interview-status")).to_contain_text("Scheduled")
    assert_accessible(desk, "interview page")
    interview = FormativeInterview.objects.get()
    assert interview.interviewer == interviewer and interview.scheduled_on == today

    # the interviewer, on a phone: My work → the interview → record it
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, interviewer.email)
    expect(phone.get_by_role("heading", name="Formative interviews")).to_be_visible()
    assert_fits_phone_width(phone)
    phone.get_by_role("link", name=pair.coach.full_name).click()
    expect(phone.get_by_role("heading", name="Record the interview")).to_be_visible()
    assert_accessible(phone, "record the interview")
    assert_fits_phone_width(phone)
    phone.get_by_role("group", name="How often do you meet with your Mentee(s)?").get_by_label(
        "Every two weeks"
    ).check()
    phone.get_by_role(
        "group", name="How well is the professional development plan guiding your coaching?"
    ).get_by_label("Well", exact=True).check()
    phone.get_by_role(
        "group", name="How well does the Program/Instructional Leader support the coaching?"
    ).get_by_label("Very well").check()
    phone.get_by_label("What progress toward the goals are you most proud of?").fill(
        "Circle time is calmer and the children lead the songs."
    )
    shot(phone, "record-375")
    phone.get_by_role("button", name="Save the record").click()  # one open answer is missing
    expect(phone.get_by_text("Some answers need attention")).to_be_visible()
    expect(phone.get_by_label("What progress toward the goals are you most proud of?")).to_have_value(
        "Circle time is calmer and the children lead the songs."
    )
    assert_accessible(phone, "record form with an error")
    assert_fits_phone_width(phone)
    shot(phone, "record-error-375")
    phone.get_by_label("What is getting in the way, and what support would help?").fill(
        "Cover for the classroom during our meetings."
    )
    phone.get_by_role("button", name="Save the record").click()
    expect(phone.get_by_text("The interview is recorded.")).to_be_visible()
    expect(phone.get_by_text("Every two weeks")).to_be_visible()
    assert_accessible(phone, "recorded interview")
    assert_fits_phone_width(phone)
    shot(phone, "recorded-375")
    interview.refresh_from_db()
    assert interview.status == "recorded" and interview.answers.count() == 5

    # the six-month review opens; staff read the interview there
    assert coach_reviews.reviews_open() == 1
    review = CoachReview.objects.get(coach=pair.coach)
    desk.goto(f"{base}/evaluation/coach-reviews/{review.pk}/")
    section = desk.locator("section", has_text=f"{pair.coach.full_name} (Consultant Teacher) with {interviewer}")
    expect(section).to_contain_text("Circle time is calmer and the children lead the songs.")
    expect(section).to_contain_text("Every two weeks")
    assert_accessible(desk, "six-month review with the interview")
    desk.get_by_role("heading", name="Formative interviews").scroll_into_view_if_needed()
    shot(desk, "review-1280")

    # another panel member, on a phone, reads it on the same review
    other = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(other, base, colleague.email)
    other.goto(f"{base}/evaluation/coach-reviews/{review.pk}/")
    expect(other.get_by_text("Cover for the classroom during our meetings.")).to_be_visible()
    assert_accessible(other, "six-month review on a phone")
    assert_fits_phone_width(other)
    shot(other, "review-375")

    other.goto(f"{base}/evaluation/interviews/")
    expect(other.get_by_role("link", name=today.strftime("%b %-d, %Y"))).to_be_visible()
    assert_accessible(other, "interview list on a phone")
    assert_fits_phone_width(other)
    shot(other, "list-375")
    desk.goto(f"{base}/evaluation/interviews/")
    shot(desk, "list-1280")
