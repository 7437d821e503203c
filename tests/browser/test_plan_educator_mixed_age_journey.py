"""Journey (issue 13): a Consultant Administrator names, in the Mentee Administrator's plan, the one
educator the MA supports, and the plan shows it; EEC staff schedule the pre observation of a
mixed-age family child care room on the pair's pre/post cycle (Infant and Toddler, alternating
cycles); a CLASS observer records it on a phone, then records the post on the same tools, and the
growth page compares each tool. axe-core scans every page; screenshots at 375 and 1280 px go to
/tmp/shots/ma/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation import services
from evaluation.models import Instrument, Observation, ObserverCertificate
from pac.models import AgeGroup
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

SHOTS = Path("/tmp/shots/ma")
INFANT = {"RC": 5, "TS": 4, "FE": 3, "ELS": 4}
TODDLER = {"PC": 5, "NC": 2, "TS": 5, "RCP": 4, "BG": 5, "FLD": 3, "QF": 3, "LM": 4}


def shoot(page, name: str) -> None:
    """The page at 375 px (checked to fit) and at 1280 px, full length; the viewport is put back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 740})
    assert_fits_phone_width(page)
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(size)


def fill_scores(page, cycles: int, bump: int = 0) -> None:
    for number in range(1, cycles + 1):
        scores = INFANT if number % 2 else TODDLER
        for code, value in scores.items():
            score = value if code == "NC" else min(7, value + bump)
            page.locator(f"#id_c{number}_{code}").fill(str(score))


