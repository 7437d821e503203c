"""Journey: a Program/Instructional Leader opens the MOU link from their email, types someone
else's name and is refused with a clear message (what they typed is kept), then types their own
name with other capitals and without accents, and signs. On a phone (375 px) and a desktop
(1280 px), with an axe-core scan of each page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications import services
from applications.models import MOU
from tests.applications.factories import ApplicationFactory
from tests.browser.conftest import assert_accessible, assert_fits_phone_width

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

VIEWPORTS = {
    375: {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 900}},
}


def _mou_link(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to:
            found = re.search(r"http://\S+/applications/m/\S+/", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no MOU link emailed to {email}")


@pytest.mark.parametrize("width", [375, 1280])
def test_leader_is_refused_someone_elses_name_and_signs_with_their_own(live_server, browser, settings, width):
    settings.PAC_BASE_URL = live_server.url
    application = ApplicationFactory()
    email = f"jose.nunez.{width}@example.org"
    mou = services.mou_request(
        application=application,
        actor=application.created_by,
        signer_name="José Núñez",
        signer_email=email,
        signer_title="Center Director",
    )
    page = browser.new_context(**VIEWPORTS[width]).new_page()
    page.goto(_mou_link(email))
    expect(page.get_by_role("heading", name="Memorandum of Understanding")).to_be_visible()
    name_field = page.get_by_label("Type your full name to sign, as shown: José Núñez")
    expect(name_field).to_be_visible()
    assert_accessible(page, f"MOU at {width}px")
    assert_fits_phone_width(page)

    page.get_by_label("Program director", exact=True).check()
    page.get_by_label("Your PQ Registry ID").fill("PQ-31337")
    name_field.fill("Someone Else")
    page.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    page.get_by_role("button", name="Sign the MOU").click()
    expect(page.get_by_text("“Someone Else” is not the name this MOU was sent to (José Núñez)")).to_be_visible()
    name_field = page.get_by_label("Type your full name to sign, as shown: José Núñez")
    expect(name_field).to_have_value("Someone Else")  # what they typed is kept
    expect(name_field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"MOU refused at {width}px")
    assert_fits_phone_width(page)
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED

    name_field.fill("JOSE nunez")
    page.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    page.get_by_role("button", name="Sign the MOU").click()
    expect(page.get_by_text("the MOU is signed")).to_be_visible()
    assert_accessible(page, f"MOU signed at {width}px")
    mou.refresh_from_db()
    assert (mou.status, mou.signature_name) == (MOU.Status.SIGNED, "JOSE nunez")
    assert (mou.leader_position, mou.leader_pq_registry_id) == ("director", "PQ-31337")
