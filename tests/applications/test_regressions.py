"""Regression tests for defects found in review: each failed before its fix."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import MOUTemplate, ReviewAssignment, Stage, Tier
from applications.views.links import _client_ip
from pac.workflow import TransitionError
from tests.applications.factories import (
    PDF_BYTES,
    ApplicationFactory,
    InterviewSlotFactory,
    MOUFactory,
    committee_with_members,
    make_in_review,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _scored(assignment, value=3):
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    for criterion in assignment.rubric.criteria.all():
        services.score_save(assignment=assignment, criterion=criterion, value=value)
    services.assignment_submit(assignment=assignment)


def test_a_reviewer_sees_no_files_before_declaring_conflicts(client, program_year):
    application, members = make_in_review(ApplicationFactory(program_year=program_year))
    letter = application.recommendations.filter(status="received").first()
    letter.letter_file.save("l.pdf", SimpleUploadedFile("l.pdf", PDF_BYTES))
    assignment = application.assignments.first()
    client.force_login(assignment.reviewer)
    urls = [
        reverse("applications:resume", args=[application.reference]),
        reverse("applications:letter", args=[application.reference, letter.pk]),
    ]
    assert [client.get(u).status_code for u in urls] == [404, 404]
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    assert [client.get(u).status_code for u in urls] == [200, 200]


def test_an_applicant_cannot_sign_their_own_mou_with_a_second_address(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    user = application.applicant.user
    EmailAddress.objects.create(user=user, email="my.other@example.org", verified=True)
    with pytest.raises(TransitionError, match="not you"):
        services.mou_request(
            application=application, actor=user, signer_name="Me Again", signer_email="My.Other@example.org"
        )
    with pytest.raises(TransitionError, match="cannot recommend yourself"):
        services.recommendation_add(
            application=application,
            actor=user,
            name="Me",
            email="my.other@example.org",
            relationship="professional_peer",
        )
    # even if such an MOU existed, it is not offered to them, and signing is refused
    mou = MOUFactory(
        application=application,
        signer_email="my.other@example.org",
        status="requested",
        token_expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert not services.mous_waiting_for(user).exists()
    with pytest.raises(TransitionError, match="your own application"):
        services.mou_sign(mou=mou, signature_name="Me Again", confirmed=True, ip=None, user=user)


def _at_interview(program_year, panel_size=4):
    application, members = make_in_review(
        ApplicationFactory(program_year=program_year, role="mentee", qris_level=2, provides_direct_care=True)
    )
    for assignment in application.assignments.filter(tier=Tier.APPLICATION):
        _scored(assignment)
    staff = UserFactory()
    services.application_advance_to_interview(application=application, actor=staff)
    _, panel = committee_with_members(program_year, panel_size)
    slot = InterviewSlotFactory(program_year=program_year, panel=panel)
    services.slot_book(slot=slot, application=application, actor=staff)
    return application, panel, staff, slot


def test_removing_the_last_open_panel_review_completes_the_interview(program_year):
    application, panel, staff, _ = _at_interview(program_year, 4)
    open_reviews = list(application.assignments.filter(tier=Tier.INTERVIEW).order_by("pk"))
    for assignment in open_reviews[:3]:
        _scored(assignment)
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEW  # the fourth is still open
    services.assignment_remove(assignment=open_reviews[3], actor=staff)
    application.refresh_from_db()
    assert application.stage == Stage.AWAITING_DECISION


def test_a_recused_panel_member_is_replaced_at_tier_3_by_staff(client, program_year, staff_user):
    application, panel, staff, _ = _at_interview(program_year, 3)
    reviews = list(application.assignments.filter(tier=Tier.INTERVIEW).order_by("pk"))
    services.assignment_declare_conflict(assignment=reviews[0], has_conflict=True, reason="My cousin")
    for assignment in reviews[1:]:
        _scored(assignment)
    _, extra = committee_with_members(program_year, 1)
    client.force_login(staff_user)
    client.post(reverse("applications:staff_assign", args=[application.reference]), {"reviewer": extra[0].pk})
    added = ReviewAssignment.objects.get(application=application, reviewer=extra[0])
    assert added.tier == Tier.INTERVIEW
    _scored(added)
    application.refresh_from_db()
    assert application.stage == Stage.AWAITING_DECISION


def test_rebooking_onto_a_panel_with_a_recused_member_is_not_an_error(program_year):
    application, panel, staff, slot = _at_interview(program_year, 3)
    recused = application.assignments.filter(tier=Tier.INTERVIEW).first()
    services.assignment_declare_conflict(assignment=recused, has_conflict=True, reason="Neighbour")
    other = InterviewSlotFactory(
        program_year=program_year, panel=panel, starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    services.slot_book(slot=other, application=application, actor=staff)
    assert application.assignments.filter(tier=Tier.INTERVIEW, reviewer=recused.reviewer).count() == 1


def test_an_applicant_cannot_rebook_after_their_interview_started(client, program_year):
    application, panel, staff, slot = _at_interview(program_year, 3)
    type(slot).objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    later = InterviewSlotFactory(program_year=program_year, panel=panel)
    client.force_login(application.applicant.user)
    client.post(reverse("applications:interview_pick", args=[application.reference]), {"slot": later.pk})
    slot.refresh_from_db()
    assert slot.application_id == application.pk
    assert application.assignments.filter(tier=Tier.INTERVIEW, status="withdrawn").count() == 0


@pytest.mark.parametrize("who", ["applicant", "staff"])
def test_non_numeric_ids_get_a_message_not_a_server_error(client, program_year, staff_user, who):
    if who == "applicant":
        client.force_login(UserFactory())
        response = client.post(reverse("applications:start", args=["ct"]), {"year": "abc"})
        assert response.status_code == 302
    else:
        client.force_login(staff_user)
        response = client.post(reverse("applications:interviews"), {"action": "book", "slot": "abc", "reference": "x"})
        assert response.status_code == 404


def test_blind_review_hides_the_resume_file_name(client, program_year):
    application, _ = make_in_review(ApplicationFactory(program_year=program_year, resume_name="Jane_Doe_CV.pdf"))
    program_year.tier2_blind = True
    program_year.save()
    assignment = application.assignments.first()
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    client.force_login(assignment.reviewer)
    response = client.get(reverse("applications:resume", args=[application.reference]))
    assert "Jane_Doe" not in response["Content-Disposition"]
    assert f"resume-{application.reference}.pdf" in response["Content-Disposition"]


def test_the_reviewer_queue_counts_scored_criteria_correctly(client, program_year):
    application, _ = make_in_review(ApplicationFactory(program_year=program_year))
    assignment = application.assignments.first()
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    services.score_save(assignment=assignment, criterion=assignment.rubric.criteria.first(), value=4)
    client.force_login(assignment.reviewer)
    total = assignment.rubric.criteria.count()
    assert f"1 of {total} scored" in client.get(reverse("applications:reviews")).content.decode()


def test_a_stray_brace_in_an_mou_template_does_not_break_signing(client, program_year):
    template = MOUTemplate.objects.get(role="ct", version=1)
    template.body += "\nBudget {0} and a lone { brace, for {applicant_name}."
    template.save()
    application = ApplicationFactory(program_year=program_year)
    text = services.mou_render(template=template, application=application, signer_name="Dee", signer_title="")
    assert "lone { brace" in text and application.applicant.full_name in text
    template.body = "Hello {applicant_nmae}"
    with pytest.raises(ValidationError, match="applicant_nmae"):
        template.clean()


@pytest.mark.parametrize(
    ("trust", "forwarded", "remote", "expected"),
    [
        (False, "1.2.3.4", "10.0.0.9", "10.0.0.9"),  # the header is not trusted
        (True, "6.6.6.6, 203.0.113.5", "10.0.0.9", "203.0.113.5"),  # the proxy's entry is the rightmost
        (True, "x:y", "10.0.0.9", "10.0.0.9"),  # garbage is ignored
        (True, "", "not-an-ip", None),
    ],
)
def test_the_signing_address_is_the_proxys_view_and_always_valid(rf, trust, forwarded, remote, expected):
    request = rf.post("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    with override_settings(PAC_TRUST_X_FORWARDED_FOR=trust):
        assert _client_ip(request) == expected


def test_the_two_factor_redirect_keeps_the_whole_next_url(client):
    from pac.roles import StaffRole
    from pac.services import role_grant

    user = UserFactory()
    role_grant(user=user, role=StaffRole.EEC_STAFF)
    client.force_login(user)
    response = client.get("/applications/staff/applications/?stage=accepted&role=ct")
    assert "next=%2Fapplications%2Fstaff%2Fapplications%2F%3Fstage%3Daccepted%26role%3Dct" in response.url


def test_withdrawal_changes_are_kept_in_history(program_year):
    application, _ = make_in_review(ApplicationFactory(program_year=program_year))
    assignment = application.assignments.first()
    services.application_withdraw(application=application, actor=application.created_by, reason="moved")
    assignment.refresh_from_db()
    assert assignment.status == "withdrawn"
    assert assignment.history.first().status == "withdrawn"
