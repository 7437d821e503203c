"""Journey (issue 13): the program year requires orientation and the confidentiality acknowledgement
before a pair is confirmed. Staff lock a pair and are refused, with what is missing named; the Mentee,
on a phone, finds the acknowledgement on My work, is refused someone else's name and signs with their
own; staff record the Mentee's orientation attendance and confirm the pair; the workspace and the
participation page show it. axe-core scans every page; screenshots at 375 and 1280 px go to
/tmp/shots/mp/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from coaching.models import Attendance, TrainingEvent
from pac.models import ProgramRole, Region
from pairings import participation
from pairings.models import ConfidentialityAcknowledgement, Pair
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.browser.test_pairing_journey import accepted
from tests.conftest import totp_code
from tests.factories import ParticipationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

SHOTS = Path("/tmp/shots/mp")
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_confirmation_waits_for_orientation_and_the_acknowledgement(live_server, browser, staff_user, program_year):
    participation.requirement_set(program_year=program_year, required=True, actor=staff_user)
    coach = accepted(program_year, "ct", 3)
    mentee_app = accepted(program_year, "mentee", 3)
    mentee = mentee_app.applicant
    mentee.first_name, mentee.last_name = "Ana Lucía", "Peña-Ruiz"
    mentee.save()
    ParticipationFactory(
        person=mentee, program_year=program_year, role=ProgramRole.MENTEE, region=Region.objects.get(number=3)
    )
    orientation = TrainingEvent.objects.create(
        program_year=program_year,
        kind=TrainingEvent.Kind.ORIENTATION,
        audience=TrainingEvent.Audience.EVERYONE,
        title="PAC pre-service orientation",
        held_on=program_year.starts_on,
        hours=6,
        created_by=staff_user,
    )
    base = live_server.url

    # staff lock the pair and try to confirm it: refused, naming both things missing
    staff = browser.new_context(**DESK).new_page()
    sign_in(staff, base, staff_user.email, code=totp_code())
    staff.goto(f"{base}/pairings/staff/?year={program_year.pk}")
    staff.get_by_role("button", name="Lock").first.click()
    expect(staff.get_by_role("heading", name="Locked pairs")).to_be_visible()
    staff.get_by_role("button", name="Confirm the selected pairs").click()
    refusal = staff.get_by_text("Ana Lucía Peña-Ruiz's pair cannot be confirmed yet.")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(
        "missing: attendance at pre-service orientation (none recorded) and the signed confidentiality acknowledgement"
    )
    assert Pair.objects.get().status == Pair.Status.PROPOSED
    assert_accessible(staff, "confirmation refused")
    shot(staff, "01-confirm-refused-1280")

    staff.goto(f"{base}/coaching/staff/participation/?year={program_year.pk}")
    expect(staff.get_by_role("cell", name="Ana Lucía Peña-Ruiz")).to_be_visible()
    expect(staff.get_by_text("not ready to confirm")).to_be_visible()
    assert_accessible(staff, "participation roster")
    shot(staff, "02-participation-roster-1280")

    # the Mentee, on a phone: My work asks them to sign and to attend orientation
    phone = browser.new_context(**PHONE).new_page()
    sign_in(phone, base, mentee.email)
    panel = phone.get_by_role("region", name="Your participation")
    expect(panel.get_by_text("Before pairing")).to_have_count(2)
    expect(panel.get_by_text(f"Attend pre-service orientation ({program_year})")).to_be_visible()
    assert_accessible(phone, "my work at 375")
    assert_fits_phone_width(phone)
    shot(phone, "03-my-work-375")
    panel.get_by_role("link", name=f"Sign the confidentiality acknowledgement for {program_year}").click()
    expect(phone.get_by_role("heading", level=1, name="Confidentiality acknowledgement")).to_be_visible()
    expect(phone.get_by_role("document", name="Acknowledgement text")).to_contain_text(
        "I, Ana Lucía Peña-Ruiz, take part"
    )
    assert_accessible(phone, "acknowledgement at 375")
    assert_fits_phone_width(phone)
    shot(phone, "04-acknowledgement-375")

    name_field = phone.get_by_label("Type your full name to sign, as shown: Ana Lucía Peña-Ruiz")
    name_field.fill("Ana Perez")
    phone.get_by_label("I have read this acknowledgement and agree to keep its terms.").check()
    phone.get_by_role("button", name="Sign the acknowledgement").click()
    expect(phone.get_by_text("“Ana Perez” is not your name as PAC has it (Ana Lucía Peña-Ruiz)")).to_be_visible()
    expect(name_field).to_have_value("Ana Perez")
    assert not ConfidentialityAcknowledgement.objects.exists()
    assert_accessible(phone, "acknowledgement refused at 375")
    assert_fits_phone_width(phone)
    shot(phone, "05-acknowledgement-refused-375")

    name_field.fill("ana lucia pena ruiz")  # accents, case and hyphens need not match
    phone.get_by_label("I have read this acknowledgement and agree to keep its terms.").check()
    phone.get_by_role("button", name="Sign the acknowledgement").click()
    expect(phone.get_by_text(f"your confidentiality acknowledgement for {program_year} is signed")).to_be_visible()
    expect(phone.get_by_role("document", name="The acknowledgement you signed")).to_contain_text("Ana Lucía Peña-Ruiz")
    assert_accessible(phone, "acknowledgement signed at 375")
    assert_fits_phone_width(phone)
    shot(phone, "06-acknowledgement-signed-375")
    ack = ConfidentialityAcknowledgement.objects.get()
    assert ack.signature_name == "ana lucia pena ruiz" and ack.person == mentee and ack.signed_ip

    # still refused: orientation is not recorded yet
    staff.goto(f"{base}/pairings/staff/?year={program_year.pk}")
    staff.get_by_role("button", name="Confirm the selected pairs").click()
    expect(staff.get_by_text("missing: attendance at pre-service orientation (none recorded).")).to_be_visible()

    # staff record the orientation attendance, then the pair is confirmed
    staff.goto(f"{base}/coaching/training/{orientation.pk}/")
    staff.get_by_label("Ana Lucía Peña-Ruiz (Mentee)").check()
    assert_accessible(staff, "orientation attendance")
    staff.get_by_role("button", name="Save attendance").click()
    expect(staff.get_by_text("Attendance saved: 1 present.")).to_be_visible()
    assert Attendance.objects.get(person=mentee).attended
    staff.goto(f"{base}/pairings/staff/?year={program_year.pk}")
    staff.get_by_role("button", name="Confirm the selected pairs").click()
    expect(staff.get_by_text("1 pair confirmed")).to_be_visible()
    pair = Pair.objects.get()
    assert pair.status == Pair.Status.ACTIVE and pair.coach == coach.applicant
    shot(staff, "07-confirmed-1280")

    # the workspace shows the Mentee's participation, at both widths
    staff.goto(f"{base}/coaching/pairs/{pair.pk}/")
    section = staff.get_by_role("region", name="Participation (Ana Lucía Peña-Ruiz)")
    expect(section).to_contain_text("attended")
    expect(section).to_contain_text("signed")
    assert_accessible(staff, "workspace")
    shot(staff, "08-workspace-1280")
    phone.goto(f"{base}/coaching/pairs/{pair.pk}/")
    section = phone.get_by_role("region", name="Participation (Ana Lucía Peña-Ruiz)")
    section.get_by_role("link", name="Recommend a training").click()
    phone.get_by_label("Training or course").fill("Language-rich play (PD center)")
    phone.get_by_role("button", name="Recommend").click()
    expect(phone.get_by_text("Training recommended")).to_be_visible()
    expect(phone.get_by_role("link", name="Language-rich play (PD center)")).to_be_visible()
    assert_accessible(phone, "workspace at 375")
    assert_fits_phone_width(phone)
    shot(phone, "09-workspace-375")

    # staff's participation page on a phone
    staff.set_viewport_size({"width": 375, "height": 740})
    staff.goto(f"{base}/coaching/staff/participation/?year={program_year.pk}")
    expect(staff.get_by_role("link", name=f"Active with {coach.applicant.full_name}")).to_be_visible()
    assert_accessible(staff, "participation roster at 375")
    assert_fits_phone_width(staff)
    shot(staff, "10-participation-roster-375")
