"""Journey: each role signs in and finds what it has to do next on My work, worked out from the
data (no reminder sweep has run: there is no Reminder row). A coach (CT), a mentee, a leader, a
CLASS observer, a PLC facilitator and EEC staff (with two-factor sign-in); axe-core at 1280 and
375 px, and nothing wider than the phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Stage
from coaching import services
from coaching.models import Reminder, TrainingEvent
from evaluation.models import ScheduledObservation
from pac.models import OutboundEmail
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair
from tests.conftest import totp_code
from tests.evaluation.factories import certified_observer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

DAY = datetime.timedelta(days=1)


def test_every_role_sees_its_due_items_on_my_work(live_server, browser, staff_user, facilitator, program_year):
    today = timezone.localdate()
    pair = active_pair(program_year, staff_user, started_on=today - 95 * DAY, with_leader=True)
    held = services.meeting_log(
        pair=pair,
        actor=pair.coach.user,
        held_on=today - 2 * DAY,
        duration_minutes=75,
        modality="in_person",
        purpose="observation",
    )
    mou = MOUFactory(
        application=ApplicationFactory(program_year=program_year, stage=Stage.SUBMITTED),
        signer_email=pair.leader.email,
        status="requested",
    )
    observer = certified_observer()
    ScheduledObservation.objects.create(
        pair=pair,
        time_point="pre",
        window_opens=today - 40 * DAY,
        due_by=today - 3 * DAY,
        observer=observer,
        scheduled_by=staff_user,
    )
    region = pair.mentee.program.region
    region.facilitators.add(facilitator.person)
    TrainingEvent.objects.create(
        program_year=program_year,
        kind="plc",
        title="Regional PLC",
        region=region,
        held_on=today,
        hours=1,
        created_by=staff_user,
    )
    ApplicationFactory.create_batch(2, program_year=program_year, stage=Stage.IN_REVIEW)
    OutboundEmail.objects.create(to=["x@example.org"], subject="s", body_text="b", status="failed")
    assert not Reminder.objects.exists()

    who = f"{pair.coach.full_name} and {pair.mentee.full_name}"
    expected = {
        "coach": (
            pair.coach.user,
            None,
            ["30-day report 1 (", "is overdue", f"with {pair.mentee.full_name} was logged"],
        ),
        "mentee": (pair.mentee.user, None, [f"Confirm the observation with {pair.coach.full_name}"]),
        "leader": (
            pair.leader.user,
            None,
            [f"Sign the MOU for {mou.application.applicant.full_name}", f"Check-in with {who} due this month"],
        ),
        "observer": (
            observer.user,
            None,
            ["CLASS observations to record", f"Pre (start of year): {pair.mentee.full_name}"],
        ),
        "facilitator": (facilitator, None, ["Record who attended Regional PLC"]),
        "staff": (
            staff_user,
            "totp",
            ["30-day reports overdue", "Tier 2: committee review: 2", "1 email could not be sent", "observation"],
        ),
    }
    base = live_server.url
    for role, (user, code, texts) in expected.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, base, user.email, code=totp_code() if code else None)
        page.goto(f"{base}/my-work/")  # where sign-in lands; asked for again, it is worked out afresh
        expect(page.get_by_role("heading", name="My work")).to_be_visible()
        for text in texts:
            expect(page.get_by_role("main").get_by_text(text, exact=False).first).to_be_visible()
        assert_accessible(page, f"My work for the {role} at 1280 px")
        page.set_viewport_size({"width": 375, "height": 740})
        assert_fits_phone_width(page)
        assert_accessible(page, f"My work for the {role} at 375 px")
        if role == "coach":  # the overdue report's link says its draft is not started and starts it on a click
            page.get_by_role("link", name=re.compile(r"30-day report 1 \(")).click()
            expect(page.get_by_test_id("report-status")).to_have_text("Not started yet")
            assert_accessible(page, "the overdue report, not started yet")
            page.get_by_role("button", name="Start 30-day report 1").click()
            expect(page.get_by_test_id("report-status")).to_have_text("Draft")
            expect(page.get_by_label("Actions taken")).to_be_visible()
            assert_accessible(page, "the overdue report")
        if role == "mentee":  # the link leads to the meeting to confirm
            page.get_by_role("link", name=re.compile("Confirm the observation")).click()
            page.locator(f"#meeting-{held.pk}").get_by_role("button", name="Confirm this meeting took place").click()
            expect(page.get_by_text("Thank you for confirming the meeting.")).to_be_visible()
        context.close()
    held.refresh_from_db()
    assert held.mentee_confirmed_at is not None
