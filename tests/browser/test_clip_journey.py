"""Journey at 375 px (issue 15): the mentee shares a classroom clip with consent, in pieces; the coach
comments at two times with CLASS tags, clicks a marker and the player moves there; the mentee
replies. axe-core scans every page; nothing is wider than the phone."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evidence.models import Clip, Comment
from evidence.selectors import pair_dimensions
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.coaching.factories import active_pair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def _phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()


def _wait(page, expression: str, timeout: float = 15) -> None:
    """Poll an expression (wait_for_function evaluates a string, which the page's CSP refuses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


def _player_ready(page) -> None:
    _wait(page, "!!document.getElementById('clip-player') && document.getElementById('clip-player').readyState >= 1")


def _player_at(page, seconds: float) -> None:
    _wait(page, f"Math.abs(document.getElementById('clip-player').currentTime - {seconds}) < 0.05")


def _comment_at(page, seconds: float, kind: str, dimension: str, text: str) -> None:
    page.evaluate(f"document.getElementById('clip-player').currentTime = {seconds}")
    _player_at(page, seconds)
    page.locator("body").click(position={"x": 5, "y": 5})  # focus out of any field, as a person taps the page
    page.keyboard.press("c")
    expect(page.locator("[data-stamp-status]")).to_contain_text("Paused at")
    assert abs(float(page.get_by_label("Time in the clip (seconds)").input_value()) - seconds) < 0.06
    expect(page.get_by_role("textbox", name=re.compile(r"^Comment\W*$"))).to_be_focused()
    page.get_by_role("textbox", name=re.compile(r"^Comment\W*$")).fill(text)
    page.get_by_role("combobox", name=re.compile(r"^Type\W*$")).select_option(label=kind)
    page.get_by_label("CLASS dimension (optional)").select_option(label=dimension)
    page.get_by_role("button", name="Save comment").click()
    expect(page.get_by_text("Comment saved.")).to_be_visible()


def test_mentee_shares_a_clip_coach_comments_at_two_times_mentee_replies(
    live_server, browser, staff_user, program_year, clip_file, settings
):
    settings.PAC_CLIP_CHUNK_BYTES = 16 * 1024  # a few pieces even for a small test clip
    pair = active_pair(program_year, staff_user, with_leader=True)
    base = live_server.url

    mentee = _phone(browser)
    sign_in(mentee, base, pair.mentee.user.email)
    mentee.goto(f"{base}/coaching/pairs/{pair.pk}/")
    mentee.get_by_role("link", name="Video clips").click()
    assert_accessible(mentee, "the pair's clips (none yet)")
    mentee.get_by_role("link", name="Share a clip").click()
    assert_accessible(mentee, "share a clip")
    assert_fits_phone_width(mentee)
    mentee.get_by_label("Title").fill("Morning circle")
    mentee.get_by_label("Date recorded").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    mentee.get_by_label("Classroom or setting").fill("Preschool room, circle time")
    mentee.get_by_label("Age group").select_option(index=3)
    mentee.get_by_label("Video clip").set_input_files(str(clip_file))
    # without consent nothing is sent, and what was typed stays
    mentee.get_by_role("button", name="Share the clip").click()
    expect(mentee.locator("[data-upload-errors]")).to_contain_text("families")
    assert mentee.get_by_label("Title").input_value() == "Morning circle"
    mentee.get_by_label("The program holds written consent", exact=False).check()
    mentee.get_by_label("Every educator shown in the clip agrees").check()
    mentee.get_by_role("button", name="Share the clip").click()
    expect(mentee.get_by_role("heading", name="Morning circle")).to_be_visible(timeout=30_000)
    clip = Clip.objects.get()
    assert clip.status == Clip.Status.READY and clip.consent_confirmed_by == pair.mentee.user
    _player_ready(mentee)
    assert_accessible(mentee, "the mentee's clip page")
    assert_fits_phone_width(mentee)

    coach = _phone(browser)
    sign_in(coach, base, pair.coach.user.email)
    expect(coach.get_by_text("Give feedback on")).to_be_visible()
    coach.get_by_role("link", name="Give feedback on").first.click()
    _player_ready(coach)
    assert_accessible(coach, "the coach's clip page")
    dims = pair_dimensions(pair)
    first, second = (f"{d.name} ({d.code})" for d in dims[:2])
    _comment_at(coach, 0.5, "Strength", first, "Warm greeting: every child is welcomed by name.")
    _player_ready(coach)
    _comment_at(coach, 1.5, "Opportunity for growth", second, "Try an open question here.")
    _player_ready(coach)
    assert list(Comment.objects.order_by("at_ms").values_list("at_ms", "dimension__name")) == [
        (500, dims[0].name),
        (1500, dims[1].name),
    ]
    assert_fits_phone_width(coach)
    assert_accessible(coach, "clip page with comments and markers")
    # a marker seeks the player to its comment's time
    coach.evaluate("document.getElementById('clip-player').currentTime = 1.9")
    markers = coach.locator(".clip-timeline a.marker")
    expect(markers).to_have_count(2)
    markers.first.click()
    _player_at(coach, 0.5)
    # and by keyboard: the second marker, focused and activated with Enter
    markers.nth(1).focus()
    coach.keyboard.press("Enter")
    _player_at(coach, 1.5)

    mentee.goto(f"{base}/evidence/clips/{clip.pk}/")
    expect(mentee.get_by_text("Warm greeting: every child is welcomed by name.")).to_be_visible()
    mentee.get_by_text("Reply").first.click()
    mentee.get_by_label("Your reply").first.fill("Thank you! I will try the open question tomorrow.")
    mentee.get_by_role("button", name="Send reply").first.click()
    expect(mentee.get_by_text("Reply saved.")).to_be_visible()
    expect(mentee.get_by_text("Thank you! I will try the open question tomorrow.")).to_be_visible()
    assert_accessible(mentee, "clip page after the reply")
    assert_fits_phone_width(mentee)
    reply = Comment.objects.get(parent__isnull=False)
    assert reply.author == pair.mentee.user and reply.parent.at_ms == 500


def test_an_interrupted_upload_carries_on_from_the_clip_list(
    live_server, browser, staff_user, program_year, clip_file, settings
):
    """The phone lost the connection half way: the clip list offers the upload, the mentee chooses the
    same file, and only the rest is sent."""
    import io

    from evidence import services
    from evidence.models import ClipUpload
    from tests.evidence.factories import details

    settings.PAC_CLIP_CHUNK_BYTES = 16 * 1024
    pair = active_pair(program_year, staff_user)
    data = clip_file.read_bytes()
    user = pair.mentee.user
    upload = services.upload_start(
        pair=pair, actor=user, details=details(title="Outdoor play"), filename="IMG_0042.MOV", size=len(data)
    )
    half = len(data) // 2
    services.upload_chunk(upload=upload, actor=user, offset=0, stream=io.BytesIO(data[:half]), length=half)

    page = _phone(browser)
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_text("Finish sharing “Outdoor play”")).to_be_visible()
    page.get_by_role("link", name=re.compile("Finish sharing")).click()
    expect(page.get_by_role("heading", name="Uploads to finish")).to_be_visible()
    assert_accessible(page, "uploads to finish")
    assert_fits_phone_width(page)
    page.get_by_label("The clip's file").set_input_files(str(clip_file))
    page.get_by_role("button", name="Carry on uploading").click()
    expect(page.get_by_role("heading", name="Outdoor play")).to_be_visible(timeout=30_000)
    upload.refresh_from_db()
    assert upload.status == ClipUpload.Status.COMPLETE and upload.received == len(data)
    assert Clip.objects.get().status == Clip.Status.READY
