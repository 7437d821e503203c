"""The application workflow, one transition at a time: each step allowed, and each refusal
with the message the person sees."""

from __future__ import annotations

import datetime
import re
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from applications import services
from applications.models import (
    MOU,
    Application,
    ApplicationEvent,
    Criterion,
    MOUTemplate,
    Recommendation,
    ReviewAssignment,
    Rubric,
    Score,
    ScreeningCheck,
    Stage,
    Tier,
)
from pac.models import OutboundEmail, Participation, Person, Program, ProgramRole, Region
from pac.workflow import LinkError, TransitionError, hash_token
from tests.applications.factories import (
    PDF_BYTES,
    ApplicationFactory,
    CommitteeMemberFactory,
    InterviewSlotFactory,
    MOUFactory,
    RecommendationFactory,
    committee_with_members,
    make_complete,
    make_in_review,
    open_window,
)
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------------------


@contextmanager
def refused(text: str):
    """The block must raise TransitionError whose message contains ``text``."""
    with pytest.raises(TransitionError) as info:
        yield info
    assert text in info.value.messages[0], info.value.messages[0]


def emails_to(address: str) -> list[OutboundEmail]:
    return [e for e in OutboundEmail.objects.order_by("pk") if address.lower() in e.to]


def link_token(address: str, kind: str) -> str:
    """The token in the latest emailed link to ``address``: kind "r" (recommendation) or "m" (MOU)."""
    body = emails_to(address)[-1].body_text
    match = re.search(rf"/applications/{kind}/([A-Za-z0-9_\-]+)/", body)
    assert match, body
    return match.group(1)


def stages(application: Application) -> list[tuple[str, str]]:
    return list(ApplicationEvent.objects.filter(application=application).values_list("from_stage", "to_stage"))


def tier2(application: Application, *statuses):
    qs = ReviewAssignment.objects.filter(application=application, tier=Tier.APPLICATION).order_by("reviewer_id")
    return list(qs.filter(status__in=statuses) if statuses else qs)


def score_all(assignment: ReviewAssignment, value: int = 3) -> None:
    for criterion in assignment.rubric.criteria.all():
        services.score_save(assignment=assignment, criterion=criterion, value=value)


def submit_review(assignment: ReviewAssignment, value: int = 3) -> ReviewAssignment:
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    score_all(assignment, value)
    return services.assignment_submit(assignment=assignment, comment="Solid application.")


def finish_tier2(application: Application) -> None:
    for assignment in tier2(application, ReviewAssignment.Status.ASSIGNED):
        submit_review(assignment)


def make_interview(staff, **kwargs) -> Application:
    application, _ = make_in_review(**kwargs)
    finish_tier2(application)
    return services.application_advance_to_interview(application=application, actor=staff)


def make_awaiting_decision(staff, application=None, *, members=None, **kwargs) -> Application:
    application, _ = make_in_review(application, members=members, **kwargs)
    finish_tier2(application)
    return services.application_skip_interview(application=application, actor=staff, reason="Strong reviews")


def reload(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def staff(staff_user):
    return staff_user


@pytest.fixture
def open_year(db):
    """A program year whose application window includes today."""
    today = timezone.localdate()
    return ProgramYearFactory(
        name="2027–28",
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2028, 8, 31),
        applications_open_on=today - datetime.timedelta(days=30),
        applications_close_on=today + datetime.timedelta(days=30),
    )


# --- application_start --------------------------------------------------------------------------------


def test_start_in_an_open_window_copies_the_directory_answers(open_year):
    person = PersonFactory(with_account=True, years_as_educator=9, pq_registry_id="PQ-77")
    application = services.application_start(user=person.user, program_year=open_year, role="ct")
    assert application.stage == Stage.DRAFT
    assert application.applicant == person and application.created_by == person.user
    assert application.program == person.program
    assert application.program_type == person.program.program_type
    assert application.qris_level == person.program.qris_level
    assert application.years_as_educator == 9 and application.pq_registry_id == "PQ-77"
    assert re.fullmatch(r"PAC-2027-\d{5}", reload(application).reference)
    assert stages(application) == [("", Stage.DRAFT)]


def test_start_creates_a_person_for_an_account_without_one(open_year):
    user = UserFactory(full_name="Ana Lima")
    application = services.application_start(user=user, program_year=open_year, role="mentee")
    person = Person.objects.get(user=user)
    assert application.applicant == person
    assert (person.first_name, person.last_name, person.email) == ("Ana", "Lima", user.email)
    assert application.program is None


def test_start_when_applications_are_closed_is_refused(db):
    program_year = ProgramYearFactory()  # its window closed on June 30, 2026
    person = PersonFactory(with_account=True)
    assert not program_year.applications_open()
    with refused("Applications for 2026–27 are closed (they were open March 1 to June 30, 2026)."):
        services.application_start(user=person.user, program_year=program_year, role="ct")
    assert not Application.objects.exists()


def test_a_second_open_application_for_the_same_role_is_refused(open_year):
    person = PersonFactory(with_account=True)
    services.application_start(user=person.user, program_year=open_year, role="ct")
    with refused("You already have a Consultant Teacher application for 2027–28."):
        services.application_start(user=person.user, program_year=open_year, role="ct")
    # another role is a different application
    services.application_start(user=person.user, program_year=open_year, role="mentee")
    assert Application.objects.filter(applicant=person).count() == 2


def test_a_withdrawn_application_allows_a_new_one(open_year):
    person = PersonFactory(with_account=True)
    first = services.application_start(user=person.user, program_year=open_year, role="ct")
    services.application_withdraw(application=first, actor=person.user, reason="Started by mistake")
    second = services.application_start(user=person.user, program_year=open_year, role="ct")
    assert second.pk != first.pk
    assert reload(first).stage == Stage.WITHDRAWN and second.stage == Stage.DRAFT


# --- application_update --------------------------------------------------------------------------------


def test_update_saves_a_draft_and_its_resume():
    application = ApplicationFactory(resume="", resume_name="")
    data = {"statement": "  A new statement.  ", "qris_level": 3, "years_as_educator": 7, "pq_registry_id": None}
    updated = services.application_update(
        application=application, actor=application.created_by, data=data, resume=ContentFile(PDF_BYTES, name="cv.pdf")
    )
    updated = reload(updated)
    assert updated.qris_level == 3 and updated.years_as_educator == 7
    assert updated.pq_registry_id == ""  # a text answer left empty is stored as ""
    assert updated.statement.strip() == "A new statement."
    assert updated.resume_name == "cv.pdf"
    assert updated.resume.name.startswith("private/application/") and updated.resume.name.endswith(".pdf")
    with updated.resume.open("rb") as f:
        assert f.read() == PDF_BYTES


