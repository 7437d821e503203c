"""Journey at 375 px: a leader answers by the emailed link (a missing answer first), a mentee
answers signed in from My work; staff follow the rates and read the results; a panel member reads
them too. axe-core scans every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluation.surveys import services
from tests.browser.conftest import assert_accessible, assert_fits_phone_width
from tests.browser.test_application_journey import sign_in
from tests.conftest import totp_code

from .factories import answers_for, scene, send, token_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def _phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()


def test_respondents_answer_on_a_phone_and_staff_and_panel_read_results(live_server, browser, staff_user, program_year):
    s = scene(program_year, staff_user)
    survey_round = send(s, program_year, staff_user)
    services.invitations_send(survey_round=survey_round)
    services.response_submit(
        invitation=survey_round.invitations.get(audience="facilitator"), answers=answers_for(s.survey), via="link"
    )
    base = live_server.url
    leader = survey_round.invitations.get(audience="leader")

    phone = _phone(browser)
    phone.goto(base + reverse("evaluation:survey_respond", args=[token_of(leader)]))
    expect(phone.get_by_role("heading", name=s.survey.name)).to_be_visible()
    assert_fits_phone_width(phone)
    assert_accessible(phone, "survey by link")
    phone.get_by_role("group", name="How often do you meet?").get_by_label("Monthly").check()
    phone.get_by_label("What helped most?").fill("Clear next steps after every visit.")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("Answer this question.")).to_be_visible()
    expect(phone.get_by_label("What helped most?")).to_have_value("Clear next steps after every visit.")
    assert_accessible(phone, "survey with a missing answer")
    phone.get_by_role("group", name="The coach is well prepared.").get_by_label("5 · Strongly agree").check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()

    mentee_phone = _phone(browser)
    sign_in(mentee_phone, base, s.mentee.user.email)
    mentee_phone.get_by_role("link", name=f"{s.survey.name} about {s.coach.full_name}").click()
    assert_accessible(mentee_phone, "survey signed in")
    mentee_phone.get_by_role("group", name="The coach is well prepared.").get_by_label("4 · Agree").check()
    mentee_phone.get_by_role("group", name="How often do you meet?").get_by_label("Weekly").check()
    mentee_phone.get_by_role("button", name="Send my answers").click()
    expect(mentee_phone.get_by_role("heading", name="Thank you")).to_be_visible()

    staff = _phone(browser)
    sign_in(staff, base, staff_user.email, code=totp_code())
    for url, label in [
        (reverse("evaluation:survey_rounds"), "rounds"),
        (reverse("evaluation:survey_round", args=[survey_round.pk]), "round"),
        (reverse("evaluation:survey_send"), "send"),
        (reverse("evaluation:survey_results", args=[s.coach.pk]), "results"),
    ]:
        staff.goto(base + url)
        assert_fits_phone_width(staff)
        assert_accessible(staff, f"staff {label} on a phone")
    expect(staff.get_by_text("Clear next steps after every visit.")).to_be_visible()

    panel = _phone(browser)
    sign_in(panel, base, s.panel.email)
    panel.get_by_role("link", name=s.coach.full_name, exact=True).click()
    expect(panel.get_by_role("heading", name=f"Survey results for {s.coach.full_name}")).to_be_visible()
    expect(panel.get_by_text("Clear next steps after every visit.")).to_have_count(0)
    assert_fits_phone_width(panel)
    assert_accessible(panel, "panel results on a phone")
