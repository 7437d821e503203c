"""Issue 12: a blank required answer is refused before submission (never screened out), a
screened-out applicant sees why and whom to contact, and an applicant's changes are held to the
year's application window unless staff reopen that one application."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications import screening, services
from applications.models import Application, ApplicationEvent, ScreeningCheck, Stage
from applications.roles import ROLE_SPECS, missing_before_submission
from applications.screening import QUALIFICATIONS
from applications.selectors import checklist
from pac.models import OutboundEmail
from pac.workflow import TransitionError
from tests.applications.factories import (
    ApplicationFactory,
    MOUFactory,
    RecommendationFactory,
    make_complete,
)
from tests.factories import PersonFactory, ProgramYearFactory

pytestmark = pytest.mark.django_db

CONTACT = {"PAC_CONTACT_EMAIL": "pac-help@eec.example.org", "PAC_CONTACT_PHONE": "(617) 988-6600"}


@pytest.fixture
def contact(settings):
    for key, value in CONTACT.items():
        setattr(settings, key, value)
    return CONTACT


def mentee_without_ipdp(**kwargs) -> Application:
    """The applicant of the report: a Mentee who left the IPDP question blank."""
    return make_complete(ApplicationFactory(role="mentee", has_ipdp=None, job_role="teacher", **kwargs))


def emails_to(address: str) -> list[OutboundEmail]:
    return [e for e in OutboundEmail.objects.order_by("pk") if address.lower() in e.to]


# --- a blank required answer --------------------------------------------------------------------


def test_a_mentee_who_left_the_ipdp_blank_cannot_submit_and_is_told_what_is_missing():
    application = mentee_without_ipdp()
    with pytest.raises(TransitionError) as info:
        services.application_submit(application=application, actor=application.created_by)
    assert info.value.messages[0] == (
        "Your application is not complete yet; nothing has been submitted. Still needed: "
        "Individual Professional Development Plan (IPDP)."
    )
    application.refresh_from_db()
    assert application.stage == Stage.DRAFT and application.submitted_at is None
    assert not ScreeningCheck.objects.filter(application=application).exists()
    assert not emails_to(application.applicant.email)


def test_the_checklist_shows_the_blank_answer_missing_and_links_to_the_question():
    application = mentee_without_ipdp()
    answers = next(i for i in checklist(application) if i.label == "Answers to the application questions")
    assert (answers.state, answers.done, answers.detail) == ("missing", False, "1 not answered")
    assert [(m.label, m.field) for m in answers.missing] == [
        ("Individual Professional Development Plan (IPDP)", "has_ipdp")
    ]
    application.has_ipdp = False  # "no" is an answer
    assert next(i for i in checklist(application) if i.label.startswith("Answers")).done


def test_every_answer_a_qualification_rule_judges_is_a_required_answer_of_the_role():
    """One table drives both: Tier 1 never reads an answer the applicant could leave blank."""
    for role, spec in ROLE_SPECS.items():
        for rule in QUALIFICATIONS[role]:
            assert set(rule.reads) <= set(spec.answers), (role, rule.__name__)


@pytest.mark.parametrize("role", ["ct", "mentee", "ca", "ma"])
def test_each_required_answer_left_blank_blocks_submission(role):
    application = make_complete(ApplicationFactory(role=role))
    assert missing_before_submission(application) == []
    for field in ROLE_SPECS[role].answers:
        if field in ("program", "fcc_system_member", "program_type"):
            continue  # the program is checked below; the FCC question only applies to FCC programs
        blank = (
            None
            if field
            not in (
                "job_role",
                "highest_degree",
                "degree_field",
                "eec_certification",
                "pq_registry_id",
                "has_leader_support",
            )
            else ""
        )
        setattr(application, field, blank)
        assert [m.field for m in missing_before_submission(application)] == [field], field
        application.refresh_from_db()
    application.program = None
    assert [m.field for m in missing_before_submission(application)] == ["program"]


def test_tier1_judges_answers_not_omissions():
    application = ApplicationFactory.build(role="mentee", has_ipdp=None, job_role="teacher")
    outcome = next(o for o in screening.evaluate(application, screening.Facts()) if o.rule == "has_ipdp")
    assert (outcome.category, outcome.passed) == ("completeness", False)
    assert outcome.message == "Individual Professional Development Plan (IPDP): not answered."
    application.has_ipdp = False
    outcome = next(o for o in screening.evaluate(application, screening.Facts()) if o.rule == "has_ipdp")
    assert (outcome.category, outcome.passed) == ("qualification", False)
    assert "the application says no" in outcome.message


def test_a_submitted_application_missing_an_answer_is_returned_to_the_applicant_not_screened_out():
    """An application submitted before answers were required (as in the report) goes back to the
    applicant as a draft the next time Tier 1 runs."""
    application = mentee_without_ipdp(stage=Stage.SUBMITTED, submitted_at=timezone.now())
    services.application_screen(application=application, actor=None)
    application.refresh_from_db()
    assert application.stage == Stage.DRAFT and application.submitted_at is None
    assert not ScreeningCheck.objects.filter(application=application, passed=False, category="qualification")
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.from_stage, event.to_stage) == (Stage.SUBMITTED, Stage.DRAFT)
    assert "Individual Professional Development Plan (IPDP)" in event.note
    [email] = emails_to(application.applicant.email)
    assert (
        "needs a few more answers" in email.subject and "- Individual Professional Development Plan" in email.body_text
    )


def test_a_mentee_who_answers_no_is_screened_out_and_told_why_and_whom_to_contact(contact):
    application = make_complete(ApplicationFactory(role="mentee", has_ipdp=False, job_role="teacher"))
    services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.SCREENED_OUT
    email = next(e for e in emails_to(application.applicant.email) if "minimum qualifications" in e.subject)
    assert "Individual Professional Development Plan; the application says no." in email.body_text
    assert "contact EEC staff at pac-help@eec.example.org or (617) 988-6600" in email.body_text


def test_the_screened_out_page_names_the_rule_and_a_real_contact(client, contact):
    application = make_complete(ApplicationFactory(role="mentee", has_ipdp=False, job_role="teacher"))
    services.application_submit(application=application, actor=application.created_by)
    client.force_login(application.applicant.user)
    page = client.get(reverse("applications:detail", args=[application.reference])).content.decode()
    block = page[page.index('data-testid="screened-out"') :]
    block = block[: block.index("</div>")]
    assert "Individual Professional Development Plan; the application says no." in block
    assert 'href="mailto:pac-help@eec.example.org"' in block and 'href="tel:6179886600"' in block
    assert "(617) 988-6600" in block


def test_submitting_with_a_blank_answer_through_the_page_says_what_is_missing(client):
    application = mentee_without_ipdp()
    client.force_login(application.applicant.user)
    response = client.post(reverse("applications:submit", args=[application.reference]), follow=True)
    page = response.content.decode()
    assert "Still needed: Individual Professional Development Plan (IPDP)." in page
    assert f'href="/applications/{application.reference}/edit/#id_has_ipdp"' in page
    application.refresh_from_db()
    assert application.stage == Stage.DRAFT


def test_every_contact_eec_staff_on_the_site_uses_the_one_tag():
    """No template says "contact EEC staff" (or "let EEC staff know", "contact EEC") in its own words."""
    roots = [
        Path(settings.BASE_DIR) / d for d in ("templates", "applications", "pac", "pairings", "coaching", "evaluation")
    ]
    pattern = re.compile(r"contact eec|let eec staff know|contact staff", re.IGNORECASE)
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in (".html", ".txt") or ".venv" in path.parts:
                continue
            text = re.sub(r"\{%\s*contact_eec[^%]*%\}", "", path.read_text())
            if pattern.search(text):
                offenders.append(str(path))
    assert offenders == []


def test_every_page_footer_names_the_contact(client, contact):
    user = PersonFactory(with_account=True).user
    client.force_login(user)
    page = client.get(reverse("applications:mine")).content.decode()
    assert 'href="mailto:pac-help@eec.example.org"' in page and "(617) 988-6600" in page


# --- the application window ----------------------------------------------------------------------


@pytest.fixture
def closed_year(db):
    """2026–27, whose window closed on June 30, 2026 (the shared factory's default)."""
    year = ProgramYearFactory()
    assert not year.applications_open()
    return year


def closed_draft(closed_year, **kwargs) -> Application:
    return make_complete(ApplicationFactory(program_year=closed_year, **kwargs))


def test_a_draft_from_a_closed_window_cannot_be_submitted(closed_year, contact):
    application = closed_draft(closed_year)
    with pytest.raises(TransitionError) as info:
        services.application_submit(application=application, actor=application.created_by)
    assert info.value.messages[0].startswith("Applications for 2026–27 closed on June 30, 2026, so application ")
    assert (
        "contact EEC staff at pac-help@eec.example.org or (617) 988-6600: they can reopen it." in info.value.messages[0]
    )
    application.refresh_from_db()
    assert application.stage == Stage.DRAFT


def _change(name: str, application: Application):
    user = application.created_by
    if name == "update":
        return services.application_update(application=application, actor=user, data={"statement": "Changed"})
    if name == "recommendation_add":
        return services.recommendation_add(
            application=application, actor=user, name="Late", email="late@example.org", relationship="professional_peer"
        )
    if name == "recommendation_send":
        recommendation = RecommendationFactory(application=application, status="requested")
        return services.recommendation_send(recommendation=recommendation, actor=user)
    if name == "recommendation_cancel":
        recommendation = RecommendationFactory(application=application, status="requested")
        return services.recommendation_cancel(recommendation=recommendation, actor=user)
    if name == "mou_request":
        return services.mou_request(
            application=application, actor=user, signer_name="New Leader", signer_email="new.leader@example.org"
        )
    if name == "mou_send":
        application.mous.update(status="superseded")
        mou = MOUFactory(application=application, status="requested")
        return services.mou_send(mou=mou, actor=user)
    raise AssertionError(name)


CHANGES = ["update", "recommendation_add", "recommendation_send", "recommendation_cancel", "mou_request", "mou_send"]


@pytest.mark.parametrize("change", CHANGES)
def test_every_applicant_side_change_is_refused_after_the_window_closed(closed_year, change):
    application = ApplicationFactory(program_year=closed_year)
    with pytest.raises(TransitionError, match="closed on June 30, 2026"):
        _change(change, application)
    application.refresh_from_db()
    assert application.statement != "Changed"


@pytest.mark.parametrize("change", CHANGES)
def test_every_applicant_side_change_is_allowed_once_staff_reopen_the_application(closed_year, staff_user, change):
    application = ApplicationFactory(program_year=closed_year)
    services.application_reopen(
        application=application,
        actor=staff_user,
        until=timezone.localdate() + datetime.timedelta(days=7),
        reason="Her director was in hospital in June",
    )
    _change(change, application)


def test_staff_acting_on_an_application_are_not_held_to_the_window(closed_year, staff_user):
    application = ApplicationFactory(program_year=closed_year, stage=Stage.SUBMITTED)
    recommendation = RecommendationFactory(application=application, status="requested")
    services.recommendation_send(recommendation=recommendation, actor=staff_user)
    recommendation.refresh_from_db()
    assert recommendation.sent_count == 1


def test_a_reopened_application_can_be_submitted_and_the_reopening_is_recorded(closed_year, staff_user):
    application = closed_draft(closed_year)
    until = timezone.localdate() + datetime.timedelta(days=7)
    services.application_reopen(
        application=application, actor=staff_user, until=until, reason="  Missed the deadline: flood at the center "
    )
    application.refresh_from_db()
    assert (application.reopened_until, application.reopened_reason, application.reopened_by) == (
        until,
        "Missed the deadline: flood at the center",
        staff_user,
    )
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.from_stage, event.to_stage, event.actor) == (Stage.DRAFT, Stage.DRAFT, staff_user)
    assert (
        event.note == f"Reopened for the applicant until {until:%B %-d, %Y}: Missed the deadline: flood at the center"
    )
    assert application.history.first().reopened_until == until
    [email] = emails_to(application.applicant.email)
    assert f"reopened until {until:%B %-d, %Y}" in email.subject
    services.application_submit(application=application, actor=application.created_by)
    application.refresh_from_db()
    assert application.stage == Stage.IN_REVIEW or application.stage == Stage.SUBMITTED


