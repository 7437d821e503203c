"""Issue 13: the Program/Instructional Leader who signs the MOU is screened in Tier 1 against the
program model's "Qualifications" for that role (seeds/000, "Mentee Program/Instructional Leaders"):

  The Program/Instructional Leader must:
  - Be the program director or site coordinator for a center-based or ASOST program;
  - Be the home monitor or person assigned by a FCC System to support professional development or
    QRIS for FCC Educators that are part of a contracted FCC System;
  - Have early childhood education and experience if selected by an Independent FCC Educator;
  - Be registered in the MA EEC PQ Registry.
"""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from applications import screening, services
from applications.models import MOU, Application, ScreeningCheck, Stage
from applications.roles import ApplicantRole
from pac.workflow import TransitionError
from tests.applications.factories import ApplicationFactory, RecommendationFactory, committee_with_members
from tests.applications.test_screening import complete_facts, make

Leader = screening.LeaderFacts


def _leader_outcomes(app, leader):
    facts = complete_facts(app.role, leader=leader)
    return {o.rule: o for o in screening.evaluate(app, facts) if o.rule in screening.LEADER_RULES}


# --- the rules, one by one (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("program_type", "position", "education", "experience", "passed"),
    [
        ("center", "director", None, None, True),
        ("center", "site_coordinator", None, None, True),
        ("asost", "site_coordinator", None, None, True),
        ("head_start", "director", None, None, True),
        ("center", "home_monitor", None, None, False),
        ("center", "other", None, None, False),
        ("asost", "chosen", True, True, False),
        ("fcc_system", "home_monitor", None, None, True),
        ("fcc_system", "system_pd_qris", None, None, True),
        ("fcc_system", "director", None, None, False),
        ("fcc_system", "other", None, None, False),
        ("fcc_independent", "chosen", True, True, True),
        ("fcc_independent", "chosen", True, False, False),
        ("fcc_independent", "chosen", False, True, False),
        ("fcc_independent", "director", None, None, False),
    ],
)
@pytest.mark.parametrize("role", [ApplicantRole.CT, ApplicantRole.MENTEE])
def test_the_leaders_role_fits_the_program_type(role, program_type, position, education, experience, passed):
    app = make(role, program_type=program_type, fcc_system_member=program_type == "fcc_system")
    outcome = _leader_outcomes(app, Leader(position, education, experience, "PQ-1"))["leader_role_fits_program"]
    assert (outcome.category, outcome.passed) == ("qualification", passed)
    assert "Program/Instructional Leader" in outcome.message


def test_the_role_fit_message_says_what_the_leader_said():
    app = make(ApplicantRole.MENTEE, program_type="fcc_independent", fcc_system_member=False)
    outcome = screening.leader_role_fits_program(app, complete_facts(app.role, leader=Leader("chosen", True, False)))
    assert outcome.message == (
        "The Program/Instructional Leader an independent FCC educator chooses must have early childhood education "
        "and experience; the leader says: person the independent fcc educator chose as their leader, education "
        "yes, experience no."
    )


@pytest.mark.parametrize(("pq_id", "passed"), [("PQ-4242", True), ("", False), ("   ", False)])
def test_the_leader_is_registered_in_the_pq_registry(pq_id, passed):
    app = make(ApplicantRole.CT)
    outcome = _leader_outcomes(app, Leader("director", None, None, pq_id))["leader_in_pq_registry"]
    assert (outcome.category, outcome.passed) == ("qualification", passed)
    assert outcome.message == "The Program/Instructional Leader must be registered in the EEC PQ Registry; " + (
        "the leader gave a PQ Registry ID." if passed else "the leader gave no PQ Registry ID."
    )


def test_an_mou_signed_without_the_leaders_facts_is_not_answered_never_a_failure():
    outcomes = _leader_outcomes(make(ApplicantRole.CT), Leader())
    assert {r: (o.category, o.passed, o.message) for r, o in outcomes.items()} == {
        "leader_role_fits_program": ("completeness", False, "Leader's position in the program: not answered."),
        "leader_in_pq_registry": ("completeness", False, "Leader's PQ Registry ID: not answered."),
    }


def test_a_chosen_leaders_missing_education_is_not_answered():
    app = make(ApplicantRole.MENTEE, program_type="fcc_independent", fcc_system_member=False)
    outcomes = _leader_outcomes(app, Leader("chosen", None, True, "PQ-1"))
    fits = outcomes["leader_role_fits_program"]
    assert (fits.category, fits.passed, fits.message) == (
        "completeness",
        False,
        "Leader's early childhood education: not answered.",
    )
    assert outcomes["leader_in_pq_registry"].passed


