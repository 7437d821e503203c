"""The pair progress report PDF: what it holds, who may have it, the 30-day reports shown only to
those who see them on the web (staff and the coach), and a fixed number of queries."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.urls import reverse

from coaching.models import Goal, GoalNote, Meeting, ReportTemplate, ThirtyDayReport
from evaluation import pair_report
from pac.models import Tag
from pairings.models import Pair
from tests.coaching.factories import active_pair, meeting
from tests.evaluation.factories import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 5)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def add_goal(pair, title: str, notes: list[str]) -> Goal:
    goal = Goal.objects.create(
        pair=pair, area=Tag.objects.filter(kind="class").first(), title=title, created_by=pair.coach.user
    )
    for index, text in enumerate(notes):
        GoalNote.objects.create(
            goal=goal, noted_on=JAN + datetime.timedelta(days=index), text=text, author=pair.coach.user
        )
    return goal


def add_report(pair, period: int, *, status: str, tag: str) -> ThirtyDayReport:
    start = JAN + datetime.timedelta(days=30 * (period - 1))
    return ThirtyDayReport.objects.create(
        pair=pair,
        period=period,
        period_start=start,
        period_end=start + datetime.timedelta(days=29),
        due_on=start + datetime.timedelta(days=35),
        template=ReportTemplate.objects.filter(is_active=True).order_by("-created_at").first(),
        status=status,
        answers={"actions": f"Actions {tag}", "progress": f"Progress {tag}", "next_steps": f"Next {tag}"},
    )


def fill(pair, *, goals: int, meetings: int, reports: range, tag: str = "") -> None:
    """Goals with two notes each, meetings spread over January to March, submitted reports."""
    for g in range(goals):
        add_goal(pair, f"{tag}Goal {g}", [f"{tag}Note {g}a", f"{tag}Note {g}b"])
    for m in range(meetings):
        meeting(
            pair,
            JAN + datetime.timedelta(days=(m * 7) % 80),
            duration_minutes=60 + m % 31,
            modality=Meeting.Modality.VIDEO,
            notes=f"{tag}Meeting note {m}",
        )
    for r in reports:
        add_report(pair, r, status="submitted", tag=f"{tag}R{r}")


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=JAN)


@pytest.fixture
def other(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True, started_on=JAN, region=2)


@pytest.fixture
def story(pair, other):
    """A pair's year: goals and notes, meetings in January and February, a submitted report and a
    draft, CLASS pre (3) and post (5); and another pair's goal, meeting and report."""
    add_goal(pair, "Use open-ended questions", ["Tried it at circle time", "Asked three in one story"])
    meeting(pair, datetime.date(2026, 1, 12), duration_minutes=75, notes="Watched circle time")
    meeting(pair, datetime.date(2026, 2, 9), duration_minutes=60, modality=Meeting.Modality.PHONE, next_steps="Try")
    add_report(pair, 1, status="submitted", tag="SUBMITTEDANSWER")
    add_report(pair, 2, status="draft", tag="DRAFTANSWER")
    record(pair, "pre", 3)
    record(pair, "post", 5)
    add_goal(other, "OTHERPAIRGOAL", ["OTHERPAIRNOTE"])
    meeting(other, datetime.date(2026, 1, 14), duration_minutes=60, notes="OTHERPAIRMEETING")
    add_report(other, 1, status="submitted", tag="OTHERPAIRREPORT")
    return pair


def _download(client, user, pair):
    client.force_login(user)
    return client.get(reverse("evaluation:pair_progress_pdf", args=[pair.pk]))