def test_update_after_submit_is_refused():
    application = ApplicationFactory()
    services.application_submit(application=application, actor=application.created_by)
    with refused("has been submitted; it can no longer be edited"):
        services.application_update(
            application=application, actor=application.created_by, data={"statement": "Changed after the fact"}
        )
    assert reload(application).statement != "Changed after the fact"


def test_update_adds_a_program_not_yet_in_the_directory():
    application = ApplicationFactory()
    region = Region.objects.get(number=3)
    data = {
        "program": None,
        "new_program_name": "Little Acorns",
        "new_program_type": Program.ProgramType.HEAD_START,
        "new_program_license": "",
        "new_program_city": "Lowell",
        "new_program_region": region,
        "program_type": Program.ProgramType.HEAD_START,
        "qris_level": 3,
        "qris_status": Program.QrisStatus.GRANTED,
    }
    before = Program.objects.count()
    updated = services.application_update(application=application, actor=application.created_by, data=data)
    assert Program.objects.count() == before + 1
    program = reload(updated).program
    assert (program.name, program.program_type, program.city, program.region) == (
        "Little Acorns",
        Program.ProgramType.HEAD_START,
        "Lowell",
        region,
    )
    assert program.licensure == Program.Licensure.EXEMPT and program.license_number == ""
    assert (program.qris_level, program.qris_status) == (3, Program.QrisStatus.GRANTED)
    assert updated.program_type == Program.ProgramType.HEAD_START


def test_update_with_a_license_number_adds_a_licensed_program():
    application = ApplicationFactory()
    data = {
        "program": None,
        "new_program_name": "Maple House",
        "new_program_type": Program.ProgramType.CENTER,
        "new_program_license": "LIC-424242",
        "new_program_city": "Salem",
        "new_program_region": Region.objects.get(number=3),
    }
    program = reload(
        services.application_update(application=application, actor=application.created_by, data=data)
    ).program
    assert program.name == "Maple House"
    assert (program.licensure, program.license_number) == (Program.Licensure.LICENSED, "LIC-424242")


# --- application_submit and Tier 1 ----------------------------------------------------------------------


def test_submit_complete_and_qualified_goes_to_review_with_three_reviewers():
    application = ApplicationFactory()
    _, members = committee_with_members(application.program_year, 4)
    make_complete(application)
    result = services.application_submit(application=application, actor=application.created_by)
    application = reload(application)
    assert result.stage == application.stage == Stage.IN_REVIEW
    assert application.submitted_at is not None and application.screened_at is not None
    assert stages(application) == [(Stage.DRAFT, Stage.SUBMITTED), (Stage.SUBMITTED, Stage.IN_REVIEW)]
    checks = ScreeningCheck.objects.filter(application=application)
    # the applicant's 14 rules and the 2 on the Program/Instructional Leader who signed the MOU
    assert checks.count() == 16 and all(c.passed for c in checks)
    assigned = tier2(application)
    # nobody has any load, so the three lowest user ids, deterministically
    assert [a.reviewer for a in assigned] == members[:3]
    assert all(a.status == ReviewAssignment.Status.ASSIGNED for a in assigned)
    assert all(a.rubric == Rubric.objects.get(role="ct", tier=Tier.APPLICATION, is_active=True) for a in assigned)
    assert all(a.due_on == timezone.localdate() + datetime.timedelta(days=14) for a in assigned)
    for member in members[:3]:
        assert [e.subject for e in emails_to(member.email)] == [
            f"[PAC] New application to review: {application.reference}"
        ]
    applicant_subjects = [e.subject for e in emails_to(application.applicant.email)]
    assert applicant_subjects == [
        f"[PAC] We received your application {application.reference}",
        f"[PAC] Your application {application.reference} has passed Tier 1 screening",
    ]
    # the directory now has what the applicant stated
    person = reload(application.applicant)
    assert person.job_role == Person.JobRole.LEAD_TEACHER and person.eec_certification == "ps_lead"
    assert person.years_as_educator == 5 and person.pq_registry_id == "PQ1"


def test_reviewers_are_picked_least_loaded_first_then_by_id():
    application = ApplicationFactory()
    _, (u1, u2, u3, u4) = committee_with_members(application.program_year, 4)
    rubric = services.rubric_for("ct", Tier.APPLICATION)
    elsewhere = ApplicationFactory()
    # u1 has an open review elsewhere; u3's finished review is not load
    ReviewAssignment.objects.create(application=elsewhere, reviewer=u1, rubric=rubric)
    ReviewAssignment.objects.create(
        application=elsewhere, reviewer=u3, rubric=rubric, status=ReviewAssignment.Status.SUBMITTED
    )
    make_in_review(application, members=[u1, u2, u3, u4])
    assert [a.reviewer for a in tier2(application)] == [u2, u3, u4]
    # now everyone has one open review: ties go to the lowest ids
    second, _ = make_in_review(members=[u1, u2, u3, u4])
    assert [a.reviewer for a in tier2(second)] == [u1, u2, u3]


def test_the_applicant_never_reviews_their_own_application():
    application = ApplicationFactory()
    committee, members = committee_with_members(application.program_year, 3)
    CommitteeMemberFactory(committee=committee, user=application.created_by)
    make_in_review(application, members=members)
    reviewers = [a.reviewer for a in tier2(application)]
    assert application.created_by not in reviewers and reviewers == members


def test_submit_incomplete_waits_in_submitted():
    application = ApplicationFactory()
    committee_with_members(application.program_year, 3)
    services.application_submit(application=application, actor=application.created_by)
    application = reload(application)
    assert application.stage == Stage.SUBMITTED
    failing = set(ScreeningCheck.objects.filter(application=application, passed=False).values_list("rule", flat=True))
    assert failing == {"complete_mou", "complete_recommendations"}
    assert not tier2(application)


