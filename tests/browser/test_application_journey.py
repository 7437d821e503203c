"""Journey: an applicant signs up with her name and contact details, verifies her email and applies
with a resume; the recommenders and the leader answer through
their emailed links; Tier 1 passes by itself; three reviewers score in the browser; staff
accept. Her typed name (never her email's local part) is what the recommenders, the leader's MOU
and staff see. Every page on the way is scanned with axe-core."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, ReviewAssignment, Stage
from pac.models import Person
from pac.roles import StaffRole
from pac.services import role_grant
from tests.applications.factories import PDF_BYTES, committee_with_members
from tests.browser.conftest import assert_accessible
from tests.conftest import totp_code
from tests.factories import ProgramFactory, ProgramYearFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]
PASSWORD = "correct-horse-battery"


def sign_in(page, base: str, email: str, code: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if code:
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def link_in_mail(to: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(pattern, message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no email to {to} with {pattern}: {[(m.to, m.subject) for m in mail.outbox]}")


def yes(page, question: str) -> None:
    page.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()


def sign_up(page, base: str, email: str) -> None:
    """Sign up with a name, then follow the emailed link to verify the address (which signs in)."""
    page.goto(f"{base}/accounts/signup/")
    assert_accessible(page, "sign up")
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Pereira")
    page.get_by_label("Phone").fill("617-555-0142")
    page.get_by_label("Preferred language").select_option(label="Portuguese")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    for message in reversed(mail.outbox):
        if email in message.to:
            assert message.body.startswith("Hello from PAC!"), message.body
            break
    page.goto(link_in_mail(email, r"http://\S+/accounts/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()


def test_apply_recommend_sign_review_and_accept(live_server, browser, staff_user):
    # PAC_BASE_URL is not set: emailed links follow the address the live server is reached at
    today = timezone.localdate()
    year = ProgramYearFactory(
        name="2027–28",
        starts_on=today.replace(year=today.year + 1),
        ends_on=today.replace(year=today.year + 2),
        applications_open_on=today,
        applications_close_on=today,
    )
    _, reviewers = committee_with_members(year, 3)
    for reviewer in reviewers:
        role_grant(user=reviewer, role=StaffRole.REVIEWER)
    base = live_server.url
    resume = Path(tempfile.mkdtemp()) / "rosa-resume.pdf"
    resume.write_bytes(PDF_BYTES)

    # --- the applicant signs up with her name and applies -------------------------------------
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_up(page, base, "rosa.pereira@example.org")
    applicant = Person.objects.get(user__email="rosa.pereira@example.org")
    assert (applicant.full_name, applicant.phone, applicant.preferred_language) == (
        "Rosa Pereira",
        "617-555-0142",
        "pt",
    )
    # her program and qualifications are in PAC's directory (as staff import them), so the form starts from them
    Person.objects.filter(pk=applicant.pk).update(
        program=ProgramFactory(),
        job_role=Person.JobRole.LEAD_TEACHER,
        highest_degree=Person.Degree.ASSOCIATE,
        degree_field=Person.DegreeField.ECE,
        eec_certification=Person.Certification.PS_LEAD,
        years_as_educator=6,
        years_supervising=0,
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    assert_accessible(page, "your applications")
    page.get_by_role("button", name="Start a Consultant Teacher application").click()
    expect(page.get_by_role("heading", name="Consultant Teacher application")).to_be_visible()
    assert_accessible(page, "application form")
    yes(page, "Do you currently provide direct care to children?")
    yes(page, "Do you have a computer and the internet?")
    yes(page, "Does your Program/Instructional Leader support your application?")
    page.get_by_label("Statement of areas of expertise").fill(
        "I have mentored three new lead teachers using video and reflective conversations."
    )
    page.get_by_label("Current program profile").fill("Four preschool classrooms, 64 children, full day.")
    page.get_by_label("CLASS Concept Development (CD)").check()
    page.get_by_label("Resume (PDF or Word .docx, up to 10 MB)").set_input_files(str(resume))
    page.get_by_role("button", name="Save and go to checklist").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    assert_accessible(page, "checklist")

    for name, email in (("Pat Peer", "pat.peer@example.org"), ("Sam Group", "sam.group@example.org")):
        page.get_by_label("Recommender's full name").fill(name)
        page.get_by_label("Recommender's email").fill(email)
        page.get_by_role("button", name="Email the request").click()
        expect(page.get_by_text(f"We emailed {name}")).to_be_visible()
    page.get_by_label("Their full name").fill("Dana Director")
    page.get_by_label("Their email").fill("dana.director@example.org")
    page.get_by_role("button", name="Email the MOU").click()
    expect(page.get_by_text("We emailed Dana Director")).to_be_visible()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_test_id("stage")).to_have_text("Submitted: waiting for components")
    assert_accessible(page, "submitted checklist")
    application = Application.objects.get(applicant=applicant)
    for to in ("pat.peer@example.org", "dana.director@example.org"):
        request = next(m for m in mail.outbox if to in m.to)
        assert "Rosa Pereira" in request.subject and "Rosa Pereira is applying" in request.body
        assert "rosa.pereira" not in request.subject + request.body
        assert re.search(rf"{re.escape(base)}/applications/[rm]/\S+/", request.body)  # the server's own port

    # --- recommenders and the leader answer through their links, without accounts -----------
    outsider = browser.new_context().new_page()
    for email in ("pat.peer@example.org", "sam.group@example.org"):
        outsider.goto(link_in_mail(email, r"http://\S+/applications/r/\S+/"))
        expect(outsider.get_by_role("heading", name="Recommendation for Rosa Pereira")).to_be_visible()
        assert_accessible(outsider, "recommendation letter")
        outsider.get_by_label("Your letter", exact=True).fill(
            "Rosa is a generous, skilled colleague and a natural coach."
        )
        outsider.get_by_role("button", name="Send my recommendation").click()
        expect(outsider.get_by_role("heading", name="Thank you for your recommendation")).to_be_visible()
    outsider.goto(link_in_mail("dana.director@example.org", r"http://\S+/applications/m/\S+/"))
    expect(outsider.get_by_role("heading", name="Memorandum of Understanding")).to_be_visible()
    expect(outsider.get_by_text("Rosa Pereira").first).to_be_visible()
    assert_accessible(outsider, "MOU")
    outsider.get_by_label("Program director", exact=True).check()
    outsider.get_by_label("Your PQ Registry ID").fill("PQ-20417")
    outsider.get_by_label("Type your full name to sign").fill("Dana Director")
    outsider.get_by_label("I have read this MOU and agree to it as the person named above.").check()
    outsider.get_by_role("button", name="Sign the MOU").click()
    expect(outsider.get_by_text("the MOU is signed")).to_be_visible()

    # Tier 1 passed by itself when the last component arrived
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW
    page.reload()
    expect(page.get_by_test_id("stage")).to_have_text("Tier 2: committee review")

    # --- three reviewers score in the browser ----------------------------------------------
    for reviewer in reviewers:
        rpage = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        sign_in(rpage, base, reviewer.email)
        rpage.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews", exact=True).click()
        assert_accessible(rpage, "review queue")
        rpage.get_by_role("link", name=application.reference).click()
        assert_accessible(rpage, "conflict declaration")
        rpage.get_by_label("No, I have no conflict of interest").check()
        rpage.get_by_role("button", name="Continue").click()
        expect(rpage.get_by_role("heading", name=re.compile("Tier 2"))).to_be_visible()
        assert_accessible(rpage, "scoring")
        assignment = ReviewAssignment.objects.get(application=application, reviewer=reviewer)
        for criterion in assignment.rubric.criteria.all():
            group = rpage.locator(f"#criterion-{criterion.pk}")
            group.get_by_label(re.compile(r"^4: ")).check()
            expect(rpage.locator(f"#criterion-{criterion.pk}").get_by_role("status")).to_have_text("Saved")
        rpage.get_by_role("button", name="Submit review").click()
        expect(rpage.get_by_text("Your review is submitted.")).to_be_visible()
        rpage.context.close()
    assert ReviewAssignment.objects.filter(application=application, status="submitted").count() == 3

    # --- staff accept -------------------------------------------------------------------------
    spage = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(spage, base, staff_user.email, code=totp_code())
    spage.goto(f"{base}/applications/staff/")
    assert_accessible(spage, "pipeline")
    spage.goto(f"{base}/applications/staff/applications/")
    expect(spage.get_by_role("link", name=application.reference)).to_be_visible()
    expect(spage.get_by_text("Rosa Pereira").first).to_be_visible()
    expect(spage.get_by_text("rosa.pereira", exact=True)).to_have_count(0)
    spage.goto(f"{base}/applications/staff/{application.reference}/")
    assert_accessible(spage, "staff application page")
    spage.get_by_label("Why Tier 3 is not needed").fill("Strong Tier 2 scores")
    spage.get_by_role("button", name="Tier 3 not needed").click()
    expect(spage.get_by_test_id("stage")).to_have_text("Awaiting decision")
    spage.get_by_label("Accept").check()
    spage.get_by_role("button", name="Record decision").click()
    expect(spage.get_by_test_id("stage")).to_have_text("Accepted")
    assert_accessible(spage, "accepted")

    page.reload()
    expect(page.get_by_test_id("stage")).to_have_text("Accepted")
    application.refresh_from_db()
    assert application.stage == Stage.ACCEPTED
    assert applicant.participations.filter(role="ct", ended_on__isnull=True).exists()