def test_an_mas_plan_names_the_educator_and_a_mixed_age_room_keeps_its_tools_from_pre_to_post(
    live_server, browser, staff_user, program_year
):
    today = timezone.localdate()
    base = live_server.url

    # --- the Consultant Administrator names the educator in the MA's plan ------------------------
    ma_pair = active_pair(program_year, staff_user, ma=True, with_leader=True)
    ca = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(ca, base, ma_pair.coach.user.email)
    ca.goto(f"{base}/coaching/pairs/{ma_pair.pk}/")
    expect(ca.get_by_role("heading", name="Educator or classroom team")).to_be_visible()
    ca.get_by_role("link", name="Name them in the plan").click()
    expect(
        ca.get_by_role("heading", name=f"The educator or classroom team in {ma_pair.mentee.full_name}'s plan")
    ).to_be_visible()
    assert_accessible(ca, "naming the educator")
    ca.get_by_role("button", name="Save to the plan").click()  # blank first: a clear message, nothing saved
    expect(ca.get_by_text("Name the educator or classroom team.")).to_be_visible()
    ca.get_by_label("Educator or classroom team").fill("Ana Ruiz and the Toddler room team")
    ca.get_by_label("Classroom or room (optional)").fill("Toddler room")
    ca.get_by_role("button", name="Save to the plan").click()
    expect(ca.get_by_text("The plan names Ana Ruiz and the Toddler room team (Toddler room).")).to_be_visible()
    expect(ca.get_by_role("heading", name=f"Professional development plan: {ma_pair.mentee.full_name}")).to_be_visible()
    expect(ca.get_by_text("This plan supports Ana Ruiz and the Toddler room team (Toddler room)")).to_be_visible()
    assert_accessible(ca, "plan with its educator")
    shoot(ca, "plan-educator")
    ca.goto(f"{base}/coaching/pairs/{ma_pair.pk}/")
    expect(ca.get_by_text("The plan supports Ana Ruiz and the Toddler room team")).to_be_visible()
    shoot(ca, "workspace-ma")

    # --- staff schedule the pre observation of a mixed-age FCC room, on Infant and Toddler ----------
    pair = active_pair(
        program_year, staff_user, region=2, program_type="fcc_system", started_on=today - datetime.timedelta(days=60)
    )
    pair.mentee.program.age_groups.set(AgeGroup.objects.filter(code__in=["infant", "toddler", "preschool"]))
    observer = certified_observer("infant")
    ObserverCertificate.objects.create(
        observer=observer,
        instrument=Instrument.objects.get(code="toddler"),
        certified_on=today - datetime.timedelta(days=400),
        expires_on=today + datetime.timedelta(days=300),
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, base, staff_user.email, code=totp_code())
    desk.goto(f"{base}/evaluation/schedule/?year={program_year.pk}")
    desk.get_by_role("link", name=f"Schedule the pre observation of {pair.mentee.full_name}").click()
    one = desk.locator("form", has=desk.get_by_role("button", name="Save schedule"))
    one.get_by_label("Window opens").fill((today - datetime.timedelta(days=3)).isoformat())
    one.get_by_label("Due by").fill((today + datetime.timedelta(days=10)).isoformat())
    one.get_by_label("Observer", exact=True).select_option(label=observer.full_name)
    one.get_by_label("CLASS tool", exact=True).select_option(label="CLASS Infant (Birth to 18 months)")
    one.get_by_label("Second CLASS tool (mixed-age room only)").select_option(label="CLASS Toddler (15 to 36 months)")
    one.get_by_role("button", name="Save schedule").click()
    expect(desk.get_by_text("Observation scheduled.")).to_be_visible()
    expect(desk.get_by_text("CLASS Infant and CLASS Toddler (mixed-age room, alternating cycles)")).to_be_visible()
    assert_accessible(desk, "schedule with a mixed-age room")

    # --- the observer records the pre on a phone, on the cycle's two tools -----------------------------
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, observer.user.email)
    phone.get_by_role("link", name=f"Pre (start of year): {pair.mentee.full_name}").click()
    expect(phone.get_by_role("heading", name="CLASS Infant and CLASS Toddler, pre (start of year)")).to_be_visible()
    expect(phone.get_by_text("Odd cycles are scored on CLASS Infant, even cycles on CLASS Toddler")).to_be_visible()
    assert_accessible(phone, "mixed-age observation form")
    assert_fits_phone_width(phone)
    phone.get_by_label("Date observed").fill((today - datetime.timedelta(days=1)).isoformat())
    fill_scores(phone, 4)
    phone.locator("#id_c3_FE").fill("")  # an Infant cycle left blank: named, and nothing saved
    phone.get_by_role("button", name="Save observation").click()
    expect(phone.get_by_text("Nothing was saved.")).to_be_visible()
    expect(phone.get_by_role("link", name="Cycle 3, Facilitated Exploration: a score is missing.")).to_be_visible()
    expect(phone.locator("#id_c4_LM")).to_have_value("4")  # what was typed is kept
    shoot(phone, "record-mixed-age-error")
    phone.locator("#id_c3_FE").fill("3")
    phone.get_by_role("button", name="Save observation").click()
    expect(phone.get_by_text("Observation saved")).to_be_visible()
    expect(phone.get_by_role("link", name="CLASS Toddler")).to_be_visible()  # the same visit's other tool
    assert_accessible(phone, "observation detail (Infant part)")
    shoot(phone, "observation-mixed-age")
    assert set(Observation.objects.filter(pair=pair, time_point="pre").values_list("instrument__code", flat=True)) == {
        "infant",
        "toddler",
    }

    # --- the post: the same tools, fixed -------------------------------------------------------------
    services.schedule_save(
        actor=staff_user,
        pair=pair,
        time_point="post",
        window_opens=today - datetime.timedelta(days=1),
        due_by=today + datetime.timedelta(days=5),
        observer=observer,
    )
    phone.goto(f"{base}/evaluation/observations/")
    phone.get_by_role("link", name=f"Record the Post (end of year) observation of {pair.mentee.full_name}").click()
    expect(phone.get_by_role("heading", name="CLASS Infant and CLASS Toddler, post (end of year)")).to_be_visible()
    expect(phone.get_by_text("It is fixed: an observation of this pair is already recorded.")).to_be_visible()
    shoot(phone, "record-mixed-age-post")
    phone.get_by_label("Date observed").fill(today.isoformat())
    fill_scores(phone, 4, bump=1)
    phone.get_by_role("button", name="Save observation").click()
    expect(phone.get_by_text("Observation saved")).to_be_visible()

    # --- staff see each tool's growth, pre against post ------------------------------------------------
    desk.goto(f"{base}/evaluation/pairs/{pair.pk}/growth/")
    expect(desk.get_by_role("heading", name="CLASS Infant", exact=True)).to_be_visible()
    expect(desk.get_by_role("heading", name="CLASS Toddler", exact=True)).to_be_visible()
    expect(
        desk.get_by_text("Each tool is scored on its own cycles and compared pre against post on its own.")
    ).to_be_visible()
    assert_accessible(desk, "growth of a mixed-age room")
    shoot(desk, "growth-mixed-age")