def test_submit_unqualified_is_screened_out_and_told_why(django_capture_on_commit_callbacks):
    application = make_complete(ApplicationFactory(years_as_educator=1))
    committee_with_members(application.program_year, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=application.created_by)
    application = reload(application)
    assert application.stage == Stage.SCREENED_OUT
    assert not tier2(application)
    unmet = ScreeningCheck.objects.get(application=application, passed=False)
    assert unmet.rule == "three_years_as_educator"
    [email] = [m for m in mail.outbox if "minimum qualifications not met" in m.subject]
    assert email.to == [application.applicant.email]
    assert "CT requires at least three years as an educator; the application states 1." in email.body
    assert "this minimum requirement" in email.body


def test_submit_twice_is_refused():
    application = ApplicationFactory()
    services.application_submit(application=application, actor=application.created_by)
    with refused("has been submitted; it can no longer be edited"):
        services.application_submit(application=application, actor=application.created_by)
    assert ApplicationEvent.objects.filter(application=application, to_stage=Stage.SUBMITTED).count() == 1


def test_submit_without_a_statement_is_refused():
    application = ApplicationFactory(statement="   ")
    with refused("nothing has been submitted. Still needed: Statement of areas of expertise."):
        services.application_submit(application=application, actor=application.created_by)
    assert reload(application).stage == Stage.DRAFT


# --- recommendations -------------------------------------------------------------------------------------


def test_a_relationship_the_role_does_not_allow_is_refused():
    application = ApplicationFactory()
    with refused(
        "For a Consultant Teacher the recommender must be: professional peer, family from the program, "
        "support group member."
    ):
        services.recommendation_add(
            application=application,
            actor=application.created_by,
            name="Co Worker",
            email="cw@example.org",
            relationship="coworker",
        )
    assert not Recommendation.objects.exists()


def test_recommending_yourself_is_refused():
    application = ApplicationFactory()
    with refused("You cannot recommend yourself"):
        services.recommendation_add(
            application=application,
            actor=application.created_by,
            name="Me",
            email=f"  {application.applicant.email.upper()} ",
            relationship="professional_peer",
        )
    assert not Recommendation.objects.exists()