def test_a_reopening_ends_on_its_date(closed_year):
    application = closed_draft(closed_year, reopened_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(TransitionError, match=r"EEC reopened it until"):
        services.application_submit(application=application, actor=application.created_by)
    application.reopened_until = timezone.localdate()
    application.save()
    services.application_submit(application=application, actor=application.created_by)  # the whole last day


def test_reopening_needs_a_reason_and_a_date_after_the_window(closed_year, staff_user):
    application = closed_draft(closed_year)
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(TransitionError, match="Give the reason for reopening"):
        services.application_reopen(application=application, actor=staff_user, until=next_week, reason="   ")
    with pytest.raises(TransitionError, match="Choose a date from today on"):
        services.application_reopen(
            application=application,
            actor=staff_user,
            until=timezone.localdate() - datetime.timedelta(days=1),
            reason="Late",
        )
    application.refresh_from_db()
    assert application.reopened_until is None
    assert not ApplicationEvent.objects.filter(application=application, note__startswith="Reopened").exists()


def test_reopening_is_for_one_application_only(closed_year, staff_user):
    reopened = closed_draft(closed_year)
    other = closed_draft(closed_year)
    services.application_reopen(
        application=reopened, actor=staff_user, until=timezone.localdate() + datetime.timedelta(days=3), reason="Late"
    )
    with pytest.raises(TransitionError, match="closed on June 30, 2026"):
        services.application_submit(application=other, actor=other.created_by)
    services.application_submit(application=reopened, actor=reopened.created_by)


def test_a_decided_application_cannot_be_reopened(closed_year, staff_user):
    application = closed_draft(closed_year, stage=Stage.IN_REVIEW)
    with pytest.raises(TransitionError, match="only a draft or an application still waiting"):
        services.application_reopen(
            application=application, actor=staff_user, until=timezone.localdate(), reason="Late"
        )


def test_withdrawing_is_allowed_after_the_window_closed(closed_year):
    application = closed_draft(closed_year)
    services.application_withdraw(application=application, actor=application.created_by, reason="Moved away")
    application.refresh_from_db()
    assert application.stage == Stage.WITHDRAWN


def test_the_edit_page_keeps_what_was_typed_when_the_window_has_closed(client, closed_year):
    application = closed_draft(closed_year)
    client.force_login(application.applicant.user)
    response = client.post(
        reverse("applications:edit", args=[application.reference]),
        {"program": application.program_id, "program_type": "center", "statement": "My late but careful statement"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "My late but careful statement" in page and "closed on June 30, 2026" in page
    application.refresh_from_db()
    assert application.statement != "My late but careful statement"


def test_the_applicant_page_says_the_window_closed_and_offers_no_submit(client, closed_year, contact):
    application = closed_draft(closed_year)
    client.force_login(application.applicant.user)
    page = client.get(reverse("applications:detail", args=[application.reference])).content.decode()
    assert 'data-testid="window-closed"' in page and "pac-help@eec.example.org" in page
    assert reverse("applications:submit", args=[application.reference]) not in page
    assert client.get(reverse("applications:edit", args=[application.reference])).status_code == 302


def test_staff_reopen_from_the_application_page_and_the_applicant_sees_until_when(client, closed_year, staff_user):
    application = closed_draft(closed_year)
    client.force_login(staff_user)
    staff_page = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    assert "Reopen this application for the applicant" in staff_page
    until = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("applications:staff_reopen", args=[application.reference]),
        {"until": until.isoformat(), "reason": "Recommender was ill"},
        follow=True,
    )
    assert f"reopened until {until:%B %-d, %Y}" in response.content.decode()
    client.force_login(application.applicant.user)
    page = client.get(reverse("applications:detail", args=[application.reference])).content.decode()
    assert 'data-testid="reopened"' in page and f"{until:%B %-d, %Y}" in page
    assert reverse("applications:submit", args=[application.reference]) in page


def test_staff_reopen_without_a_reason_is_refused_on_the_page(client, closed_year, staff_user):
    application = closed_draft(closed_year)
    client.force_login(staff_user)
    until = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("applications:staff_reopen", args=[application.reference]), {"until": until.isoformat()}, follow=True
    )
    assert "Give the date to reopen the application until, and the reason." in response.content.decode()
    application.refresh_from_db()
    assert application.reopened_until is None
