"""Coaching PDFs: a 30-day report (in the request) and a coach's reports for a date range (a
document job). Who may download each, what the PDF says, and the request form's bad input."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coaching import documents
from coaching.models import ReportTemplate, ThirtyDayReport
from pac.documents.models import DocumentJob
from pac.documents.services import document_job_request
from tests.coaching.factories import active_pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 5)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def page_count(content: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


def make_report(
    pair, period: int, *, start: datetime.date, status: str = "submitted", tag: str = ""
) -> ThirtyDayReport:
    """A report written straight to the database, each answer naming ``tag`` so a PDF can be searched."""
    tag = tag or f"P{pair.pk}R{period}"
    template = ReportTemplate.objects.filter(is_active=True).order_by("-created_at").first()
    submitted = status != ThirtyDayReport.Status.DRAFT
    return ThirtyDayReport.objects.create(
        pair=pair,
        period=period,
        period_start=start,
        period_end=start + datetime.timedelta(days=29),
        due_on=start + datetime.timedelta(days=35),
        template=template,
        status=status,
        submitted_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(12))) if submitted else None,
        answers={
            "actions": f"Actions of {tag}",
            "progress": f"Progress of {tag}",
            "next_steps": f"Next steps of {tag}",
            "support": f"Support for {tag}",
        },
    )


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=JAN)


@pytest.fixture
def other(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=JAN, region=2)


# --- one 30-day report -----------------------------------------------------------------------------


def test_report_pdf_has_the_pair_and_every_answer_in_the_templates_order(client, pair):
    report = make_report(pair, 1, start=JAN, tag="alpha")
    client.force_login(pair.coach.user)
    response = client.get(reverse("coaching:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "draft" not in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "30-day report 1",
        pair.coach.full_name,
        pair.mentee.full_name,
        pair.mentee.program.name,
        "January 5, 2026 to February 3, 2026",
        "Submitted",
        "Not yet reviewed",
        "Actions taken",
        "Page 1 of",
    ):
        assert expected in text, expected
    positions = [text.index(f"{part} of alpha") for part in ("Actions", "Progress", "Next steps")]
    assert positions == sorted(positions)
    assert "Support for alpha" in text
    assert "DRAFT" not in text


def test_reviewed_report_pdf_shows_the_outcome(client, pair, staff_user):
    report = make_report(pair, 1, start=JAN, status="returned")
    ThirtyDayReport.objects.filter(pk=report.pk).update(
        review_comment="Say more about goal two.", reviewed_by=staff_user, reviewed_at=timezone.now()
    )
    client.force_login(staff_user)
    text = pdf_text(client.get(reverse("coaching:report_pdf", args=[report.pk])).content)
    assert "Returned for revision" in text and "Say more about goal two." in text


def test_a_draft_prints_for_its_coach_marked_draft(client, pair):
    report = make_report(pair, 1, start=JAN, status="draft", tag="unfinished")
    client.force_login(pair.coach.user)
    response = client.get(reverse("coaching:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert "draft" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "DRAFT: not submitted" in text and "30-day report 1 (DRAFT)" in text
    assert "Actions of unfinished" in text


def test_report_page_links_to_its_pdf(client, pair):
    report = make_report(pair, 1, start=JAN)
    client.force_login(pair.coach.user)
    page = client.get(reverse("coaching:report", args=[report.pk])).content.decode()
    assert reverse("coaching:report_pdf", args=[report.pk]) in page and "Download PDF" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("coach", 200),
        ("mentee", 404),  # as on the report page: reports are the coach's reports to EEC
        ("leader", 404),
        ("other coach", 404),
        ("other mentee", 404),
        ("plain", 404),
    ],
)
def test_who_may_download_a_report_pdf(client, pair, other, staff_user, who, status):
    report = make_report(pair, 1, start=JAN)
    user = {
        "staff": staff_user,
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "other coach": other.coach.user,
        "other mentee": other.mentee.user,
        "plain": UserFactory(),
    }[who]
    client.force_login(user)
    pdf = client.get(reverse("coaching:report_pdf", args=[report.pk]))
    page = client.get(reverse("coaching:report", args=[report.pk]))
    assert pdf.status_code == page.status_code == status  # the PDF follows the report page exactly


def test_anonymous_is_sent_to_sign_in(client, pair):
    report = make_report(pair, 1, start=JAN)
    response = client.get(reverse("coaching:report_pdf", args=[report.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_unknown_report_is_404(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("coaching:report_pdf", args=[999999])).status_code == 404


def test_report_pdf_queries_are_fixed(pair, django_assert_num_queries):
    report = make_report(pair, 1, start=JAN)
    loaded = documents.report_queryset().get(pk=report.pk)
    with django_assert_num_queries(0):
        documents.report_pdf(loaded)


# --- a coach's reports for a date range --------------------------------------------------------------


@pytest.fixture
def history(pair, other):
    """The coach's reports in January and February, one in April (outside the range asked for
    below), a draft in February; and another coach's report in January."""
    return {
        "jan": make_report(pair, 1, start=JAN, status="acknowledged", tag="JANREPORT"),
        "feb": make_report(pair, 2, start=JAN + datetime.timedelta(days=30), tag="FEBREPORT"),
        "draft": make_report(pair, 3, start=JAN + datetime.timedelta(days=45), status="draft", tag="DRAFTREPORT"),
        "apr": make_report(pair, 4, start=datetime.date(2026, 4, 20), tag="APRREPORT"),
        "other": make_report(other, 1, start=JAN, tag="OTHERCOACH"),
    }


