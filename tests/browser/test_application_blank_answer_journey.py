"""Journey (issue 12): a Mentee leaves the IPDP question blank, tries to submit and is refused
before anything is submitted, with the checklist showing the answer missing; answers it and
submits. And a screened-out applicant sees which requirement was not met and a real contact.
At 375 and 1280 px, with axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications import services
from applications.models import Application, Stage
from tests.applications.factories import ApplicationFactory, make_complete
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.factories import PersonFactory, ProgramYearFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
PASSWORD = "correct-horse-battery"
WIDTHS = [375, 1280]
CONTACT_EMAIL = "pac-help@eec.example.org"
CONTACT_PHONE = "(617) 988-6600"


@pytest.fixture
def open_year(db):
    today = timezone.localdate()
    return ProgramYearFactory(
        name="2027–28",
        starts_on=today.replace(year=today.year + 1),
        ends_on=today.replace(year=today.year + 2),
        applications_open_on=today - datetime.timedelta(days=10),
        applications_close_on=today + datetime.timedelta(days=10),
    )


@pytest.fixture
def contact(settings):
    settings.PAC_CONTACT_EMAIL = CONTACT_EMAIL
    settings.PAC_CONTACT_PHONE = CONTACT_PHONE


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def check(page, label: str) -> None:
    assert_accessible(page, label)
    assert_fits_phone_width(page)


def yes(page, question: str) -> None:
    page.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_blank_required_answer_is_refused_before_submission_then_answered(
    live_server, browser, open_year, contact, width
):
    applicant = PersonFactory(with_account=True, first_name="Mei", last_name="Santos")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    base = live_server.url
    sign_in(page, base, applicant.email)
    page.goto(f"{base}/applications/")
    page.get_by_role("button", name="Start a Mentee application").click()
    expect(page.get_by_role("heading", name="Mentee application")).to_be_visible()
    check(page, "Mentee application form")

    yes(page, "Do you currently provide direct care to children?")
    yes(page, "Do you have a computer and the internet?")
    yes(page, "Does your Program/Instructional Leader support your application?")
    page.get_by_label("PQ Registry ID").fill("PQ-448812")
    page.get_by_label("Statement of areas of need").fill("Guiding behavior in a positive way during transitions.")
    page.get_by_label("Preferred ways to use peer coaching").fill("Monthly visits and short video clips.")
    # the Individual Professional Development Plan question is left blank
    page.get_by_role("button", name="Save and go to checklist").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    answers = page.get_by_role("listitem").filter(has_text="Answers to the application questions")
    expect(answers).to_contain_text("Missing")
    expect(answers.get_by_role("link", name="Individual Professional Development Plan (IPDP)")).to_be_visible()
    check(page, "checklist with a missing answer")

    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("status").filter(has_text="nothing has been submitted")).to_contain_text(
        "Still needed: Individual Professional Development Plan (IPDP)."
    )
    expect(page.get_by_test_id("stage")).to_have_text("Draft")
    check(page, "submission refused")
    application = Application.objects.get(applicant=applicant)
    assert application.stage == Stage.DRAFT and application.submitted_at is None

    # the checklist links straight to the question
    answers.get_by_role("link", name="Individual Professional Development Plan (IPDP)").click()
    expect(page.get_by_test_id("still-needed")).to_contain_text("Individual Professional Development Plan (IPDP)")
    check(page, "edit page showing what is still needed")
    yes(page, "Do you have an Individual Professional Development Plan (IPDP)?")
    page.get_by_role("button", name="Save and go to checklist").click()
    expect(page.get_by_role("listitem").filter(has_text="Answers to the application questions")).to_contain_text(
        "Provided"
    )
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_test_id("stage")).to_have_text("Submitted: waiting for components")
    check(page, "submitted")
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED and application.has_ipdp is True


@pytest.mark.parametrize("width", WIDTHS)
def test_a_screened_out_applicant_sees_the_rule_and_a_real_contact(live_server, browser, open_year, contact, width):
    application = make_complete(
        ApplicationFactory(program_year=open_year, role="mentee", has_ipdp=False, job_role="teacher")
    )
    services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.SCREENED_OUT
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server.url, application.applicant.email)
    page.goto(f"{live_server.url}/applications/{application.reference}/")
    reason = page.get_by_test_id("screened-out")
    expect(reason).to_contain_text("Individual Professional Development Plan; the application says no.")
    expect(reason.get_by_role("link", name=CONTACT_EMAIL)).to_have_attribute("href", f"mailto:{CONTACT_EMAIL}")
    expect(reason.get_by_role("link", name=CONTACT_PHONE)).to_have_attribute("href", "tel:6179886600")
    check(page, "screened-out application")