def test_adding_a_recommender_emails_them_a_personal_link(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = services.recommendation_add(
            application=application,
            actor=application.created_by,
            name=" Pat Peer ",
            email="Pat@Example.org",
            relationship="professional_peer",
        )
    recommendation = reload(recommendation)
    assert (recommendation.name, recommendation.email) == ("Pat Peer", "pat@example.org")
    assert recommendation.status == Recommendation.Status.REQUESTED and recommendation.sent_count == 1
    expected_expiry = timezone.now() + datetime.timedelta(days=21)
    assert abs(recommendation.token_expires_at - expected_expiry) < datetime.timedelta(minutes=1)
    [sent] = mail.outbox
    assert sent.to == ["pat@example.org"]
    assert application.applicant.full_name in sent.subject
    token = re.search(r"/applications/r/([A-Za-z0-9_\-]+)/", sent.body).group(1)
    assert hash_token(token) == recommendation.token_hash  # the link carries the token; only its hash is stored
    assert services.recommendation_for_token(token) == recommendation


def test_recommenders_cannot_be_added_once_in_review():
    application, _ = make_in_review()
    with refused("its recommendations and MOU can no longer change"):
        services.recommendation_add(
            application=application,
            actor=application.created_by,
            name="Late",
            email="late@example.org",
            relationship="professional_peer",
        )


def _requested(application=None, email="peer@example.org") -> tuple[Recommendation, str]:
    application = application or ApplicationFactory()
    recommendation = services.recommendation_add(
        application=application,
        actor=application.created_by,
        name="Pat Peer",
        email=email,
        relationship="professional_peer",
    )
    return recommendation, link_token(email, "r")


def test_an_unknown_link_is_404():
    with pytest.raises(LinkError) as info:
        services.recommendation_for_token("not-a-real-token")
    assert info.value.status == 404
    with pytest.raises(LinkError) as info:
        services.recommendation_receive(token="not-a-real-token", letter_text="Hello")
    assert info.value.status == 404


def test_an_expired_link_is_410():
    recommendation, token = _requested()
    Recommendation.objects.filter(pk=recommendation.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(LinkError) as info:
        services.recommendation_for_token(token)
    assert info.value.status == 410 and "expired" in str(info.value)
    with pytest.raises(LinkError):
        services.recommendation_receive(token=token, letter_text="Too late")
    assert reload(recommendation).status == Recommendation.Status.REQUESTED


def test_a_link_works_once():
    recommendation, token = _requested()
    services.recommendation_receive(token=token, letter_text="  She is an excellent coach.  ")
    recommendation = reload(recommendation)
    assert recommendation.status == Recommendation.Status.RECEIVED and recommendation.received_at is not None
    assert recommendation.letter_text == "She is an excellent coach."
    assert recommendation.token_hash is None
    with pytest.raises(LinkError) as info:
        services.recommendation_receive(token=token, letter_text="Again")
    assert info.value.status == 404
    assert reload(recommendation).letter_text == "She is an excellent coach."


def test_an_empty_letter_is_refused_and_the_link_still_works():
    recommendation, token = _requested()
    with refused("Write your letter in the box or upload it"):
        services.recommendation_receive(token=token, letter_text="   ")
    assert reload(recommendation).status == Recommendation.Status.REQUESTED
    services.recommendation_receive(token=token, letter_file=ContentFile(PDF_BYTES, name="letter.pdf"))
    recommendation = reload(recommendation)
    assert recommendation.status == Recommendation.Status.RECEIVED and recommendation.letter_filename == "letter.pdf"


def test_resending_issues_a_new_link_and_the_old_one_stops_working():
    recommendation, old = _requested()
    services.recommendation_send(recommendation=recommendation, actor=None)
    new = link_token("peer@example.org", "r")
    assert new != old
    with pytest.raises(LinkError) as info:
        services.recommendation_for_token(old)
    assert info.value.status == 404
    assert services.recommendation_for_token(new) == recommendation
    assert reload(recommendation).sent_count == 2
    services.recommendation_receive(token=new, letter_text="Recommended.")
    with refused("is received; there is nothing to send"):
        services.recommendation_send(recommendation=recommendation, actor=None)


def test_a_link_for_a_withdrawn_application_is_no_longer_needed():
    recommendation, token = _requested()
    services.application_withdraw(application=recommendation.application, actor=recommendation.application.created_by)
    with pytest.raises(LinkError) as info:
        services.recommendation_for_token(token)
    assert info.value.status == 410 and "no longer needed" in str(info.value)


def test_cancelling_a_recommendation_kills_its_link_but_a_received_one_stays():
    recommendation, token = _requested()
    services.recommendation_cancel(recommendation=recommendation, actor=recommendation.application.created_by)
    assert reload(recommendation).status == Recommendation.Status.CANCELLED
    with pytest.raises(LinkError) as info:
        services.recommendation_for_token(token)
    assert info.value.status == 404
    received, token = _requested(recommendation.application, email="second@example.org")
    services.recommendation_receive(token=token, letter_text="Recommended.")
    with refused("A received recommendation cannot be replaced."):
        services.recommendation_cancel(recommendation=received, actor=received.application.created_by)
    assert reload(received).status == Recommendation.Status.RECEIVED


def test_the_last_missing_letter_rescreens_and_moves_the_application_to_review():
    application = ApplicationFactory()
    _, members = committee_with_members(application.program_year, 3)
    RecommendationFactory(application=application, received=True)
    MOUFactory(application=application, signed=True)
    services.application_submit(application=application, actor=application.created_by)
    assert reload(application).stage == Stage.SUBMITTED
    _, token = _requested(application)
    services.recommendation_receive(token=token, letter_text="A wonderful colleague.")
    application = reload(application)
    assert application.stage == Stage.IN_REVIEW
    assert [a.reviewer for a in tier2(application)] == members
    assert ScreeningCheck.objects.get(application=application, rule="complete_recommendations").passed


# --- MOU ---------------------------------------------------------------------------------------------------


def _mou_requested(application=None, email="Director@Example.org") -> tuple[MOU, str]:
    application = application or ApplicationFactory()
    mou = services.mou_request(
        application=application,
        actor=application.created_by,
        signer_name=" Dana Director ",
        signer_email=email,
        signer_title="Director",
    )
    return mou, link_token(email, "m")


def test_requesting_an_mou_emails_the_signer_a_link():
    mou, token = _mou_requested()
    mou = reload(mou)
    assert mou.status == MOU.Status.REQUESTED and mou.sent_count == 1
    assert (mou.signer_name, mou.signer_email) == ("Dana Director", "director@example.org")
    assert mou.template == MOUTemplate.objects.get(role="ct", version=1)
    assert hash_token(token) == mou.token_hash
    assert services.mou_for_token(token) == mou
    [email] = emails_to("director@example.org")
    assert mou.application.applicant.full_name in email.subject


def test_an_mou_signer_known_to_the_directory_is_linked():
    leader = PersonFactory(email="known.leader@example.org")
    mou, _ = _mou_requested(email="Known.Leader@example.org")
    assert mou.signer_person == leader


def test_the_applicant_cannot_sign_their_own_mou():
    application = ApplicationFactory()
    with refused("must be signed by your Program/Instructional Leader or supervisor, not you"):
        services.mou_request(
            application=application,
            actor=application.created_by,
            signer_name="Me",
            signer_email=application.applicant.email,
        )
    assert not MOU.objects.exists()


def test_requesting_again_supersedes_the_earlier_mou():
    application = ApplicationFactory()
    first, old = _mou_requested(application, email="first@example.org")
    second, new = _mou_requested(application, email="second@example.org")
    assert reload(first).status == MOU.Status.SUPERSEDED and reload(first).token_hash is None
    assert reload(second).status == MOU.Status.REQUESTED
    with pytest.raises(LinkError) as info:
        services.mou_for_token(old)
    assert info.value.status == 404
    assert services.mou_for_token(new) == second


def test_signing_records_the_signature_and_the_exact_text():
    mou, token = _mou_requested()
    applicant = mou.application.applicant
    signed = services.mou_sign(
        mou=services.mou_for_token(token),
        signature_name="  Dana   Director ",
        confirmed=True,
        ip="203.0.113.9",
        user_agent="Firefox",
    )
    signed = reload(signed)
    assert signed.status == MOU.Status.SIGNED
    assert signed.signature_name == "Dana Director"
    assert signed.signed_at is not None and signed.signed_ip == "203.0.113.9"
    assert signed.signed_user_agent == "Firefox"
    assert signed.template.version == 1 and signed.template.role == "ct"
    assert applicant.full_name in signed.signed_text
    assert mou.application.reference in signed.signed_text and "{" not in signed.signed_text
    assert signed.token_hash is None
    with pytest.raises(LinkError) as info:
        services.mou_for_token(token)
    assert info.value.status == 404
    # the signer is now in the directory, as a director of the applicant's program
    assert signed.signer_person.email == "director@example.org"
    assert signed.signer_person.program == mou.application.program


def test_signing_needs_the_box_ticked_and_a_full_name():
    mou, _ = _mou_requested()
    with refused("Tick the box to confirm"):
        services.mou_sign(mou=mou, signature_name="Dana Director", confirmed=False, ip=None)
    with refused("Type your full name to sign."):
        services.mou_sign(mou=mou, signature_name=" D ", confirmed=True, ip=None)
    assert reload(mou).status == MOU.Status.REQUESTED


def test_a_signed_mou_cannot_be_changed():
    mou, _ = _mou_requested()
    services.mou_sign(mou=mou, signature_name="Dana Director", confirmed=True, ip="203.0.113.9")
    mou = reload(mou)
    mou.save()  # saving it unchanged is fine
    mou.signer_name = "Someone Else"
    with pytest.raises(ValidationError, match="A signed MOU cannot be changed"):
        mou.save()
    assert reload(mou).signer_name == "Dana Director"
    with refused("The MOU is already signed. A signed MOU cannot be changed."):
        services.mou_request(
            application=mou.application,
            actor=mou.application.created_by,
            signer_name="Other",
            signer_email="other@example.org",
        )
    with pytest.raises(LinkError):
        services.mou_decline(mou=mou, reason="Changed my mind")


def test_declining_needs_a_reason_and_tells_the_applicant():
    application = make_complete(ApplicationFactory())
    MOU.objects.filter(application=application).update(status=MOU.Status.SUPERSEDED)
    services.application_submit(application=application, actor=application.created_by)
    mou, _ = _mou_requested(application)
    with refused("Please say why you are declining"):
        services.mou_decline(mou=mou, reason="   ")
    assert reload(mou).status == MOU.Status.REQUESTED
    services.mou_decline(mou=mou, reason="We cannot release her for the meetings.")
    mou = reload(mou)
    assert mou.status == MOU.Status.DECLINED and mou.declined_at is not None and mou.token_hash is None
    assert mou.decline_reason == "We cannot release her for the meetings."
    [email] = [e for e in emails_to(application.applicant.email) if "declined" in e.subject]
    assert "We cannot release her for the meetings." in email.body_text
    check = ScreeningCheck.objects.get(application=application, rule="complete_mou")
    assert not check.passed and "declined" in check.message
    assert reload(application).stage == Stage.SUBMITTED


@pytest.mark.parametrize("role", ["ct", "mentee"])
def test_staff_can_waive_the_mou_for_cts_and_mentees(role, staff):
    application = ApplicationFactory(role=role)
    with refused("Give the reason the MOU does not apply."):
        services.mou_waive(application=application, actor=staff, reason=" ")
    mou = services.mou_waive(application=application, actor=staff, reason="Independent educator, no leader")
    mou = reload(mou)
    assert mou.status == MOU.Status.WAIVED and mou.waived_by == staff and mou.waived_at is not None
    assert mou.waived_reason == "Independent educator, no leader"
    with refused("The MOU is already not applicable."):
        services.mou_waive(application=application, actor=staff, reason="Again")


def test_waiving_supersedes_a_requested_mou(staff):
    mou, token = _mou_requested()
    services.mou_waive(application=mou.application, actor=staff, reason="Independent educator")
    assert reload(mou).status == MOU.Status.SUPERSEDED
    with pytest.raises(LinkError):
        services.mou_for_token(token)


@pytest.mark.parametrize(("role", "label"), [("ca", "Consultant Administrator"), ("ma", "Mentee Administrator")])
def test_the_mou_cannot_be_waived_for_administrators(role, label, staff):
    application = ApplicationFactory(role=role)
    with refused(f"A {label} must have a signed MOU from their supervisor; it cannot be marked not applicable."):
        services.mou_waive(application=application, actor=staff, reason="No supervisor")
    assert not MOU.objects.exists()


def test_a_waived_mou_completes_a_submitted_application(staff):
    application = ApplicationFactory()
    committee_with_members(application.program_year, 3)
    RecommendationFactory.create_batch(2, application=application, received=True)
    services.application_submit(application=application, actor=application.created_by)
    assert reload(application).stage == Stage.SUBMITTED
    services.mou_waive(application=application, actor=staff, reason="Independent educator, no leader")
    assert reload(application).stage == Stage.IN_REVIEW


# --- screening override ----------------------------------------------------------------------------------


def _screened_out(**kwargs) -> tuple[Application, ScreeningCheck]:
    application = make_complete(ApplicationFactory(years_as_educator=1, **kwargs))
    services.application_submit(application=application, actor=application.created_by)
    assert reload(application).stage == Stage.SCREENED_OUT
    return application, ScreeningCheck.objects.get(application=application, rule="three_years_as_educator")


def test_an_override_needs_a_justification(staff):
    _, check = _screened_out()
    with refused("Write a justification (at least a sentence)"):
        services.screening_override(check=check, actor=staff, justification="  ok fine ")
    assert not reload(check).overridden


def test_an_override_moves_a_screened_out_application_on_to_review(staff):
    application, check = _screened_out()
    _, members = committee_with_members(application.program_year, 3)
    services.screening_override(
        check=check, actor=staff, justification="Eight years as an assistant count; confirmed by phone."
    )
    check = reload(check)
    assert check.overridden and check.overridden_by == staff and check.satisfied and not check.passed
    application = reload(application)
    assert application.stage == Stage.IN_REVIEW
    assert stages(application)[-2:] == [(Stage.SCREENED_OUT, Stage.SUBMITTED), (Stage.SUBMITTED, Stage.IN_REVIEW)]
    assert [a.reviewer for a in tier2(application)] == members


def test_an_override_of_an_incomplete_application_waits_in_submitted(staff):
    application = ApplicationFactory(years_as_educator=1)
    services.application_submit(application=application, actor=application.created_by)
    check = ScreeningCheck.objects.get(application=application, rule="three_years_as_educator")
    services.screening_override(check=check, actor=staff, justification="Experience confirmed with the director.")
    assert reload(application).stage == Stage.SUBMITTED


def test_overriding_a_passed_rule_is_refused(staff):
    application, _ = _screened_out()
    passed = ScreeningCheck.objects.get(application=application, rule="has_technology")
    with refused("This requirement is met; there is nothing to override."):
        services.screening_override(check=passed, actor=staff, justification="No reason at all, really.")


# --- Tier 2: conflicts, scores, submission ---------------------------------------------------------------


def test_a_conflict_recuses_the_reviewer_and_another_member_is_assigned():
    application = ApplicationFactory()
    _, members = committee_with_members(application.program_year, 4)
    make_in_review(application, members=members)
    first = tier2(application)[0]
    with refused("Briefly describe the conflict"):
        services.assignment_declare_conflict(assignment=first, has_conflict=True, reason="  ")
    services.assignment_declare_conflict(assignment=first, has_conflict=True, reason="I supervise the applicant")
    first = reload(first)
    assert first.status == ReviewAssignment.Status.RECUSED and first.has_conflict
    assert first.conflict_reason == "I supervise the applicant"
    active = tier2(application, *ReviewAssignment.ACTIVE)
    assert [a.reviewer for a in active] == members[1:]
    with refused("You have already declared whether you have a conflict of interest."):
        services.assignment_declare_conflict(assignment=first, has_conflict=False)


def test_no_conflict_opens_the_review_and_cannot_be_declared_twice():
    application, _ = make_in_review()
    assignment = tier2(application)[0]
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    assert reload(assignment).status == ReviewAssignment.Status.IN_PROGRESS
    with refused("You have already declared whether you have a conflict of interest."):
        services.assignment_declare_conflict(assignment=assignment, has_conflict=True, reason="Second thoughts")
    assert reload(assignment).status == ReviewAssignment.Status.IN_PROGRESS


def test_scores_must_be_whole_numbers_from_one_to_five():
    application, _ = make_in_review()
    assignment = tier2(application)[0]
    criterion = assignment.rubric.criteria.first()
    with refused("This review is locked"):  # conflict of interest not yet declared
        services.score_save(assignment=assignment, criterion=criterion, value=3)
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    for value in (0, 6):
        with refused("Scores are whole numbers from 1 to 5."):
            services.score_save(assignment=assignment, criterion=criterion, value=value)
    assert not Score.objects.exists()
    services.score_save(assignment=assignment, criterion=criterion, value=2, comment=" thin ")
    services.score_save(assignment=assignment, criterion=criterion, value=4)
    score = Score.objects.get(assignment=assignment, criterion=criterion)
    assert score.value == 4


def test_a_criterion_of_another_rubric_is_refused():
    application, _ = make_in_review()
    assignment = tier2(application)[0]
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    other = Criterion.objects.filter(rubric__role="mentee").first()
    with refused("That criterion is not part of this review's rubric."):
        services.score_save(assignment=assignment, criterion=other, value=3)


def test_submitting_with_criteria_unscored_is_refused_with_their_names():
    application, _ = make_in_review()
    assignment = tier2(application)[0]
    services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    criteria = list(assignment.rubric.criteria.all())
    services.score_save(assignment=assignment, criterion=criteria[0], value=4)
    services.score_save(assignment=assignment, criterion=criteria[1], value=None)
    names = ", ".join(c.name for c in criteria[1:])
    with refused(f"Score every criterion before submitting. Still to score: {names}."):
        services.assignment_submit(assignment=assignment)
    assert reload(assignment).status == ReviewAssignment.Status.IN_PROGRESS


def test_a_submitted_review_is_locked():
    application, _ = make_in_review()
    assignment = submit_review(tier2(application)[0], value=4)
    assignment = reload(assignment)
    assert assignment.status == ReviewAssignment.Status.SUBMITTED and assignment.is_locked
    assert assignment.submitted_at is not None and assignment.comment == "Solid application."
    criterion = assignment.rubric.criteria.first()
    with refused("This review is locked: it has been submitted, or you were recused."):
        services.score_save(assignment=assignment, criterion=criterion, value=1)
    with refused("This review is locked"):
        services.assignment_submit(assignment=assignment)
    assert Score.objects.get(assignment=assignment, criterion=criterion).value == 4


def test_screening_cannot_be_overridden_once_review_has_begun(staff):
    application, check = _screened_out()
    committee_with_members(application.program_year, 3)
    services.screening_override(check=check, actor=staff, justification="Experience confirmed with the director.")
    assert reload(application).stage == Stage.IN_REVIEW
    with refused("Screening can be overridden only before Tier 2 review begins."):
        services.screening_override(check=check, actor=staff, justification="A second look at the same rule.")


def test_staff_can_add_and_remove_reviewers(staff):
    application, members = make_in_review()
    extra = UserFactory()
    with refused("Applicants cannot review their own application."):
        services.assignment_add(application=application, reviewer=application.created_by, actor=staff)
    with refused("is already assigned to (or recused from) this application."):
        services.assignment_add(application=application, reviewer=members[0], actor=staff)
    added = services.assignment_add(application=application, reviewer=extra, actor=staff)
    assert added.status == ReviewAssignment.Status.ASSIGNED and added.assigned_by == staff
    assert len(tier2(application, *ReviewAssignment.ACTIVE)) == 4
    services.assignment_remove(assignment=added, actor=staff)
    assert reload(added).status == ReviewAssignment.Status.WITHDRAWN
    done = submit_review(tier2(application)[0])
    with refused("Only a review that has not been submitted can be removed."):
        services.assignment_remove(assignment=done, actor=staff)
    draft = ApplicationFactory()
    with refused("Reviewers can be assigned only while the application is in review."):
        services.assignment_add(application=draft, reviewer=extra, actor=staff)


# --- Tier 3 -----------------------------------------------------------------------------------------------


def test_advancing_to_interview_needs_three_submitted_reviews(staff):
    application, _ = make_in_review()
    first, second, third = tier2(application)
    submit_review(first)
    submit_review(second)
    with refused(f"{application.reference} has fewer than 3 submitted reviews; finish Tier 2 first."):
        services.application_advance_to_interview(application=application, actor=staff)
    assert reload(application).stage == Stage.IN_REVIEW
    submit_review(third)
    services.application_advance_to_interview(application=application, actor=staff)
    assert reload(application).stage == Stage.INTERVIEW
    assert any("Please choose an interview time" in e.subject for e in emails_to(application.applicant.email))


def test_advancing_from_a_wrong_stage_is_refused(staff):
    application = ApplicationFactory()
    services.application_submit(application=application, actor=application.created_by)
    with refused("cannot move to “Tier 3: interview” from there"):
        services.application_advance_to_interview(application=application, actor=staff)


def test_mentees_cannot_skip_the_interview(staff):
    application, _ = make_in_review(role="mentee")
    finish_tier2(application)
    with refused("Mentees are interviewed; Tier 3 cannot be skipped for them."):
        services.application_skip_interview(application=application, actor=staff, reason="Strong reviews")
    assert reload(application).stage == Stage.IN_REVIEW


def test_a_ct_can_skip_the_interview_once_tier2_is_done(staff):
    application, _ = make_in_review()
    submit_review(tier2(application)[0])
    with refused("has fewer than 3 submitted reviews"):
        services.application_skip_interview(application=application, actor=staff, reason="Strong reviews")
    finish_tier2(application)
    services.application_skip_interview(application=application, actor=staff, reason="Strong reviews")
    application = reload(application)
    assert application.stage == Stage.AWAITING_DECISION
    assert application.tier3_not_needed_reason == "Strong reviews"


def test_booking_needs_a_panel_of_three(staff):
    application = make_interview(staff)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(2))
    with refused("An interview panel needs at least three people"):
        services.slot_book(slot=slot, application=application, actor=staff)
    assert reload(slot).application is None


def test_booking_is_refused_before_the_interview_stage_and_for_past_slots(staff):
    application, _ = make_in_review()
    slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(3))
    with refused("is not at the interview stage"):
        services.slot_book(slot=slot, application=application, actor=staff)
    finish_tier2(application)
    services.application_advance_to_interview(application=application, actor=staff)
    past = InterviewSlotFactory(
        program_year=application.program_year,
        panel=UserFactory.create_batch(3),
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    with refused("That interview slot is in the past"):
        services.slot_book(slot=past, application=application, actor=staff)


def test_booking_assigns_the_panel_and_emails_a_calendar_invitation(staff, django_capture_on_commit_callbacks):
    application = make_interview(staff)
    panel = UserFactory.create_batch(3)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=panel)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_book(slot=slot, application=application, actor=staff)
    slot = reload(slot)
    assert slot.application == application and slot.booked_at is not None
    tier3 = ReviewAssignment.objects.filter(application=application, tier=Tier.INTERVIEW)
    assert {a.reviewer for a in tier3} == set(panel)
    assert all(a.rubric == Rubric.objects.get(role="ct", tier=Tier.INTERVIEW, is_active=True) for a in tier3)
    assert all(a.status == ReviewAssignment.Status.ASSIGNED for a in tier3)
    # the applicant and the panel each get the invitation (tests/applications/test_interview_invitations.py)
    email = next(e for e in mail.outbox if e.to == [application.applicant.email])
    assert email.subject.startswith("[PAC] Your PAC interview:")
    [(filename, content, mimetype)] = email.attachments
    content = content.decode() if isinstance(content, bytes) else content
    assert filename == "pac-interview.ics" and mimetype == "text/calendar"
    assert content.startswith("BEGIN:VCALENDAR\r\n") and content.rstrip().endswith("END:VCALENDAR")
    assert f"UID:pac-interview-{application.pk}@" in content
    assert "DTSTART:" + slot.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ") in content
    [panel_email] = [e for e in mail.outbox if e is not email]
    assert sorted(panel_email.to) == sorted(u.email for u in panel)