def _request_bundle(client, django_capture_on_commit_callbacks, data) -> DocumentJob:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coaching:coach_reports"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = DocumentJob.objects.get(requested_by=response.wsgi_request.user)
    assert response["Location"] == reverse("documents:job", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    return job


def test_staff_bundle_end_to_end(client, pair, history, staff_user, django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    job = _request_bundle(
        client, django_capture_on_commit_callbacks, {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-03-15"}
    )
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.params == {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-03-15", "drafts": False}
    response = client.get(reverse("documents:download", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert f"30-day reports: {pair.coach.full_name}" in text and "Page 1 of" in text
    assert "Actions of JANREPORT" in text and "Actions of FEBREPORT" in text
    assert "APRREPORT" not in text  # outside the dates
    assert "OTHERCOACH" not in text  # another coach
    assert "DRAFTREPORT" not in text  # staff get what the coach handed in
    assert "Acknowledged" in text and "Submitted" in text
    assert page_count(content) >= 3  # the contents, then each report on a page of its own


def test_coach_bundle_has_their_drafts_marked(client, pair, history, other, django_capture_on_commit_callbacks):
    client.force_login(pair.coach.user)
    # a coach has no coach field: a posted coach id is ignored, they get their own reports
    job = _request_bundle(
        client,
        django_capture_on_commit_callbacks,
        {"coach": other.coach.pk, "start": "2026-01-01", "end": "2026-03-15"},
    )
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.params["coach"] == pair.coach.pk and job.params["drafts"] is True
    text = pdf_text(b"".join(client.get(reverse("documents:download", kwargs={"job_id": job.pk})).streaming_content))
    assert "JANREPORT" in text and "FEBREPORT" in text and "Actions of DRAFTREPORT" in text
    assert "DRAFT: not submitted" in text
    assert "APRREPORT" not in text and "OTHERCOACH" not in text


def test_progress_is_reported_per_report(pair, history):
    stages = []
    params = {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-03-15", "drafts": False}
    built = documents.coach_reports_build(params, lambda percent, stage: stages.append((percent, stage)))
    assert [s for _, s in stages][:2] == ["Report 1 of 2", "Report 2 of 2"]
    percents = [p for p, _ in stages]
    assert percents == sorted(percents) and all(0 <= p < 100 for p in percents)
    assert built.filename.endswith(".pdf") and built.content.startswith(b"%PDF")


def test_answers_are_printed_as_written_not_as_markup(pair):
    report = make_report(pair, 1, start=JAN)
    ThirtyDayReport.objects.filter(pk=report.pk).update(answers={"actions": "<b>Bold</b> & <script>x</script>"})
    params = {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-02-01", "drafts": False}
    bundle = pdf_text(documents.coach_reports_build(params, lambda *a: None).content)
    single = pdf_text(documents.report_pdf(documents.report_queryset().get(pk=report.pk)))
    assert "<b>Bold</b> & <script>x</script>" in bundle and "<b>Bold</b> & <script>x</script>" in single


def test_bundle_with_no_reports_says_so(pair, other):
    params = {"coach": pair.coach.pk, "start": "2025-01-01", "end": "2025-02-01", "drafts": False}
    text = pdf_text(documents.coach_reports_build(params, lambda *a: None).content)
    assert "has no 30-day reports in these dates" in text


@pytest.mark.parametrize(
    ("who", "page", "may_request"),
    [
        ("staff", 200, True),
        ("coach", 200, True),
        ("mentee", 403, False),
        ("leader", 403, False),
        ("other coach", 200, False),  # has the page for their own reports, may not ask for this coach's
        ("plain", 403, False),
    ],
)
def test_who_may_ask_for_a_coachs_reports(client, pair, other, staff_user, who, page, may_request):
    user = {
        "staff": staff_user,
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "other coach": other.coach.user,
        "plain": UserFactory(),
    }[who]
    client.force_login(user)
    assert client.get(reverse("coaching:coach_reports")).status_code == page
    params = documents.coach_reports_params(
        coach=pair.coach, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 2, 1), requester=user
    )
    assert documents.coach_reports_allowed(user, params) is may_request
    if not may_request:
        with pytest.raises(PermissionDenied):
            document_job_request(user=user, kind=documents.COACH_REPORTS, params=params, title="x")


def test_drafts_are_only_ever_for_the_coach(pair, staff_user):
    params = {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-02-01", "drafts": True}
    assert documents.coach_reports_allowed(pair.coach.user, params)
    assert not documents.coach_reports_allowed(staff_user, params)
    assert not documents.coach_reports_allowed(staff_user, {"coach": "x", "start": "2026-01-01", "end": "2026-02-01"})


@pytest.mark.parametrize("who", ["staff", "coach"])
def test_a_bundle_downloads_only_for_whoever_asked(
    client, pair, other, history, staff_user, django_capture_on_commit_callbacks, who
):
    owner = staff_user if who == "staff" else pair.coach.user
    client.force_login(owner)
    job = _request_bundle(
        client, django_capture_on_commit_callbacks, {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-02-20"}
    )
    url = reverse("documents:download", kwargs={"job_id": job.pk})
    assert client.get(url).status_code == 200
    for someone in (pair.mentee.user, pair.leader.user, other.coach.user, staff_user, pair.coach.user):
        if someone == owner:
            continue
        client.force_login(someone)
        assert client.get(url).status_code == 404  # someone else's job is missing, not forbidden
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_staff_bundle_stops_downloading_when_the_requester_is_no_longer_staff(
    client, pair, history, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    job = _request_bundle(
        client, django_capture_on_commit_callbacks, {"coach": pair.coach.pk, "start": "2026-01-01", "end": "2026-02-20"}
    )
    from pac.roles import StaffRole
    from pac.services import role_revoke

    role_revoke(user=staff_user, role=StaffRole.EEC_STAFF)
    staff_user.refresh_from_db()
    client.force_login(staff_user)
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code in (403, 404)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The end date must be on or after the start date."),
        ({"start": "2025-01-01", "end": "2026-03-01"}, "Choose a range of at most 400 days"),
        ({"start": "2026-02-31", "end": "2026-03-01"}, "Enter the start date as YYYY-MM-DD."),
        ({"start": "2026-01-01", "end": ""}, "Enter an end date."),
    ],
)
def test_bad_dates_are_explained_and_kept(client, pair, data, message):
    client.force_login(pair.coach.user)
    response = client.post(reverse("coaching:coach_reports"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    assert not DocumentJob.objects.exists()


def test_staff_must_choose_a_coach(client, staff_user, pair):
    client.force_login(staff_user)
    response = client.post(reverse("coaching:coach_reports"), {"start": "2026-01-01", "end": "2026-02-01"})
    assert response.status_code == 200
    assert "Choose the coach whose reports you want." in response.content.decode()
    assert not DocumentJob.objects.exists()


def test_the_form_is_reached_from_the_workspace_and_the_overview(client, pair, staff_user):
    client.force_login(pair.coach.user)
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert f'href="{reverse("coaching:coach_reports")}"' in workspace
    assert reverse("evaluation:pair_progress_pdf", args=[pair.pk]) in workspace
    client.force_login(staff_user)
    workspace = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert f"{reverse('coaching:coach_reports')}?coach={pair.coach.pk}" in workspace
    overview = client.get(reverse("coaching:overview")).content.decode()
    assert reverse("coaching:coach_reports") in overview
    form = client.get(reverse("coaching:coach_reports") + f"?coach={pair.coach.pk}").content.decode()
    assert f'<option value="{pair.coach.pk}" selected>' in form
