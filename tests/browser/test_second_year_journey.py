"""Journey (issue 13, "Done means"): the second year. EEC staff record "continue" on a coach's
six-month review; the coach's Program/Instructional Leader signs the renewed MOU from the emailed
link (typed signature); staff pair the coach again in the next program year through the pairing
suggestion. Each new page is scanned with axe-core, checked at 375 px, and photographed at 375 and
1280 px into /tmp/shots/y2/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import MOU
from evaluation import coach_reviews
from evaluation.models import CoachReview, PanelRecommendation
from pairings.models import Pair
from tests.applications.factories import MOUFactory
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import link_in_mail, sign_in
from tests.coaching.factories import active_pair
from tests.conftest import totp_code
from tests.factories import PersonFactory, ProgramYearFactory, panel_seat
from tests.pairings.factories import accepted

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

SHOTS = Path("/tmp/shots/y2")
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def check(page, label: str) -> None:
    assert_accessible(page, label)
    if page.viewport_size["width"] <= 375:
        assert_fits_phone_width(page)


def test_continue_the_leader_signs_the_renewed_mou_and_staff_pair_the_coach_again(
    live_server, browser, settings, staff_user, program_year
):
    settings.PAC_BASE_URL = live_server.url
    next_year = ProgramYearFactory(
        name="2027–28",
        starts_on=program_year.starts_on.replace(year=program_year.starts_on.year + 1),
        ends_on=program_year.ends_on.replace(year=program_year.ends_on.year + 1),
    )
    pair = active_pair(
        program_year, staff_user, with_leader=True, started_on=timezone.localdate() - datetime.timedelta(days=190)
    )
    coach = pair.coach
    leader = PersonFactory(with_account=True, first_name="Rosa", last_name="Delgado", program=coach.program)
    MOUFactory(
        application=pair.coach_application,
        signed=True,
        signer_person=leader,
        signer_name="Rosa Delgado",
        signer_email=leader.email,
        signer_title="Center Director",
    )
    member = panel_seat(program_year)
    assert coach_reviews.reviews_open() == 1
    review = CoachReview.objects.get()
    PanelRecommendation.objects.create(
        review=review, member=member, recommendation="continue", comments="Monthly coaching; goals met."
    )
    new_mentee = accepted("mentee", next_year, region_number=1)
    base = live_server.url

    # 1. staff record "continue" on the six-month review
    desk = browser.new_context(**DESKTOP)
    staff = desk.new_page()
    sign_in(staff, base, staff_user.email, code=totp_code())
    staff.goto(f"{base}/evaluation/coach-reviews/{review.pk}/")
    expect(staff.get_by_role("heading", name=f"Six-month review: {coach.full_name}")).to_be_visible()
    check(staff, "review before the decision")
    staff.get_by_label("Continue for a second year").check()
    staff.get_by_role("button", name="Record decision").click()
    expect(staff.get_by_text("Decision recorded: the coach continues in 2027–28")).to_be_visible()
    outcome = staff.get_by_test_id("outcome")
    expect(outcome).to_contain_text("Carried into 2027–28; paired once the renewed MOU is signed.")
    expect(outcome).to_contain_text("Renewed MOU: Sent to Rosa Delgado on")
    check(staff, "review after the decision")
    shoot(staff, "review-decided")
    staff_state = desk.storage_state()
    staff.get_by_role("link", name="Coach reviews").first.click()
    staff.get_by_role("link", name="Second year: what the decisions of").click()
    expect(staff.get_by_role("heading", name="Second year · decisions of 2026–27")).to_be_visible()
    expect(staff.get_by_test_id("second-year-row")).to_contain_text("Carried into 2027–28")
    check(staff, "second-year overview")
    shoot(staff, "second-year-overview")
    phone_staff = browser.new_context(storage_state=staff_state, **PHONE).new_page()
    for url, name in (
        (f"{base}/evaluation/coach-reviews/{review.pk}/", "review-decided"),
        (f"{base}/evaluation/coach-reviews/second-year/", "second-year-overview"),
    ):
        phone_staff.goto(url)
        check(phone_staff, f"{name} on a phone")
        shoot(phone_staff, name)
    renewal = review.outcome.renewal
    assert renewal.program_year == next_year and renewal.renewal_of == pair.coach_application

    # the leader's My work has the renewed MOU to sign; the coach's says what happens next
    for options in (PHONE, DESKTOP):
        page = browser.new_context(**options).new_page()
        sign_in(page, base, leader.email)
        expect(page.get_by_role("link", name=f"Sign the renewed MOU for {coach.full_name}")).to_be_visible()
        check(page, "leader's My work")
        shoot(page, "leader-my-work")
        page.close()

    # 2. the leader signs from the emailed link, typing their name
    for options in (DESKTOP, PHONE):  # the desktop only looks; the phone signs
        page = browser.new_context(**options).new_page()
        page.goto(link_in_mail(leader.email, r"http://\S+/applications/m/\S+/"))
        expect(page.get_by_role("heading", name="Renewed Memorandum of Understanding")).to_be_visible()
        expect(page.get_by_test_id("renewal")).to_contain_text(f"{coach.full_name} continues as a Consultant Teacher")
        check(page, "renewed MOU")
        shoot(page, "renewed-mou")
        if options is DESKTOP:
            page.close()
    page.get_by_label("Program director", exact=True).check()
    page.get_by_label("Your PQ Registry ID").fill("PQ-4242")
    page.get_by_label("Type your full name to sign, as shown: Rosa Delgado").fill("rosa delgado")
    page.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    page.get_by_role("button", name="Sign the MOU").click()
    expect(page.get_by_text("the MOU is signed")).to_be_visible()
    check(page, "renewed MOU signed")
    mou = renewal.mous.get()
    assert (mou.status, mou.signature_name, mou.leader_pq_registry_id) == (MOU.Status.SIGNED, "rosa delgado", "PQ-4242")

    # 3. staff pair the coach again in the next program year, through the suggestion
    staff.goto(f"{base}/pairings/staff/?year={next_year.pk}&kind=ct_mentee")
    expect(staff.get_by_role("heading", name="Suggested pairs")).to_be_visible()
    suggested = staff.get_by_role("row").filter(has_text=new_mentee.applicant.full_name)
    expect(suggested).to_contain_text(coach.full_name)
    check(staff, "next year's suggestion")
    staff.get_by_role("button", name="Confirm the selected pairs").click()
    expect(staff.get_by_text("1 pair confirmed")).to_be_visible()
    paired = Pair.objects.get(program_year=next_year)
    assert (paired.status, paired.coach, paired.mentee) == (Pair.Status.ACTIVE, coach, new_mentee.applicant)
    assert paired.coach_application == renewal
    staff.goto(f"{base}/evaluation/coach-reviews/second-year/?year={program_year.pk}")
    expect(staff.get_by_test_id("second-year-row")).to_contain_text("Paired again in 2027–28.")
    shoot(staff, "second-year-overview-paired")

    # the coach's My work follows it
    for options in (PHONE, DESKTOP):
        page = browser.new_context(**options).new_page()
        sign_in(page, base, coach.email)
        state = page.get_by_test_id("second-year-state")
        expect(state).to_contain_text("you continue as a Consultant Teacher for a second year in 2027–28")
        expect(page.get_by_text(f"Paired with {new_mentee.applicant.full_name}")).to_be_visible()
        check(page, "coach's My work")
        shoot(page, "coach-my-work")
        page.close()