@pytest.mark.parametrize("mou_status", ["waived", "requested", None])
def test_leader_rules_do_not_apply_without_a_leaders_signature(mou_status):
    app = make(ApplicantRole.MENTEE)
    outcomes = screening.evaluate(app, complete_facts(app.role, mou_status=mou_status))
    assert not {o.rule for o in outcomes} & screening.LEADER_RULES


@pytest.mark.parametrize("role", [ApplicantRole.CA, ApplicantRole.MA])
def test_a_supervisors_mou_is_not_screened_as_a_leaders(role):
    outcomes = screening.evaluate(make(role), complete_facts(role, leader=Leader("other")))
    assert not {o.rule for o in outcomes} & screening.LEADER_RULES


# --- signing: the form and the service -----------------------------------------------------------------


def _requested(program_type="center", role="ct"):
    application = ApplicationFactory(
        role=role, program_type=program_type, fcc_system_member=program_type == "fcc_system"
    )
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Dana Director", signer_email="d@example.org"
    )
    return mou


def _link(mou: MOU) -> str:
    from pac.workflow import new_token

    token, digest = new_token()
    MOU.objects.filter(pk=mou.pk).update(token_hash=digest)
    return reverse("applications:mou_sign", args=[token])


def _sign_as_dana(mou, **facts):
    """The named leader, Dana Director, signs by link with these facts about herself."""
    return services.mou_sign(mou=mou, signature_name="Dana Director", confirmed=True, ip=None, **facts)


@pytest.mark.django_db
def test_the_service_stores_the_leaders_facts_and_history_keeps_them():
    mou = _requested("fcc_independent")
    _sign_as_dana(
        mou,
        leader_position="chosen",
        leader_ece_education=True,
        leader_ece_experience=True,
        leader_pq_registry_id="  PQ 1234 ",
    )
    mou.refresh_from_db()
    assert (mou.leader_position, mou.leader_ece_education, mou.leader_ece_experience) == ("chosen", True, True)
    assert mou.leader_pq_registry_id == "PQ 1234"
    assert mou.history.latest().leader_position == "chosen"


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_position():
    mou = _requested()
    with pytest.raises(TransitionError):
        services.mou_sign(mou=mou, signature_name="Dana Director", confirmed=True, ip=None, leader_position="boss")
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("program_type", "offered", "not_offered"),
    [
        ("center", ["director", "site_coordinator", "other"], ["home_monitor", "chosen"]),
        ("fcc_system", ["home_monitor", "system_pd_qris", "other"], ["director", "chosen"]),
        ("fcc_independent", ["chosen", "other"], ["director", "home_monitor"]),
    ],
)
def test_the_form_offers_the_positions_that_fit_the_program(client, program_type, offered, not_offered):
    page = client.get(_link(_requested(program_type))).content.decode()
    assert "Your position in the applicant&#x27;s program" in page and "Your PQ Registry ID" in page
    for value in offered:
        assert f'value="{value}"' in page
    for value in not_offered:
        assert f'value="{value}"' not in page
    asks_ece = "Do you have education in early childhood education?" in page
    assert asks_ece is (program_type == "fcc_independent")


@pytest.mark.django_db
def test_a_supervisor_is_not_asked_the_leaders_questions(client):
    page = client.get(_link(_requested(role="ca"))).content.decode()
    assert "Your PQ Registry ID" not in page and "Type your full name to sign" in page


