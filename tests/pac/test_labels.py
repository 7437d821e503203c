"""Labels read as a person would write them: choice labels inside a sentence keep their acronyms
("granted by EEC"), and a survey about a Consultant Administrator says so."""

import datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from evaluation.surveys import services as surveys
from pac.models import Program
from pairings import services as pairing
from tests.applications.factories import ApplicationFactory
from tests.evaluation.surveys.factories import small_survey, token_of
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Granted by EEC", "granted by EEC"),
        ("Self-assessed", "self-assessed"),
        ("QRIS standard", "QRIS standard"),
        ("Consultant Teacher", "Consultant Teacher"),
        ("Pre (start of year)", "pre (start of year)"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_label_inside_a_sentence(label, expected):
    rendered = Template("{% load pac_tags %}{{ label|midsentence }}").render(Context({"label": label}))
    assert rendered == expected


def test_the_packet_says_granted_by_eec():
    application = ApplicationFactory(qris_status=Program.QrisStatus.GRANTED)
    html = render_to_string("applications/_packet.html", {"application": application})
    assert "(granted by EEC)" in html and "eec" not in html.replace("EEC", "")


def test_the_survey_about_a_consultant_administrator_calls_them_that(client, program_year, staff_user):
    coach = accepted("ca", program_year)
    mentee = accepted("ma", program_year)
    pair = pairing.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff_user, confirm=True)
    survey_round = surveys.round_send(
        survey=small_survey(),
        coach=pair.coach,
        program_year=program_year,
        audiences=["mentee"],
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        actor=staff_user,
    )
    invitation = survey_round.invitations.get()
    page = client.get(reverse("evaluation:survey_respond", args=[token_of(invitation)])).content.decode()
    assert f"{pair.coach.full_name}, Consultant Administrator" in page
    assert "Consultant Teacher" not in page
