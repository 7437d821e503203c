"""Journey on a 375 px phone: a coach corrects a meeting's length (with the reason, shown with the
warning) and withdraws another meeting logged by mistake, with a reason; the withdrawn meeting
stays on the page, marked withdrawn. axe-core scans every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services
from coaching.models import Meeting
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

DAY = datetime.timedelta(days=1)


def test_coach_corrects_a_meeting_and_withdraws_another_on_a_phone(live_server, browser, staff_user, program_year):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - 40 * DAY, with_leader=True)
    coach = pair.coach.user
    common = {"pair": pair, "actor": coach, "modality": "in_person", "purpose": "observation"}
    first = services.meeting_log(held_on=today - 5 * DAY, duration_minutes=75, **common)
    duplicate = services.meeting_log(held_on=today - 3 * DAY, duration_minutes=60, **common)
    services.meeting_confirm(meeting=first, actor=pair.mentee.user)

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server.url, coach.email)
    phone.goto(f"{live_server.url}/coaching/pairs/{pair.pk}/")
    assert_fits_phone_width(phone)
    assert_accessible(phone, "workspace with meetings to correct")

    phone.get_by_role("link", name=f"Correct the meeting of {first.held_on:%b %-d, %Y}").click()
    expect(phone.get_by_role("heading", name=f"Correct the meeting of {first.held_on:%B %-d, %Y}")).to_be_visible()
    expect(phone.get_by_text("the mentee is asked to confirm it again")).to_be_visible()
    assert_fits_phone_width(phone)
    assert_accessible(phone, "correct a meeting")
    phone.get_by_label("Duration (minutes)").fill("45")
    phone.get_by_label("why the meeting was shorter or longer", exact=False).fill("The centre closed early for snow")
    phone.get_by_role("button", name="Save correction").click()
    expect(
        phone.get_by_text("Meeting corrected. The mentee is asked to confirm it again.", exact=False)
    ).to_be_visible()
    card = phone.locator(f"#meeting-{first.pk}")
    expect(card.get_by_text("Outside 60–90 minutes: The centre closed early for snow")).to_be_visible()
    expect(card.get_by_text("Not yet confirmed by the mentee")).to_be_visible()
    assert_fits_phone_width(phone)
    assert_accessible(phone, "workspace after the correction")

    phone.get_by_role("link", name=f"Withdraw the meeting of {duplicate.held_on:%b %-d, %Y}").click()
    expect(phone.get_by_role("heading", name=f"Withdraw the meeting of {duplicate.held_on:%B %-d, %Y}")).to_be_visible()
    assert_fits_phone_width(phone)
    assert_accessible(phone, "withdraw a meeting")
    phone.get_by_role("button", name="Withdraw meeting").click()  # no reason: refused, said clearly
    expect(phone.get_by_text("Say why the meeting is withdrawn.")).to_be_visible()
    assert_accessible(phone, "withdraw a meeting, with the error")
    phone.get_by_label("Why is this meeting withdrawn?").fill("Logged twice by mistake")
    phone.get_by_role("button", name="Withdraw meeting").click()
    expect(phone.get_by_text("Meeting withdrawn.", exact=False)).to_be_visible()
    card = phone.locator(f"#meeting-{duplicate.pk}")
    expect(card.get_by_text("Withdrawn", exact=True)).to_be_visible()
    expect(card.get_by_text("Logged twice by mistake", exact=False)).to_be_visible()
    expect(card.get_by_role("link", name="Correct", exact=False)).to_have_count(0)
    assert_fits_phone_width(phone)
    assert_accessible(phone, "workspace with a withdrawn meeting")

    first.refresh_from_db()
    duplicate.refresh_from_db()
    assert first.duration_minutes == 45 and first.mentee_confirmed_at is None and first.history.count() == 3
    assert duplicate.withdrawal_reason == "Logged twice by mistake" and Meeting.objects.count() == 2