def test_rebooking_frees_the_first_slot_and_moves_the_reviews_to_the_new_panel(staff):
    application = make_interview(staff)
    first_panel, second_panel = UserFactory.create_batch(3), UserFactory.create_batch(3)
    first = InterviewSlotFactory(program_year=application.program_year, panel=first_panel)
    second = InterviewSlotFactory(
        program_year=application.program_year, panel=second_panel, starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    services.slot_book(slot=first, application=application, actor=staff)
    services.slot_book(slot=second, application=application, actor=staff)
    assert reload(first).application is None and reload(second).application == application
    active = ReviewAssignment.objects.filter(
        application=application, tier=Tier.INTERVIEW, status__in=ReviewAssignment.ACTIVE
    )
    assert {a.reviewer for a in active} == set(second_panel)
    for assignment in active:
        submit_review(assignment)
    assert reload(application).stage == Stage.AWAITING_DECISION


def test_rebooking_after_a_panel_member_opened_their_review_still_completes(staff):
    """Regression: the previous panel's opened (in-progress) Tier 3 reviews are withdrawn too."""
    application = make_interview(staff)
    first_panel, second_panel = UserFactory.create_batch(3), UserFactory.create_batch(3)
    first = InterviewSlotFactory(program_year=application.program_year, panel=first_panel)
    second = InterviewSlotFactory(
        program_year=application.program_year, panel=second_panel, starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    services.slot_book(slot=first, application=application, actor=staff)
    opened = ReviewAssignment.objects.filter(application=application, tier=Tier.INTERVIEW).first()
    services.assignment_declare_conflict(assignment=opened, has_conflict=False)  # the old panel member opens it
    services.slot_book(slot=second, application=application, actor=staff)
    for assignment in ReviewAssignment.objects.filter(
        application=application, tier=Tier.INTERVIEW, reviewer__in=second_panel
    ):
        submit_review(assignment)
    assert reload(application).stage == Stage.AWAITING_DECISION
    assert reload(opened).status not in ReviewAssignment.ACTIVE


def test_a_slot_taken_by_another_application_is_refused(staff):
    _, members = committee_with_members(ProgramYearFactory(**open_window()), 3)
    first = make_interview(staff, members=members)
    second = make_interview(staff, members=members)
    slot = InterviewSlotFactory(program_year=first.program_year, panel=UserFactory.create_batch(3))
    services.slot_book(slot=slot, application=first, actor=staff)
    with refused("That interview slot has just been taken; choose another."):
        services.slot_book(slot=slot, application=second, actor=staff)
    assert reload(slot).application == first


def test_when_the_panel_has_scored_the_interview_it_awaits_a_decision(staff):
    application = make_interview(staff)
    slot = InterviewSlotFactory(program_year=application.program_year, panel=UserFactory.create_batch(3))
    services.slot_book(slot=slot, application=application, actor=staff)
    first, second, third = ReviewAssignment.objects.filter(application=application, tier=Tier.INTERVIEW)
    submit_review(first)
    submit_review(second)
    assert reload(application).stage == Stage.INTERVIEW
    submit_review(third)
    application = reload(application)
    assert application.stage == Stage.AWAITING_DECISION
    assert stages(application)[-1] == (Stage.INTERVIEW, Stage.AWAITING_DECISION)


# --- decisions ---------------------------------------------------------------------------------------------


def test_accepting_records_the_applicant_and_the_mou_signer(staff, django_capture_on_commit_callbacks):
    application = make_awaiting_decision(staff)
    mou = MOU.objects.get(application=application, status=MOU.Status.SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, actor=staff, decision="accepted", note=" Welcome ")
    application = reload(application)
    assert application.stage == Stage.ACCEPTED
    assert application.decided_by == staff and application.decided_at is not None
    assert application.decision_note == "Welcome"
    participation = Participation.objects.active().get(person=application.applicant)
    assert participation.role == ProgramRole.CT and participation.program_year == application.program_year
    assert participation.source == Participation.Source.APPLICATION
    assert participation.source_reference == application.reference
    assert participation.region == application.program.region
    leader = Participation.objects.active().get(person=mou.signer_person)
    assert leader.role == ProgramRole.LEADER and leader.source == Participation.Source.MOU
    assert leader.source_reference == application.reference
    assert any("you have been accepted as a Consultant Teacher" in m.subject for m in mail.outbox)


def test_accepting_an_administrator_makes_the_signer_a_supervisor(staff):
    application = make_awaiting_decision(staff, role="ca", eec_certification="director_1", years_supervising=5)
    services.application_decide(application=application, actor=staff, decision="accepted")
    signer = MOU.objects.get(application=application, status=MOU.Status.SIGNED).signer_person
    assert Participation.objects.active().get(person=application.applicant).role == ProgramRole.CA
    assert Participation.objects.active().get(person=signer).role == ProgramRole.SUPERVISOR


def test_waitlisted_then_promoted(staff):
    application = make_awaiting_decision(staff)
    services.application_decide(application=application, actor=staff, decision="waitlisted")
    assert reload(application).stage == Stage.WAITLISTED
    assert not Participation.objects.filter(person=application.applicant).exists()
    services.application_decide(application=application, actor=staff, decision="accepted")
    application = reload(application)
    assert application.stage == Stage.ACCEPTED
    assert ApplicationEvent.objects.filter(application=application).last().note == "Promoted from the waitlist"
    assert Participation.objects.active().get(person=application.applicant).role == ProgramRole.CT


def test_declining(staff):
    application = make_awaiting_decision(staff)
    services.application_decide(application=application, actor=staff, decision="declined")
    assert reload(application).stage == Stage.DECLINED
    assert not Participation.objects.filter(person=application.applicant).exists()
    with refused("cannot move to “Accepted” from there"):
        services.application_decide(application=application, actor=staff, decision="accepted")


def test_deciding_from_a_wrong_stage_is_refused(staff):
    application, _ = make_in_review()
    with refused(
        f"Application {application.reference} is “Tier 2: committee review”; it cannot move to “Accepted” from there."
    ):
        services.application_decide(application=application, actor=staff, decision="accepted")
    assert reload(application).stage == Stage.IN_REVIEW
    assert not Participation.objects.exists()


@pytest.mark.parametrize("decision", ["maybe", "withdrawn", ""])
def test_a_bad_decision_value_is_refused(staff, decision):
    application = make_awaiting_decision(staff)
    with refused("Choose accept, waitlist or decline."):
        services.application_decide(application=application, actor=staff, decision=decision)
    assert reload(application).stage == Stage.AWAITING_DECISION


def test_bulk_decisions_collect_refusals_without_undoing_the_others(staff):
    _, members = committee_with_members(ProgramYearFactory(**open_window()), 3)
    ready = [make_awaiting_decision(staff, members=members) for _ in range(2)]
    not_ready, _ = make_in_review(members=members)
    done, errors = services.applications_decide_bulk(
        applications=[ready[0], not_ready, ready[1]], actor=staff, decision="accepted"
    )
    assert [a.pk for a in done] == [ready[0].pk, ready[1].pk]
    assert len(errors) == 1 and not_ready.reference in errors[0]
    assert [reload(a).stage for a in ready] == [Stage.ACCEPTED, Stage.ACCEPTED]
    assert reload(not_ready).stage == Stage.IN_REVIEW


# --- withdrawal -----------------------------------------------------------------------------------------


def test_withdrawing_an_accepted_application_ends_the_participation(staff):
    application = make_awaiting_decision(staff)
    services.application_decide(application=application, actor=staff, decision="accepted")
    services.application_withdraw(application=application, actor=application.created_by, reason="Moving away")
    application = reload(application)
    assert application.stage == Stage.WITHDRAWN and application.withdrawn_reason == "Moving away"
    participation = Participation.objects.get(person=application.applicant)
    assert participation.ended_on == timezone.localdate() and participation.end_reason == "Application withdrawn"
    assert not Participation.objects.active().filter(person=application.applicant).exists()


def test_withdrawing_during_review_withdraws_the_open_reviews():
    application, _ = make_in_review()
    done = submit_review(tier2(application)[0])
    services.application_withdraw(application=application, actor=application.created_by)
    statuses = {a.pk: a.status for a in tier2(application)}
    assert statuses.pop(done.pk) == ReviewAssignment.Status.SUBMITTED
    assert set(statuses.values()) == {ReviewAssignment.Status.WITHDRAWN}


def test_a_withdrawn_application_cannot_be_withdrawn_again():
    application = ApplicationFactory()
    services.application_withdraw(application=application, actor=application.created_by)
    with refused("is “Withdrawn”; it cannot move to “Withdrawn” from there."):
        services.application_withdraw(application=application, actor=application.created_by)
    assert ApplicationEvent.objects.filter(application=application, to_stage=Stage.WITHDRAWN).count() == 1


def test_a_declined_application_cannot_be_withdrawn(staff):
    application = make_awaiting_decision(staff)
    services.application_decide(application=application, actor=staff, decision="declined")
    with refused("cannot move to “Withdrawn” from there"):
        services.application_withdraw(application=application, actor=application.created_by)


def test_program_years_other_than_the_applications_are_refused_for_slots(staff):
    application = make_interview(staff)
    other_year = ProgramYearFactory(
        name="2030–31",
        starts_on=datetime.date(2030, 9, 1),
        ends_on=datetime.date(2031, 8, 31),
        applications_open_on=datetime.date(2030, 3, 1),
        applications_close_on=datetime.date(2030, 6, 30),
    )
    slot = InterviewSlotFactory(program_year=other_year, panel=UserFactory.create_batch(3))
    with refused("That interview slot belongs to another program year."):
        services.slot_book(slot=slot, application=application, actor=staff)


def test_withdrawing_ends_the_leaders_role_only_when_they_support_no_one_else(program_year):
    from applications.models import Stage
    from pac.models import Participation

    def accepted_with(leader_email):
        application, _ = make_in_review(ApplicationFactory(program_year=program_year))
        mou = application.mous.get(status="signed")
        MOU.objects.filter(pk=mou.pk).update(signer_person=leader, signer_email=leader_email)
        Application.objects.filter(pk=application.pk).update(stage=Stage.AWAITING_DECISION)
        application.refresh_from_db()
        return services.application_decide(application=application, actor=application.created_by, decision="accepted")

    leader = PersonFactory(email="shared.leader@example.org")
    first = accepted_with(leader.email)
    second = accepted_with(leader.email)
    role = Participation.objects.active().get(person=leader, role="leader")
    services.application_withdraw(application=first, actor=first.created_by, reason="moved")
    role.refresh_from_db()
    assert role.ended_on is None and role.source_reference == second.reference
    services.application_withdraw(application=second, actor=second.created_by, reason="moved")
    role.refresh_from_db()
    assert role.ended_on is not None