def test_staff_copy_has_the_whole_year(client, story, staff_user):
    pair = story
    response = _download(client, staff_user, pair)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "progress-report" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        f"Progress report: {pair.coach.full_name} and {pair.mentee.full_name}",
        pair.leader.full_name,
        pair.mentee.program.name,
        pair.mentee.program.region.name,
        pair.get_kind_display(),
        "January 5, 2026",  # started
        "Use open-ended questions",
        "Tried it at circle time",
        "Asked three in one story",
        "January 2026",
        "February 2026",
        "Watched circle time",
        "2 meetings, 135 minutes in all",
        "30-day reports",
        "Actions SUBMITTEDANSWER",
        "Progress SUBMITTEDANSWER",
        "Emotional Support",
        "3.00",
        "5.00",
        "+2.00",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "DRAFTANSWER" not in text  # a draft is listed by status, its unfinished text is not quoted
    assert "Draft" in text
    assert "OTHERPAIR" not in text


def test_the_coach_sees_the_reports_too(client, story):
    text = pdf_text(_download(client, story.coach.user, story).content)
    assert "30-day reports" in text and "Actions SUBMITTEDANSWER" in text


@pytest.mark.parametrize("who", ["mentee", "leader"])
def test_mentee_and_leader_copies_leave_out_the_coachs_reports(client, story, who):
    pair = story
    user = getattr(pair, who).user
    # the web rule this follows: they cannot open the reports
    report = pair.reports.get(period=1)
    client.force_login(user)
    assert client.get(reverse("coaching:report", args=[report.pk])).status_code == 404
    response = _download(client, user, pair)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Use open-ended questions" in text and "January 2026" in text and "+2.00" in text
    assert "30-day report" not in text
    assert "SUBMITTEDANSWER" not in text and "DRAFTANSWER" not in text


def test_the_chart_is_embedded_as_an_image(story, staff_user):
    context = pair_report.pair_progress_context(story, user=staff_user)
    assert [t["tool"].instrument.code for t in context["tools"]] == ["pre_k"]
    assert context["tools"][0]["chart"].startswith("data:image/svg+xml;base64,")
    reader = pypdf.PdfReader(io.BytesIO(pair_report.pair_progress_report(story, user=staff_user)))
    # WeasyPrint draws the SVG as vectors: the chart's labels are text on the page
    assert "domain scores by time point" in "\n".join(p.extract_text() for p in reader.pages)


def test_an_empty_pair_says_so(client, pair, staff_user):
    text = pdf_text(_download(client, staff_user, pair).content)
    assert "No goals yet." in text and "No meetings logged yet." in text
    assert "No CLASS observations have been recorded" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("coach", 200),
        ("mentee", 200),
        ("leader", 200),
        ("other coach", 404),
        ("other mentee", 404),
        ("plain", 404),
    ],
)
def test_who_may_download_the_progress_report(client, pair, other, staff_user, who, status):
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
    growth = client.get(reverse("evaluation:pair_growth", args=[pair.pk])).status_code
    assert _download(client, user, pair).status_code == growth == status  # the same rule as the growth page


