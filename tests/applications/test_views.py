"""Applications pages: who may open what (roles × pages), bad input, blind review, query budgets."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import MOU, Application, Recommendation, ReviewAssignment, Stage
from pac.roles import StaffRole
from pac.services import role_grant
from tests.applications.factories import (
    PDF_BYTES,
    ApplicationFactory,
    MOUFactory,
    RecommendationFactory,
    committee_with_members,
    make_in_review,
)
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program_year, staff_user):
    """An application in Tier 2 review with an uploaded letter; three assigned reviewers (one
    recuses, so a fourth member is assigned); an unassigned committee member; another applicant;
    and a leader with an account who has an MOU waiting from a second applicant."""
    _, members = committee_with_members(program_year, 5)
    for member in members:
        role_grant(user=member, role=StaffRole.REVIEWER)
    application, _ = make_in_review(ApplicationFactory(program_year=program_year), members=members)
    letter = application.recommendations.filter(status=Recommendation.Status.RECEIVED).first()
    letter.letter_file.save("letter.pdf", SimpleUploadedFile("letter.pdf", PDF_BYTES), save=False)
    letter.letter_filename = "letter-from-jane.pdf"
    letter.save()
    assignments = list(application.assignments.order_by("reviewer_id"))
    recused = assignments[0]
    services.assignment_declare_conflict(assignment=recused, has_conflict=True, reason="I supervise her")
    assigned = ReviewAssignment.objects.filter(application=application, status="assigned").order_by("pk").first()
    services.assignment_declare_conflict(assignment=assigned, has_conflict=False)
    active_ids = set(
        application.assignments.filter(status__in=ReviewAssignment.ACTIVE).values_list("reviewer_id", flat=True)
    )
    unassigned = next(m for m in members if m.pk not in active_ids and m.pk != recused.reviewer_id)
    other = ApplicationFactory(program_year=program_year)
    leader = UserFactory(email="leader.with.account@example.org")
    pending = ApplicationFactory(program_year=program_year)
    mou = services.mou_request(
        application=pending, actor=pending.created_by, signer_name="Lee Leader", signer_email=leader.email
    )
    return {
        "application": application,
        "letter": letter,
        "assigned": assigned,
        "recused": recused,
        "unassigned": unassigned,
        "other_applicant": other.applicant.user,
        "leader": leader,
        "mou": mou,
        "staff": staff_user,
    }


def _pages(w):
    app = w["application"].reference
    return {
        "applicant detail": reverse("applications:detail", args=[app]),
        "edit": reverse("applications:edit", args=[app]),
        "resume": reverse("applications:resume", args=[app]),
        "letter": reverse("applications:letter", args=[app, w["letter"].pk]),
        "review (assigned)": reverse("applications:review", args=[w["assigned"].pk]),
        "review (recused)": reverse("applications:review", args=[w["recused"].pk]),
        "staff detail": reverse("applications:staff_detail", args=[app]),
        "pipeline": reverse("applications:pipeline"),
        "staff list": reverse("applications:staff_list"),
        "staff list csv": reverse("applications:staff_list") + "?_export=csv",
        "progress": reverse("applications:progress"),
        "results": reverse("applications:results"),
        "decisions": reverse("applications:decisions"),
        "interviews": reverse("applications:interviews"),
        "mou to sign": reverse("applications:mou_sign_mine", args=[w["mou"].pk]),
        "withdraw": reverse("applications:withdraw", args=[app]),
        "interview": reverse("applications:interview_pick", args=[app]),
    }


OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
STAFF_PAGES = [
    "staff detail",
    "pipeline",
    "staff list",
    "staff list csv",
    "progress",
    "results",
    "decisions",
    "interviews",
]


def _expected(role: str) -> dict[str, int]:
    closed = dict.fromkeys(
        [
            "applicant detail",
            "edit",
            "resume",
            "letter",
            "review (assigned)",
            "review (recused)",
            "mou to sign",
            "withdraw",
            "interview",
        ],
        NOT_FOUND,
    )
    closed.update(dict.fromkeys(STAFF_PAGES, FORBIDDEN))
    if role == "applicant":
        # their own checklist; edit is closed after submission (a redirect to the checklist); no letters
        # the interview page sends them back to the checklist until they are at Tier 3
        return {**closed, "applicant detail": OK, "edit": REDIRECT, "resume": OK, "withdraw": OK, "interview": REDIRECT}
    if role == "assigned":
        return {**closed, "resume": OK, "letter": OK, "review (assigned)": OK}
    if role == "recused":
        return {**closed, "review (recused)": OK}  # a page saying they are recused, with no packet
    if role == "leader":
        return {**closed, "mou to sign": OK}
    if role == "staff":
        # staff open the applicant's page as the staff page (redirect), and every staff page;
        # reviews and MOUs belong to their reviewers and signers
        return {**closed, "applicant detail": REDIRECT, "resume": OK, "letter": OK, **dict.fromkeys(STAFF_PAGES, OK)}
    return closed  # another applicant, an unassigned committee member


@pytest.mark.parametrize(
    "role", ["applicant", "other_applicant", "assigned", "recused", "unassigned", "leader", "staff"]
)
def test_roles_by_pages(client, world, role):
    user = {
        "applicant": world["application"].applicant.user,
        "other_applicant": world["other_applicant"],
        "assigned": world["assigned"].reviewer,
        "recused": world["recused"].reviewer,
        "unassigned": world["unassigned"],
        "leader": world["leader"],
        "staff": world["staff"],
    }[role]
    client.force_login(user)
    got = {name: client.get(url).status_code for name, url in _pages(world).items()}
    assert got == _expected(role)


def test_recused_reviewer_sees_no_packet(client, world):
    client.force_login(world["recused"].reviewer)
    page = client.get(reverse("applications:review", args=[world["recused"].pk])).content.decode()
    assert "recused" in page
    assert world["letter"].letter_text not in page
    assert world["application"].statement not in page


def test_applicant_never_sees_letters_or_scores(client, world):
    client.force_login(world["application"].applicant.user)
    page = client.get(reverse("applications:detail", args=[world["application"].reference])).content.decode()
    assert world["letter"].letter_text not in page
    assert "Normalised" not in page and "weighted" not in page.lower()


def test_anonymous_is_sent_to_sign_in_everywhere_but_the_emailed_links(client, world):
    for name, url in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_recommender_link_works_once_without_an_account(client, program_year, django_capture_on_commit_callbacks):
    application = ApplicationFactory(program_year=program_year)
    recommendation = services.recommendation_add(
        application=application,
        actor=application.created_by,
        name="Rae Recommender",
        email="rae@example.org",
        relationship="professional_peer",
    )
    token = _token_for(recommendation)
    url = reverse("applications:recommend", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and application.applicant.full_name in page.content.decode()
    assert client.post(url, {"letter_text": "She is wonderful with children."}).status_code == 200
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RECEIVED
    assert client.get(url).status_code == 404  # used: the token is gone
    assert client.get(reverse("applications:recommend", args=["guessed-token"])).status_code == 404


def _token_for(link) -> str:
    """Issue a known token (the emailed one is never stored)."""
    from pac.workflow import new_token

    token, token_hash = new_token()
    type(link).objects.filter(pk=link.pk).update(token_hash=token_hash)
    return token


def test_a_bad_upload_gets_a_clear_message_and_keeps_the_letter(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    recommendation = RecommendationFactory(application=application, status=Recommendation.Status.REQUESTED)
    services.recommendation_send(recommendation=recommendation, actor=None)
    token = _token_for(recommendation)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    response = client.post(
        reverse("applications:recommend", args=[token]),
        {"letter_text": "My carefully written letter.", "letter_file": fake},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "is not a PDF or Word (.docx) document" in body
    assert "My carefully written letter." in body  # nothing typed is lost
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.REQUESTED


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_resume_upload_accepts_docx_by_content_and_refuses_a_renamed_file(client, program_year):
    application = ApplicationFactory(program_year=program_year, resume="", resume_name="")
    client.force_login(application.applicant.user)
    url = reverse("applications:edit", args=[application.reference])
    form = _edit_form(application)
    bad = SimpleUploadedFile("resume.docx", b"just text pretending", content_type="application/msword")
    response = client.post(url, {**form, "statement": "Kept statement", "resume_upload": bad})
    assert response.status_code == 200
    assert "is not a PDF or Word (.docx) document" in response.content.decode()
    assert "Kept statement" in response.content.decode()
    application.refresh_from_db()
    assert not application.resume
    good = SimpleUploadedFile("My Resume.docx", _docx_bytes())
    response = client.post(url, {**form, "resume_upload": good})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.resume_name == "My Resume.docx"
    assert "My Resume" not in application.resume.name  # stored under a random name


def test_oversized_upload_is_refused(client, program_year, settings):
    application = ApplicationFactory(program_year=program_year, resume="", resume_name="")
    client.force_login(application.applicant.user)
    big = SimpleUploadedFile("resume.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(
        reverse("applications:edit", args=[application.reference]), {**_edit_form(application), "resume_upload": big}
    )
    assert "files can be at most 10 MB" in response.content.decode()


def _edit_form(application: Application) -> dict:
    return {
        "program": application.program_id,
        "program_type": "center",
        "qris_level": "2",
        "qris_status": "self_assessed",
        "job_role": "lead_teacher",
        "highest_degree": "associate",
        "degree_field": "ece",
        "eec_certification": "ps_lead",
        "years_as_educator": "5",
        "pq_registry_id": "PQ1",
        "provides_direct_care": "yes",
        "has_technology": "yes",
        "has_leader_support": "yes",
        "statement": application.statement,
        "program_profile": application.program_profile,
    }


def test_applicant_journey_without_javascript(client, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import timezone

    today = timezone.localdate()
    year = ProgramYearFactory(
        name="2027–28",
        starts_on=today.replace(year=today.year + 1),
        ends_on=today.replace(year=today.year + 2),
        applications_open_on=today,
        applications_close_on=today,
    )
    person = PersonFactory(with_account=True)
    client.force_login(person.user)
    response = client.post(reverse("applications:start", args=["mentee"]), {"year": year.pk})
    application = Application.objects.get(applicant=person)
    assert response.url == reverse("applications:edit", args=[application.reference])
    form = {
        **_edit_form(application),
        "job_role": "teacher",
        "eec_certification": "ps_teacher",
        "statement": "I need help with language modeling.",
        "preferred_coaching": "Monthly visits",
        "has_ipdp": "yes",
        "continue": "1",
    }
    assert client.post(reverse("applications:edit", args=[application.reference]), form).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applications:recommender_add", args=[application.reference]),
            {"name": "Co Worker", "email": "co@example.org", "relationship": "coworker"},
        )
        client.post(
            reverse("applications:mou_request", args=[application.reference]),
            {"signer_name": "Dee Director", "signer_email": "dee@example.org"},
        )
        client.post(reverse("applications:submit", args=[application.reference]))
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED
    assert {m.to[0] for m in mail.outbox} >= {"co@example.org", "dee@example.org", person.email}
    page = client.get(reverse("applications:detail", args=[application.reference])).content.decode()
    assert "Requested" in page


def test_recommender_form_errors_keep_what_was_typed(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    client.force_login(application.applicant.user)
    response = client.post(
        reverse("applications:recommender_add", args=[application.reference]),
        {"name": "Pat Peer", "email": "not-an-email", "relationship": "professional_peer"},
    )
    assert response.status_code == 400
    assert 'value="Pat Peer"' in response.content.decode()


def test_a_relationship_the_role_does_not_allow_is_refused(client, program_year):
    application = ApplicationFactory(program_year=program_year, role="mentee")
    client.force_login(application.applicant.user)
    response = client.post(
        reverse("applications:recommender_add", args=[application.reference]),
        {"name": "Pat Peer", "email": "pat@example.org", "relationship": "professional_peer"},
    )
    assert response.status_code == 400
    assert not application.recommendations.exists()


def test_reviewer_scores_with_htmx_and_sees_others_only_after_submitting(client, world):
    assignment = world["assigned"]
    client.force_login(assignment.reviewer)
    criteria = list(assignment.rubric.criteria.all())
    # another reviewer has already submitted
    other = (
        ReviewAssignment.objects.filter(application=assignment.application, status="assigned")
        .exclude(pk=assignment.pk)
        .first()
    )
    services.assignment_declare_conflict(assignment=other, has_conflict=False)
    for criterion in criteria:
        services.score_save(assignment=other, criterion=criterion, value=2, comment="OTHER-REVIEWER-NOTE")
    services.assignment_submit(assignment=other)
    page = client.get(reverse("applications:review", args=[assignment.pk])).content.decode()
    assert "OTHER-REVIEWER-NOTE" not in page
    for criterion in criteria:
        response = client.post(
            reverse("applications:review_score", args=[assignment.pk, criterion.pk]),
            {f"c{criterion.pk}-value": "4", f"c{criterion.pk}-comment": "ok"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Saved" in response.content.decode()
        assert "<html" not in response.content.decode()  # the fragment, not the page
    bad = client.post(
        reverse("applications:review_score", args=[assignment.pk, criteria[0].pk]),
        {f"c{criteria[0].pk}-value": "9"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400
    assert client.post(reverse("applications:review_submit", args=[assignment.pk])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    page = client.get(reverse("applications:review", args=[assignment.pk])).content.decode()
    assert "OTHER-REVIEWER-NOTE" in page
    # locked: a late change is refused
    late = client.post(
        reverse("applications:review_score", args=[assignment.pk, criteria[0].pk]),
        {f"c{criteria[0].pk}-value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert late.status_code == 400


def test_blind_review_hides_who_the_applicant_is(client, world):
    application = world["application"]
    application.program_year.tier2_blind = True
    application.program_year.save()
    client.force_login(world["assigned"].reviewer)
    page = client.get(reverse("applications:review", args=[world["assigned"].pk])).content.decode()
    assert application.reference in page
    for hidden in (
        application.applicant.full_name,
        application.applicant.email,
        application.program.name,
        world["letter"].name,
        "letter-from-jane.pdf",
    ):
        assert hidden not in page, hidden
    assert application.statement in page  # the application text is shown as written
    letter = client.get(reverse("applications:letter", args=[application.reference, world["letter"].pk]))
    assert "letter-from-jane" not in letter["Content-Disposition"]


def test_leader_signs_several_mous_in_turn(client, program_year):
    leader = UserFactory(email="busy.leader@example.org")
    mous = []
    for _ in range(2):
        application = ApplicationFactory(program_year=program_year)
        mous.append(
            services.mou_request(
                application=application,
                actor=application.created_by,
                signer_name="Busy Leader",
                signer_email=leader.email,
            )
        )
    client.force_login(leader)
    listing = client.get(reverse("applications:mou_waiting")).content.decode()
    assert listing.count(reverse("applications:mou_sign_mine", args=[mous[0].pk])) == 1
    response = client.post(
        reverse("applications:mou_sign_mine", args=[mous[0].pk]),
        {"action": "sign", "signature_name": "Busy Leader", "confirm": "on", "leader_position": "director"},
    )
    assert response.url == reverse("applications:mou_sign_mine", args=[mous[1].pk])  # the next one
    missing = client.post(
        reverse("applications:mou_sign_mine", args=[mous[1].pk]), {"action": "sign", "signature_name": "Busy Leader"}
    )
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    mous[0].refresh_from_db()
    assert mous[0].status == MOU.Status.SIGNED and mous[0].signed_by_user == leader


def test_mou_link_records_the_signature(client, program_year):
    application = ApplicationFactory(program_year=program_year)
    mou = MOUFactory(application=application, signer_name="Dana Director")
    services.mou_send(mou=mou, actor=None)
    token = _token_for(mou)
    url = reverse("applications:mou_sign", args=[token])
    page = client.get(url).content.decode()
    assert application.applicant.full_name in page and "Memorandum of Understanding" in page
    client.post(
        url,
        {"action": "sign", "signature_name": "Dana Director", "confirm": "on", "leader_position": "director"},
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="Test browser",
    )
    mou.refresh_from_db()
    assert (mou.status, mou.signature_name, mou.signed_ip, mou.signed_user_agent) == (
        MOU.Status.SIGNED,
        "Dana Director",
        "198.51.100.4",
        "Test browser",
    )
    assert application.applicant.full_name in mou.signed_text
    assert client.get(url).status_code == 404


# --- query budgets ---------------------------------------------------------------------------------


def _many_in_review(program_year, n: int, members) -> None:
    """n applications in Tier 2 review, each with three reviewers (two submitted, with scores),
    made in bulk so the budget tests can use 10 and 500 applications."""
    from applications.models import Rubric, Score
    from pac.models import Person, Program, Region

    start = Application.objects.count()
    regions = list(Region.objects.order_by("number"))
    programs = [
        Program.objects.create(
            name=f"Bulk program {start}-{r.number}",
            program_type="center",
            license_number=f"BULK-{start}-{r.number}",
            city="Lowell",
            region=r,
        )
        for r in regions
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="Bulk",
                last_name=f"Applicant {start + i}",
                email=f"bulk{start + i}@example.org",
                program=programs[i % len(programs)],
            )
            for i in range(n)
        ]
    )
    roles = ["ct", "mentee", "ca", "ma"]
    applications = Application.objects.bulk_create(
        [
            Application(
                reference=f"PAC-BULK-{start + i:05d}",
                program_year=program_year,
                role=roles[i % 4],
                applicant=person,
                created_by=members[0],
                program=person.program,
                stage=Stage.IN_REVIEW,
                statement="Bulk statement",
            )
            for i, person in enumerate(people)
        ]
    )
    rubrics = {r.role: r for r in Rubric.objects.filter(tier=2)}
    assignments = ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application=a, reviewer=m, tier=2, rubric=rubrics[a.role], status="submitted" if k < 2 else "assigned"
            )
            for a in applications
            for k, m in enumerate(members[:3])
        ]
    )
    criteria = {role: list(r.criteria.all()) for role, r in rubrics.items()}
    Score.objects.bulk_create(
        [
            Score(assignment=a, criterion=c, value=1 + (a.pk + c.pk) % 5)
            for a in assignments
            if a.status == "submitted"
            for c in criteria[a.rubric.role]
        ]
    )


@pytest.mark.parametrize("page", ["pipeline", "staff_list", "progress", "results", "decisions", "interviews"])
def test_staff_pages_make_the_same_number_of_queries_at_any_size(
    client, staff_user, program_year, page, django_assert_max_num_queries
):
    _, members = committee_with_members(program_year, 3)
    _many_in_review(program_year, 10, members)
    client.force_login(staff_user)
    url = reverse(f"applications:{page}") + f"?year={program_year.pk}"
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _many_in_review(program_year, 490, members)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_reviewer_queue_queries_do_not_grow(client, program_year, django_assert_max_num_queries):
    _, members = committee_with_members(program_year, 3)
    _many_in_review(program_year, 10, members)
    client.force_login(members[0])
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("applications:reviews"))
    _many_in_review(program_year, 490, members)
    with django_assert_max_num_queries(20) as large:
        client.get(reverse("applications:reviews"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_applicant_list_queries_do_not_grow(client, django_assert_max_num_queries):
    person = PersonFactory(with_account=True)
    for name in ("2026–27", "2027–28"):
        ApplicationFactory(applicant=person, program_year=ProgramYearFactory(name=name))
    client.force_login(person.user)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("applications:mine"))
    for name in ("2028–29", "2029–30", "2030–31"):
        ApplicationFactory(applicant=person, program_year=ProgramYearFactory(name=name))
    with django_assert_max_num_queries(20) as large:
        client.get(reverse("applications:mine"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_staff_resend_a_recommendation_link(client, staff_user, program_year, django_capture_on_commit_callbacks):
    from django.core import mail

    application = ApplicationFactory(program_year=program_year)
    recommendation = services.recommendation_add(
        application=application,
        actor=application.created_by,
        name="Rae Recommender",
        email="rae@example.org",
        relationship="professional_peer",
    )
    client.force_login(staff_user)
    page = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    url = reverse("applications:staff_resend", args=[application.reference, "recommendation", recommendation.pk])
    assert url in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    recommendation.refresh_from_db()
    assert recommendation.sent_count == 2
    assert mail.outbox[-1].to == ["rae@example.org"]


def test_staff_my_work_offers_no_application_to_apply_for(client, staff_user):
    from tests.applications.factories import open_window
    from tests.factories import ProgramYearFactory

    ProgramYearFactory(name="2027–28", **open_window())
    client.force_login(staff_user)
    response = client.get(reverse("pac:my_work"))
    html = response.content.decode()
    assert response.status_code == 200 and "Program administration" in html
    assert "Your applications" not in html and ">Apply<" not in html
