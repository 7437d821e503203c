"""Application documents: the packet PDF, the audit bundle, the signed MOU PDF and the committee bundle job.

Every PDF is opened with pypdf and read back; every ZIP with zipfile, its manifest checked against
the files. Permission matrices cover each download."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import documents, services
from applications.models import MOU, CommitteeMember, Recommendation, ReviewAssignment
from pac.documents.models import DocumentJob
from pac.documents.services import document_job_request
from pac.roles import StaffRole
from pac.services import role_grant
from tests.applications.factories import (
    PDF_BYTES,
    ApplicationFactory,
    MOUFactory,
    committee_with_members,
    make_in_review,
)
from tests.factories import PersonFactory, ProgramYearFactory, UserFactory

pytestmark = pytest.mark.django_db

STATEMENT = "I have coached twelve colleagues through the Early Learning Standards."
LETTER_TEXT = "Marisol is a generous, precise colleague and a natural coach."
SCORE_COMMENT = "PRIVATE-SCORE-COMMENT: weak on reflective practice"
OVERALL_COMMENT = "PRIVATE-OVERALL-COMMENT: borderline"
OTHER_STATEMENT = "Another applicant's statement that must never leak."


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


def _score(assignment: ReviewAssignment, comment: str) -> None:
    criterion = assignment.rubric.criteria.first()
    services.score_save(assignment=assignment, criterion=criterion, value=2, comment=comment)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(comment=OVERALL_COMMENT)


@pytest.fixture
def world(program_year, staff_user):
    """An application in Tier 2 review with an uploaded letter and a typed one, reviewed by three of
    a committee of four (all have declared no conflict; one has scored with a comment); the fourth
    member is unassigned; another application is in review by the same committee."""
    committee, members = committee_with_members(program_year, 4)
    for member in members:
        role_grant(user=member, role=StaffRole.REVIEWER)
    application, _ = make_in_review(
        ApplicationFactory(program_year=program_year, statement=STATEMENT, resume_name="Marisol CV.pdf"),
        members=members,
    )
    letters = list(application.recommendations.filter(status=Recommendation.Status.RECEIVED).order_by("pk"))
    letters[0].letter_text = LETTER_TEXT
    letters[0].save()
    uploaded = letters[-1]
    uploaded.letter_file.save("letter.pdf", SimpleUploadedFile("letter.pdf", PDF_BYTES), save=False)
    uploaded.letter_filename = "../../etc/letter from jane.pdf"
    uploaded.save()
    assignments = list(application.assignments.order_by("reviewer_id"))
    for assignment in assignments:
        services.assignment_declare_conflict(assignment=assignment, has_conflict=False)
    _score(assignments[0], SCORE_COMMENT)
    assigned_ids = {a.reviewer_id for a in assignments}
    unassigned = next(m for m in members if m.pk not in assigned_ids)
    other, _ = make_in_review(ApplicationFactory(program_year=program_year, statement=OTHER_STATEMENT), members=members)
    return {
        "committee": committee,
        "members": members,
        "application": application,
        "uploaded_letter": uploaded,
        "assigned": assignments[0].reviewer,
        "unassigned": unassigned,
        "applicant": application.applicant.user,
        "other": other,
        "other_applicant": other.applicant.user,
        "staff": staff_user,
    }


def _user(world, who: str):
    return None if who == "anonymous" else world[who]


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- the packet PDF ---------------------------------------------------------------------------------


def test_packet_pdf_has_answers_letters_mou_and_screening_but_no_review_data(client, world):
    application = world["application"]
    client.force_login(world["assigned"])
    response = client.get(reverse("applications:packet_pdf", args=[application.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"packet-{application.reference}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    mou = application.mous.get(status=MOU.Status.SIGNED)
    for expected in (
        application.applicant.full_name,
        application.reference,
        STATEMENT,
        "Preferred ways to use peer coaching",
        "Monthly meetings and video feedback.",
        application.get_job_role_display(),
        LETTER_TEXT,
        "Marisol-CV.pdf",  # the resume as an attachment, by its (safe) name
        "Tier 1 screening",
        "Met",
        mou.template.title,
        f"version {mou.template.version}",
        mou.signer_name,
        "Page 1 of",
    ):
        assert squash(expected) in text, expected
    for forbidden in (SCORE_COMMENT, "PRIVATE-SCORE-COMMENT", OVERALL_COMMENT, OTHER_STATEMENT):
        assert forbidden not in text


def test_packet_shows_overridden_screening_checks(client, world):
    application = world["application"]
    check = application.screening_checks.first()
    check.passed = False
    check.overridden = True
    check.override_justification = "Equivalent experience verified by phone."
    check.overridden_by = world["staff"]
    check.save()
    client.force_login(world["staff"])
    text = pdf_text(client.get(reverse("applications:packet_pdf", args=[application.reference])).content)
    assert "Overridden" in text
    assert "Equivalent experience verified by phone." in text


def test_blind_review_packet_hides_the_applicant_from_reviewers_not_staff(client, world):
    application = world["application"]
    year = application.program_year
    year.tier2_blind = True
    year.save()
    url = reverse("applications:packet_pdf", args=[application.reference])
    client.force_login(world["assigned"])
    blind = pdf_text(client.get(url).content)
    assert application.applicant.full_name not in blind
    assert application.applicant.email not in blind
    assert world["uploaded_letter"].name not in blind
    assert "blind review" in blind
    assert STATEMENT in blind
    client.force_login(world["staff"])
    assert application.applicant.full_name in pdf_text(client.get(url).content)


def test_packet_builds_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from applications.models import Application

    def build(reference):
        application = documents.application_for_packet(Application.objects.all()).get(reference=reference)
        documents.packet_pdf(application)

    with django_assert_max_num_queries(10) as few:
        build(world["other"].reference)
    with django_assert_max_num_queries(10) as more:
        build(world["application"].reference)  # more letters, an uploaded file, an override-able screening
    assert len(few.captured_queries) == len(more.captured_queries)


PACKET_MATRIX = {
    "staff": 200,
    "assigned": 200,
    "unassigned": 404,
    "applicant": 404,
    "other_applicant": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", PACKET_MATRIX)
@pytest.mark.parametrize("name", ["packet_pdf", "audit_bundle"])
def test_packet_and_bundle_permissions(client, world, who, name):
    response = _get(client, _user(world, who), reverse(f"applications:{name}", args=[world["application"].reference]))
    assert response.status_code == PACKET_MATRIX[who]
    if who == "anonymous":
        assert reverse("account_login") in response["Location"]


def test_a_recused_reviewer_cannot_download_the_packet(client, program_year):
    _, members = committee_with_members(program_year, 3)
    application, _ = make_in_review(ApplicationFactory(program_year=program_year), members=members)
    assignment = application.assignments.first()
    services.assignment_declare_conflict(assignment=assignment, has_conflict=True, reason="My sister")
    client.force_login(assignment.reviewer)
    assert client.get(reverse("applications:packet_pdf", args=[application.reference])).status_code == 404


def test_packet_permission_and_queryset_agree(world):
    from applications.models import Application
    from applications.permissions import packets_visible_to

    for who in ("staff", "assigned", "unassigned", "applicant", "other_applicant"):
        user = world[who]
        for application in (world["application"], world["other"]):
            visible = packets_visible_to(user).filter(pk=application.pk).exists()
            assert visible == user.has_perm("applications.view_packet", application), (who, application)
    assert Application.objects.count() == 2


def test_the_packet_pages_link_the_downloads(client, world):
    application = world["application"]
    packet = reverse("applications:packet_pdf", args=[application.reference])
    bundle = reverse("applications:audit_bundle", args=[application.reference])
    client.force_login(world["staff"])
    page = client.get(reverse("applications:staff_detail", args=[application.reference])).content.decode()
    assert packet in page and bundle in page
    assignment = application.assignments.get(reviewer=world["assigned"])
    client.force_login(world["assigned"])
    page = client.get(reverse("applications:review", args=[assignment.pk])).content.decode()
    assert packet in page and bundle in page


# --- the audit bundle ---------------------------------------------------------------------------


def _manifest_hashes(archive: zipfile.ZipFile, manifest: str = "manifest.txt") -> dict[str, str]:
    found = {}
    for line in archive.read(manifest).decode().splitlines():
        match = re.match(r"^(\S+)\s+(\d+) bytes\s+sha256 ([0-9a-f]{64})", line)
        if match:
            found[match.group(1)] = match.group(3)
    return found


def test_audit_bundle_has_packet_originals_and_a_manifest_whose_hashes_match(client, world):
    application = world["application"]
    client.force_login(world["staff"])
    response = client.get(reverse("applications:audit_bundle", args=[application.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    ref = application.reference
    assert f"packet-{ref}.pdf" in names
    assert f"mou-{ref}-signed.pdf" in names  # staff may see the signed MOU, so it comes along
    assert "originals/Marisol-CV.pdf" in names
    letters = [n for n in names if n.startswith("originals/letter-")]
    assert len(letters) == 1 and letters[0].endswith(".pdf")
    assert "manifest.txt" in names
    for name in names:  # safe names: no absolute paths, no parent directories, no spaces
        assert not name.startswith("/") and ".." not in name and " " not in name, name
    hashes = _manifest_hashes(archive)
    assert set(hashes) == set(names) - {"manifest.txt"}
    for name, digest in hashes.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert archive.read("originals/Marisol-CV.pdf") == PDF_BYTES
    assert archive.read(letters[0]) == PDF_BYTES
    packet = pdf_text(archive.read(f"packet-{ref}.pdf"))
    assert STATEMENT in packet and SCORE_COMMENT not in packet


def test_a_reviewers_audit_bundle_has_no_signed_mou_and_is_blind_when_the_year_is(client, world):
    application = world["application"]
    application.program_year.tier2_blind = True
    application.program_year.save()
    client.force_login(world["assigned"])
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("applications:audit_bundle", args=[application.reference])).content)
    )
    names = archive.namelist()
    assert not any(n.startswith("mou-") for n in names)
    assert "originals/resume.pdf" in names
    assert "originals/letter-2.pdf" in names or "originals/letter-1.pdf" in names
    assert "jane" not in " ".join(names)


def test_a_file_missing_from_storage_is_listed_not_fatal(world):
    from applications.models import Application

    application = world["application"]
    application.resume.storage.delete(application.resume.name)
    application = documents.application_for_packet(Application.objects.all()).get(pk=application.pk)
    archive = zipfile.ZipFile(io.BytesIO(documents.audit_bundle(application)))
    assert "originals/Marisol-CV.pdf" not in archive.namelist()
    assert "MISSING from storage" in archive.read("manifest.txt").decode()


# --- the signed MOU -------------------------------------------------------------------------------


@pytest.fixture
def signed(program_year, staff_user):
    """An MOU signed through the service by a leader signed in to PAC, and one signed through the
    emailed link by a leader whose directory record has an account."""
    leader = UserFactory(email="lee.leader@example.org")
    application = ApplicationFactory(program_year=program_year)
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Lee Leader", signer_email=leader.email
    )
    mou = services.mou_sign(
        mou=mou,
        signature_name="LEE LEADER",
        confirmed=True,
        ip="198.51.100.4",
        user_agent="Firefox/140",
        user=leader,
    )
    link_leader = PersonFactory(with_account=True, email="pat.director@example.org")
    other_application = ApplicationFactory(program_year=program_year)
    link_mou = services.mou_request(
        application=other_application,
        actor=other_application.created_by,
        signer_name="Pat Director",
        signer_email=link_leader.email,
    )
    link_mou = services.mou_sign(mou=link_mou, signature_name="Pat Director", confirmed=True, ip="203.0.113.9")
    _, members = committee_with_members(program_year, 3)
    reviewed, _ = make_in_review(ApplicationFactory(program_year=program_year), members=members)
    return {
        "mou": mou,
        "staff": staff_user,
        "applicant": application.applicant.user,
        "signer": leader,
        "link_signer": link_leader.user,
        "link_mou": link_mou,
        "other_applicant": other_application.applicant.user,
        "reviewer": members[0],
        "plain": UserFactory(),
    }


def test_signed_mou_pdf_has_the_text_signed_and_the_signature_record(client, signed):
    mou = signed["mou"]
    client.force_login(signed["applicant"])
    response = client.get(reverse("applications:mou_pdf", args=[mou.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert squash(mou.signed_text)[:200] in text
    assert "Lee Leader" in mou.signed_text  # the template's placeholders were filled at signing
    for expected in (
        "LEE LEADER",
        "198.51.100.4",
        "lee.leader@example.org",
        "Firefox/140",
        mou.template.title,
        f"template version {mou.template.version}",
        "Waived No",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_signed_mou_pdf_prints_the_version_signed_even_after_the_template_changes(client, signed):
    mou = signed["mou"]
    signed_text = mou.signed_text
    from applications.services import mou_template_edit

    # staff's edit of a signed version becomes the next version; the signed one is kept as it was
    saved = mou_template_edit(
        template=mou.template,
        title=mou.template.title,
        body="A COMPLETELY NEW MOU BODY {applicant_name}",
        is_active=True,
        actor=signed["staff"],
    )
    assert saved.template.version == mou.template.version + 1
    client.force_login(signed["staff"])
    text = pdf_text(client.get(reverse("applications:mou_pdf", args=[mou.pk])).content)
    assert "A COMPLETELY NEW MOU BODY" not in text
    assert squash(signed_text)[:200] in text


MOU_MATRIX = {
    "staff": 200,
    "applicant": 200,
    "signer": 200,
    "other_applicant": 404,
    "reviewer": 404,
    "plain": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", MOU_MATRIX)
def test_signed_mou_permissions(client, signed, who):
    user = None if who == "anonymous" else signed[who]
    response = _get(client, user, reverse("applications:mou_pdf", args=[signed["mou"].pk]))
    assert response.status_code == MOU_MATRIX[who]
    if user is not None:
        assert user.has_perm("applications.view_mou", signed["mou"]) == (MOU_MATRIX[who] == 200)


def test_a_leader_who_signed_through_the_emailed_link_can_download_it(client, signed):
    client.force_login(signed["link_signer"])
    assert client.get(reverse("applications:mou_pdf", args=[signed["link_mou"].pk])).status_code == 200
    assert client.get(reverse("applications:mou_pdf", args=[signed["mou"].pk])).status_code == 404


def test_mou_queryset_agrees_with_the_permission(signed):
    from applications.permissions import mous_visible_to

    for who in ("staff", "applicant", "signer", "link_signer", "other_applicant", "reviewer", "plain"):
        user = signed[who]
        for mou in MOU.objects.select_related("application__applicant", "signer_person"):
            assert mous_visible_to(user).filter(pk=mou.pk).exists() == user.has_perm("applications.view_mou", mou)


def test_an_unsigned_mou_gives_a_message_not_an_error(client, program_year):
    mou = MOUFactory(application=ApplicationFactory(program_year=program_year), status=MOU.Status.REQUESTED)
    client.force_login(mou.application.applicant.user)
    response = client.get(reverse("applications:mou_pdf", args=[mou.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[mou.application.reference])
    assert "not signed" in response.content.decode()


def test_a_waived_mou_gives_a_message(client, program_year, staff_user):
    mou = MOUFactory(application=ApplicationFactory(program_year=program_year), status=MOU.Status.WAIVED)
    client.force_login(staff_user)
    response = client.get(reverse("applications:mou_pdf", args=[mou.pk]), follow=True)
    assert response.status_code == 200
    assert "marked not applicable" in response.content.decode()


def test_the_pages_link_the_signed_mou(client, signed):
    mou = signed["mou"]
    url = reverse("applications:mou_pdf", args=[mou.pk])
    client.force_login(signed["applicant"])
    assert url in client.get(reverse("applications:detail", args=[mou.application.reference])).content.decode()
    client.force_login(signed["signer"])
    assert url in client.get(reverse("applications:mou_waiting")).content.decode()
    client.force_login(signed["staff"])
    assert url in client.get(reverse("applications:staff_detail", args=[mou.application.reference])).content.decode()


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("applications:packet_pdf", args=["PAC-2099-99999"]),
        reverse("applications:audit_bundle", args=["PAC-2099-99999"]),
        reverse("applications:packet_pdf", args=["%00'--"]),
        reverse("applications:mou_pdf", args=[999999]),
    ],
)
def test_guessed_ids_are_404(client, staff_user, url):
    client.force_login(staff_user)
    assert client.get(url).status_code == 404


def test_an_unknown_committee_is_404(client, staff_user):
    client.force_login(staff_user)
    assert client.post(reverse("applications:committee_bundle", args=[999999])).status_code == 404
    assert client.get(reverse("applications:committee_bundle", args=[1])).status_code == 405


# --- the committee bundle (a document job) ---------------------------------------------------------


def _request_bundle(client, user, committee, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("applications:committee_bundle", args=[committee.pk]))
    return response


def _download(client, job):
    return client.get(reverse("documents:download", kwargs={"job_id": job.pk}))


def test_staff_committee_bundle_has_a_folder_per_application(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    committee = world["committee"]
    response = _request_bundle(client, world["staff"], committee, django_capture_on_commit_callbacks)
    job = DocumentJob.objects.get(requested_by=world["staff"])
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:job", kwargs={"job_id": job.pk})
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.kind == "applications.committee_bundle" and job.params == {"committee": committee.pk}
    download = _download(client, job)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    for application in (world["application"], world["other"]):
        ref = application.reference
        assert f"{ref}/packet-{ref}.pdf" in names
        assert f"{ref}/originals/resume.pdf" in names or any(n.startswith(f"{ref}/originals/") for n in names)
        assert f"{ref}/manifest.txt" in names
    hashes = _manifest_hashes(archive)
    assert set(hashes) == {n for n in names if not n.endswith("manifest.txt")}
    for name, digest in hashes.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    ref = world["application"].reference
    packet = pdf_text(archive.read(f"{ref}/packet-{ref}.pdf"))
    assert STATEMENT in packet and OTHER_STATEMENT not in packet and SCORE_COMMENT not in packet


def test_a_members_bundle_holds_only_the_packets_they_may_open(client, world, django_capture_on_commit_callbacks):
    member = world["assigned"]
    committee = world["committee"]
    _request_bundle(client, member, committee, django_capture_on_commit_callbacks)
    job = DocumentJob.objects.get(requested_by=member)
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.params == {"committee": committee.pk, "reviewer": member.pk}
    archive = zipfile.ZipFile(io.BytesIO(b"".join(_download(client, job).streaming_content)))
    folders = {n.split("/")[0] for n in archive.namelist() if "/" in n}
    # the other application's assignment is not opened yet (no conflict declaration), so it is left out
    assert folders == {world["application"].reference}
    assert "conflict-of-interest declaration" in archive.read("manifest.txt").decode()


def test_the_job_reports_progress_per_packet(world):
    stages = []
    built = documents.committee_bundle({"committee": world["committee"].pk}, lambda p, s: stages.append((p, s)))
    assert [s for _, s in stages][:2] == ["Packet 1 of 2", "Packet 2 of 2"]
    assert built.content_type == "application/zip" and built.filename.endswith(".zip")


def test_the_committee_bundle_queries_do_not_grow_with_the_committee(world, django_assert_max_num_queries):
    committee = world["committee"]
    with django_assert_max_num_queries(15) as before:
        documents.committee_bundle({"committee": committee.pk}, lambda p, s: None)
    make_in_review(ApplicationFactory(program_year=committee.program_year), members=world["members"])
    with django_assert_max_num_queries(15) as after:
        documents.committee_bundle({"committee": committee.pk}, lambda p, s: None)
    assert len(before.captured_queries) == len(after.captured_queries)


def test_a_non_member_cannot_request_the_committee_bundle(client, world, django_capture_on_commit_callbacks):
    for user in (world["applicant"], UserFactory()):
        response = _request_bundle(client, user, world["committee"], django_capture_on_commit_callbacks)
        assert response.status_code == 403
    assert not DocumentJob.objects.exists()


def test_a_member_cannot_ask_for_someone_elses_bundle(world):
    from django.core.exceptions import PermissionDenied

    member, other_member = world["assigned"], world["unassigned"]
    with pytest.raises(PermissionDenied):
        document_job_request(
            user=other_member,
            kind=documents.COMMITTEE_BUNDLE,
            params={"committee": world["committee"].pk, "reviewer": member.pk},
            title="x",
        )


def test_nobody_else_can_download_a_members_job(client, world, django_capture_on_commit_callbacks):
    _request_bundle(client, world["assigned"], world["committee"], django_capture_on_commit_callbacks)
    job = DocumentJob.objects.get(requested_by=world["assigned"])
    for user in (world["unassigned"], world["staff"], world["applicant"]):
        client.force_login(user)
        assert _download(client, job).status_code == 404


def test_a_member_removed_after_requesting_gets_403_on_download(client, world, django_capture_on_commit_callbacks):
    member = world["assigned"]
    _request_bundle(client, member, world["committee"], django_capture_on_commit_callbacks)
    job = DocumentJob.objects.get(requested_by=member)
    assert job.status == DocumentJob.Status.DONE
    CommitteeMember.objects.filter(committee=world["committee"], user=member).delete()
    client.force_login(member)
    assert _download(client, job).status_code == 403


def test_the_review_and_progress_pages_offer_the_committee_bundle(client, world):
    url = reverse("applications:committee_bundle", args=[world["committee"].pk])
    client.force_login(world["unassigned"])
    page = client.get(reverse("applications:reviews")).content.decode()
    assert url in page and "Download packets for offline review" in page
    client.force_login(world["staff"])
    year = world["committee"].program_year
    assert url in client.get(reverse("applications:progress") + f"?year={year.pk}").content.decode()
    client.force_login(world["applicant"])
    assert url not in client.get(reverse("applications:reviews")).content.decode()


def test_committee_bundle_of_another_year_is_not_offered_on_this_years_progress(client, world, staff_user):
    other_year = ProgramYearFactory(name="2031–32")
    committee, _ = committee_with_members(other_year, 3)
    client.force_login(staff_user)
    year = world["committee"].program_year
    page = client.get(reverse("applications:progress") + f"?year={year.pk}").content.decode()
    assert reverse("applications:committee_bundle", args=[committee.pk]) not in page


def test_staff_committee_bundle_carries_signed_mous_and_a_members_does_not(
    client, world, django_capture_on_commit_callbacks
):
    from applications.selectors import current_mou

    mou = current_mou(world["application"])
    assert mou is not None and mou.signed_at  # the application in review has its leader's signed MOU
    ref = world["application"].reference
    bundles = {}
    for who in ("staff", "assigned"):
        _request_bundle(client, world[who], world["committee"], django_capture_on_commit_callbacks)
        job = DocumentJob.objects.get(requested_by=world[who])
        assert job.status == DocumentJob.Status.DONE, job.error
        bundles[who] = zipfile.ZipFile(io.BytesIO(b"".join(_download(client, job).streaming_content)))
    name = f"{ref}/{documents.mou_filename(mou)}"
    assert name in bundles["staff"].namelist()
    assert mou.signer_name in pdf_text(bundles["staff"].read(name))
    assert not any("mou" in n for n in bundles["assigned"].namelist())


def test_the_packet_gives_an_uploaded_pdfs_page_count(world):
    import pypdf
    from django.core.files.base import ContentFile

    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    application = world["application"]
    application.resume.save("resume.pdf", ContentFile(buffer.getvalue()), save=True)
    # a letter stored before uploads were read to the end, and not readable
    stored = application.recommendations.exclude(letter_file="").get()
    stored.letter_file.save("letter.pdf", ContentFile(b"%PDF-1.4 not really a PDF"), save=True)
    loaded = documents.application_for_packet(type(application).objects.filter(pk=application.pk)).get()
    resume = next(a for a in documents.attachments(loaded, blind=False) if a.label == "Resume")
    assert resume.pages == 3
    assert "Marisol-CV.pdf 3 " in squash(pdf_text(documents.packet_pdf(loaded)))
    letter = next(a for a in documents.attachments(loaded, blind=False) if a.label.startswith("Recommendation"))
    assert letter.pages is None  # the uploaded letter is not a readable PDF: no count, no error
