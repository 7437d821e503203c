"""Journey: staff open the suggestion, lock one pair, accept the rest, and the regional target
view shows the new pairs. Lock and confirm are separate forms posting to their own steps, each
coming back to the suggestion with its message. axe-core scans every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications.models import Stage
from pac.models import Region
from pairings.models import Pair
from tests.applications.factories import ApplicationFactory
from tests.browser.conftest import assert_accessible
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code
from tests.factories import PersonFactory, ProgramFactory, RegionTargetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def accepted(year, role, region):
    program = ProgramFactory(region=Region.objects.get(number=region))
    person = PersonFactory(with_account=True, program=program)
    return ApplicationFactory(program_year=year, role=role, stage=Stage.ACCEPTED, applicant=person, program=program)


def test_lock_one_accept_the_rest_and_targets_update(live_server, browser, staff_user, program_year):
    RegionTargetFactory(program_year=program_year, region=Region.objects.get(number=3), ct_mentee_pairs=8)
    coaches = [accepted(program_year, "ct", 3) for _ in range(2)]
    mentees = [accepted(program_year, "mentee", 3) for _ in range(3)]
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, staff_user.email, code=totp_code())

    page.goto(f"{base}/pairings/staff/targets/?year={program_year.pk}")
    expect(page.get_by_test_id("ct-3")).to_have_text("0 of 8")
    assert_accessible(page, "regional targets before")

    page.get_by_role("navigation", name="Pairing pages").get_by_role("link", name="Suggestion").click()
    expect(page.get_by_role("heading", name="Suggested pairs")).to_be_visible()
    assert_accessible(page, "suggestion")
    first = mentees[0].applicant.full_name
    page.get_by_role("button", name="Lock").first.click()
    expect(page.get_by_role("heading", name="Locked pairs")).to_be_visible()
    expect(page.get_by_text("nothing is final until you confirm")).to_be_visible()  # the lock step's message
    assert Pair.objects.filter(status=Pair.Status.PROPOSED).count() == 1
    assert_accessible(page, "suggestion with a locked pair")
    page.get_by_role("button", name="Confirm the selected pairs").click()
    expect(page.get_by_text("3 pairs confirmed")).to_be_visible()
    assert Pair.objects.filter(status=Pair.Status.ACTIVE).count() == 3
    assert first in {p.mentee.full_name for p in Pair.objects.filter(status=Pair.Status.ACTIVE)}

    page.get_by_role("link", name="Regional targets").click()
    expect(page.get_by_test_id("ct-3")).to_have_text("3 of 8")
    assert_accessible(page, "regional targets after")
    assert {p.coach_id for p in Pair.objects.all()} == {c.applicant_id for c in coaches}
