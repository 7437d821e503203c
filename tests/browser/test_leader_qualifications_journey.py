"""Journey (issue 13): a Program/Instructional Leader of an FCC System opens the MOU link on a phone
(375 px), says what they are to the applicant's program and gives their PQ Registry ID, makes a
mistake in their name and finds their answers kept, then signs. Tier 1 screens the leader beside the
applicant, and EEC staff see the leader's checks in the application's Tier 1 section. Every page is
scanned with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications import services
from applications.models import MOU, Stage
from tests.applications.factories import ApplicationFactory, RecommendationFactory, committee_with_members
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _mou_link(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to:
            found = re.search(r"http://\S+/applications/m/\S+/", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no MOU link emailed to {email}")


def test_leader_gives_position_and_pq_id_and_staff_see_the_checks(live_server, browser, settings, staff_user):
    settings.PAC_BASE_URL = live_server.url
    application = ApplicationFactory(role="mentee", program_type="fcc_system", fcc_system_member=True)
    committee_with_members(application.program_year, 3)
    RecommendationFactory.create_batch(application.spec.min_recommendations, application=application, received=True)
    email = "hana.monitor@example.org"
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Hana Monitor", signer_email=email
    )
    services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED

    # --- the leader, on a phone -----------------------------------------------------------------
    page = browser.new_context(**PHONE).new_page()
    page.goto(_mou_link(email))
    expect(page.get_by_role("heading", name="Memorandum of Understanding")).to_be_visible()
    position = page.get_by_role("group", name=re.compile("Your position in the applicant's program"))
    expect(position.get_by_label("Home monitor in the FCC System")).to_be_visible()
    expect(position.get_by_label("Program director", exact=True)).to_have_count(0)  # not an FCC System's leader
    assert_accessible(page, "leader's MOU at 375px")
    assert_fits_phone_width(page)

    position.get_by_label("Home monitor in the FCC System").check()
    page.get_by_label("Your PQ Registry ID").fill("PQ-60221")
    page.get_by_label("Type your full name to sign, as shown: Hana Monitor").fill("Someone Else")
    page.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    page.get_by_role("button", name="Sign the MOU").click()
    expect(page.get_by_text("“Someone Else” is not the name this MOU was sent to (Hana Monitor)")).to_be_visible()
    position = page.get_by_role("group", name=re.compile("Your position in the applicant's program"))
    expect(position.get_by_label("Home monitor in the FCC System")).to_be_checked()  # nothing typed is lost
    expect(page.get_by_label("Your PQ Registry ID")).to_have_value("PQ-60221")
    assert_accessible(page, "leader's MOU refused at 375px")
    assert_fits_phone_width(page)

    page.get_by_label("Type your full name to sign, as shown: Hana Monitor").fill("hana monitor")
    page.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    page.get_by_role("button", name="Sign the MOU").click()
    expect(page.get_by_text("the MOU is signed")).to_be_visible()
    mou.refresh_from_db()
    assert (mou.status, mou.leader_position, mou.leader_pq_registry_id) == (
        MOU.Status.SIGNED,
        "home_monitor",
        "PQ-60221",
    )
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW  # Tier 1 ran when the MOU was signed

    # --- staff see the leader's checks in Tier 1 --------------------------------------------------
    spage = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(spage, live_server.url, staff_user.email, code=totp_code())
    spage.goto(f"{live_server.url}/applications/staff/{application.reference}/")
    tier1 = spage.get_by_role("region", name="Tier 1 screening")
    expect(tier1.get_by_text(re.compile("must be the home monitor or the person the System assigned"))).to_be_visible()
    expect(tier1.get_by_text("the leader gave a PQ Registry ID.", exact=False)).to_be_visible()
    expect(spage.get_by_test_id("leader-facts")).to_contain_text("PQ-60221")
    assert_accessible(spage, "staff Tier 1 with the leader's checks")