@pytest.mark.django_db
def test_the_signing_form_keeps_the_leaders_answers_on_an_error(client):
    mou = _requested()
    url = _link(mou)
    response = client.post(
        url,
        {
            "action": "sign",
            "signature_name": "Someone Else",
            "confirm": "on",
            "leader_position": "site_coordinator",
            "leader_pq_registry_id": "PQ-777",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "is not the name this MOU was sent to (Dana Director)" in body  # the typed-name check stays
    assert 'value="PQ-777"' in body and 'value="Someone Else"' in body
    assert _checked(body, "leader_position") == "site_coordinator"
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED


def _checked(body: str, name: str) -> str | None:
    import re

    for tag in re.findall(r"<input[^>]*>", body):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


@pytest.mark.django_db
def test_a_chosen_leader_must_answer_both_ece_questions(client):
    mou = _requested("fcc_independent")
    response = client.post(
        _link(mou),
        {
            "action": "sign",
            "signature_name": "Dana Director",
            "confirm": "on",
            "leader_position": "chosen",
            "leader_ece_education": "yes",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "an independent FCC educator&#x27;s leader needs both" in body
    assert _checked(body, "leader_position") == "chosen" and _checked(body, "leader_ece_education") == "yes"
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED


@pytest.mark.django_db
def test_signing_by_link_stores_the_answers(client):
    mou = _requested()
    client.post(
        _link(mou),
        {
            "action": "sign",
            "signature_name": "Dana Director",
            "confirm": "on",
            "leader_position": "director",
            "leader_pq_registry_id": "PQ-777",
        },
    )
    mou.refresh_from_db()
    assert (mou.status, mou.leader_position, mou.leader_pq_registry_id) == ("signed", "director", "PQ-777")


# --- Tier 1: run when the MOU is signed, shown to staff, overridable --------------------------------------


def _submitted_waiting_for_mou(**kwargs) -> tuple[Application, MOU]:
    application = ApplicationFactory(**kwargs)
    committee_with_members(application.program_year, 3)
    RecommendationFactory.create_batch(application.spec.min_recommendations, application=application, received=True)
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Dana Director", signer_email="d@example.org"
    )
    services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED
    return application, mou


@pytest.mark.django_db
def test_tier1_runs_the_leaders_rules_when_the_mou_is_signed():
    application, mou = _submitted_waiting_for_mou()
    _sign_as_dana(mou, leader_position="director", leader_pq_registry_id="PQ-1")
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW
    checks = {c.rule: c.passed for c in application.screening_checks.all()}
    assert checks["leader_role_fits_program"] is True and checks["leader_in_pq_registry"] is True


@pytest.mark.django_db
def test_a_leader_who_does_not_fit_screens_out_and_staff_see_and_override_it(client, staff_user):
    application, mou = _submitted_waiting_for_mou()
    _sign_as_dana(mou, leader_position="other", leader_pq_registry_id="")
    application.refresh_from_db()
    assert application.stage == Stage.SCREENED_OUT
    fit = ScreeningCheck.objects.get(application=application, rule="leader_role_fits_program")
    pq = ScreeningCheck.objects.get(application=application, rule="leader_in_pq_registry")
    assert not fit.passed and not pq.passed
    client.force_login(staff_user)
    detail = reverse("applications:staff_detail", args=[application.reference])
    page = client.get(detail).content.decode()
    assert "the program director or site coordinator; the leader says: none of these." in page
    assert "the leader gave no PQ Registry ID." in page
    assert reverse("applications:staff_override", args=[application.reference, fit.pk]) in page
    for check in (fit, pq):
        response = client.post(
            reverse("applications:staff_override", args=[application.reference, check.pk]),
            {"justification": "The owner runs the classroom herself; confirmed with EEC by phone."},
        )
        assert response.status_code == 302
    fit.refresh_from_db()
    assert fit.overridden and fit.overridden_by == staff_user
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW
    page = client.get(detail).content.decode()
    assert "The owner runs the classroom herself" in page


@pytest.mark.django_db
def test_the_packet_shows_the_leaders_answers_and_checks(staff_user):
    from applications import documents

    application, mou = _submitted_waiting_for_mou()
    _sign_as_dana(mou, leader_position="director", leader_pq_registry_id="PQ-31")
    packet = documents.application_for_packet(Application.objects.filter(pk=application.pk)).get()
    html = render_to_string("applications/pdf/packet.html", documents.packet_context(packet, blind=False))
    text = _squeezed(html)
    assert "Leader's position</th><td>Program director" in text
    assert "Leader's PQ Registry ID</th><td>PQ-31" in text
    assert "The Program/Instructional Leader must be registered in the EEC PQ Registry" in text


def _squeezed(html: str) -> str:
    """The markup with runs of whitespace as one space and none between tags."""
    return re.sub(r">\s+<", "><", " ".join(html.split()))


@pytest.mark.django_db
def test_the_web_packet_shows_the_leaders_facts_and_blind_review_hides_the_registry_id(client, staff_user):
    from applications import documents

    application, mou = _submitted_waiting_for_mou()
    _sign_as_dana(
        mou,
        leader_position="chosen",
        leader_ece_education=True,
        leader_ece_experience=False,
        leader_pq_registry_id="PQ-77",
    )
    client.force_login(staff_user)
    page = _squeezed(client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode())
    facts = page[page.index('data-testid="leader-facts"') :]
    assert 'Leader\'s position</dt><dd class="col-sm-8">Person the independent FCC educator chose' in facts
    assert 'Early childhood education</dt><dd class="col-sm-8">Yes' in facts
    assert 'Early childhood experience</dt><dd class="col-sm-8">No' in facts
    assert "PQ-77" in facts
    packet = documents.application_for_packet(Application.objects.filter(pk=application.pk)).get()
    for template in ("applications/_packet.html", "applications/pdf/packet.html"):
        blind = render_to_string(template, {**documents.packet_context(packet, blind=True), "application": packet})
        assert "PQ-77" not in blind and "Given (hidden in blind review)" in blind


@pytest.mark.django_db
def test_a_waived_mou_has_no_leader_checks(staff_user):
    application, _ = _submitted_waiting_for_mou()
    services.mou_waive(application=application, actor=staff_user, reason="Independent educator, no leader")
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW
    assert not application.screening_checks.filter(rule__in=screening.LEADER_RULES).exists()