def test_anonymous_is_sent_to_sign_in(client, pair):
    response = client.get(reverse("evaluation:pair_progress_pdf", args=[pair.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_unknown_or_proposed_pair_is_404(client, pair, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("evaluation:pair_progress_pdf", args=[999999])).status_code == 404
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.DISCARDED)
    assert client.get(reverse("evaluation:pair_progress_pdf", args=[pair.pk])).status_code == 404


def test_the_growth_page_links_to_the_report(client, pair):
    client.force_login(pair.mentee.user)
    page = client.get(reverse("evaluation:pair_growth", args=[pair.pk])).content.decode()
    assert reverse("evaluation:pair_progress_pdf", args=[pair.pk]) in page
    assert "Download progress report (PDF)" in page


def _loaded(pair) -> Pair:
    return Pair.objects.select_related("coach", "leader", "mentee__program__region", "program_year").get(pk=pair.pk)


@pytest.mark.parametrize("who", ["staff", "mentee"])
def test_building_the_report_takes_a_fixed_number_of_queries(pair, staff_user, django_assert_num_queries, who):
    record(pair, "pre", 3)
    record(pair, "post", 5)
    fill(pair, goals=1, meetings=2, reports=range(1, 2), tag="small")
    user = staff_user if who == "staff" else pair.mentee.user
    loaded = _loaded(pair)
    pair_report.pair_progress_report(loaded, user=user)  # warm caches (role lookups, fonts)
    # goals, their notes, meetings, reports (not for the mentee), observations with their domain and
    # dimension results, the chart's version (the chart itself comes from the cache), the pair's pre/post cycle,
    # the pair's clip figures (evidence, through pac.annotations)
    expected = {"staff": 10, "mentee": 9}[who]
    with django_assert_num_queries(expected):
        pair_report.pair_progress_report(loaded, user=user)
    fill(pair, goals=6, meetings=30, reports=range(2, 4), tag="large")
    add_report(pair, 4, status="draft", tag="large draft")
    with django_assert_num_queries(expected):
        content = pair_report.pair_progress_report(loaded, user=user)
    text = pdf_text(content)
    assert "largeGoal 5" in text and "largeNote 5b" in text and "March 2026" in text


# --- a long report becomes a document job -----------------------------------------------------------


def test_a_long_report_is_offered_as_a_job_and_its_download_is_the_readers_own_copy(
    client, story, staff_user, django_capture_on_commit_callbacks
):
    from evaluation.pair_report import IN_REQUEST_WEIGHT, KIND, report_weight
    from pac.documents.models import DocumentJob

    pair = story
    fill(pair, goals=6, meetings=30, reports=range(3, 11), tag="LONG")
    assert report_weight(pair, user=staff_user) > IN_REQUEST_WEIGHT
    mentee = pair.mentee.user
    assert report_weight(pair, user=mentee) < report_weight(pair, user=staff_user)  # no reports in the mentee's

    client.force_login(staff_user)
    url = reverse("evaluation:pair_progress_pdf", args=[pair.pk])
    offer = client.get(url)
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    assert b"Prepare the progress report (PDF)" in offer.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = DocumentJob.objects.get(kind=KIND)
    assert response.url == reverse("documents:job", kwargs={"job_id": job.pk})
    assert job.params == {"pair": pair.pk, "viewer": staff_user.pk}
    assert job.status == DocumentJob.Status.DONE, job.error
    download = client.get(reverse("documents:download", kwargs={"job_id": job.pk}))
    text = pdf_text(b"".join(download.streaming_content))
    assert "LONGR10" in text and "SUBMITTEDANSWER" in text and "OTHERPAIR" not in text

    client.force_login(mentee)  # the mentee's own job: no reports section
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    mine = DocumentJob.objects.get(kind=KIND, requested_by=mentee)
    assert mine.status == DocumentJob.Status.DONE, mine.error
    text = pdf_text(b"".join(client.get(reverse("documents:download", kwargs={"job_id": mine.pk})).streaming_content))
    assert "LONGMeeting note 29" in text and "LONGR10" not in text and "SUBMITTEDANSWER" not in text
    # nobody else downloads the staff copy, and the mentee cannot pass the staff copy's params off as theirs
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 404
    from pac.documents import registry

    assert registry.get(KIND).allowed(mentee, job.params) is False


def test_a_short_report_still_downloads_at_once_and_the_job_refuses_someone_who_lost_access(
    client, pair, other, staff_user, django_capture_on_commit_callbacks
):
    from evaluation.pair_report import KIND
    from pac.documents.models import DocumentJob

    client.force_login(pair.coach.user)
    response = client.get(reverse("evaluation:pair_progress_pdf", args=[pair.pk]))
    assert response["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:pair_progress_pdf", args=[pair.pk]))  # a job works for a short one too
    job = DocumentJob.objects.get(kind=KIND)
    assert job.status == DocumentJob.Status.DONE
    client.force_login(other.coach.user)
    assert client.post(reverse("evaluation:pair_progress_pdf", args=[pair.pk])).status_code == 404
    type(pair).objects.filter(pk=pair.pk).update(status="discarded")  # no longer an analysed pair
    client.force_login(pair.coach.user)
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 403
