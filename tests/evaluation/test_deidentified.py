"""Evaluators' de-identified exports: every dataset in CSV and XLSX, with no direct identifier and
no free text anywhere in any file; pseudonyms stable across downloads and distinct between
people; only staff and evaluators may download; queries do not grow with the data."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coaching import services as coaching
from evaluation.deidentified import DATASETS, pseudonym, safe_cell
from evaluation.models import Answer, Invitation, Question, Response, Survey, SurveyRound
from pac.models import Person, Program, User
from tests.coaching.factories import active_pair
from tests.evaluation.factories import record, recorded_interview
from tests.factories import UserFactory, panel_seat

pytestmark = pytest.mark.django_db

FREE_TEXT = "Ms. Quimby always brings the rhyming basket"
MEETING_NOTE = "Talked about Jonah's biting at nap time"
INTERVIEW_NOTE = "Mrs. Abernathy's class sings the cleanup song now"


def _survey_round(pair, staff):
    survey = Survey.objects.get(name="Coach feedback")
    round_ = SurveyRound.objects.create(
        survey=survey,
        program_year=pair.program_year,
        coach=pair.coach,
        audiences=["mentee"],
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        sent_by=staff,
    )
    invitation = Invitation.objects.create(
        round=round_,
        audience="mentee",
        person=pair.mentee,
        user=pair.mentee.user,
        name=pair.mentee.full_name,
        email=pair.mentee.email,
        token_hash=f"{pair.pk:064d}",
        answered_at=timezone.now(),
    )
    response = Response.objects.create(invitation=invitation, via="account")
    for question in survey.questions.all():
        if question.kind == Question.Kind.AGREEMENT:
            Answer.objects.create(response=response, question=question, agreement=4)
        elif question.kind == Question.Kind.CHOICE:
            Answer.objects.create(response=response, question=question, choice=question.choice_list[1])
        else:
            Answer.objects.create(response=response, question=question, text=FREE_TEXT)
    return round_


@pytest.fixture
def cohort(program_year, staff_user):
    pairs = [
        active_pair(
            program_year, staff_user, with_leader=True, started_on=timezone.localdate() - datetime.timedelta(days=70)
        )
        for _ in range(2)
    ]
    for pair in pairs:
        Program.objects.filter(pk=pair.mentee.program_id).update(street="12 Elm Street")
        Person.objects.filter(pk=pair.mentee_id).update(phone="617-555-0199", pq_registry_id="PQ-778899")
        coaching.meeting_log(
            pair=pair,
            actor=pair.coach.user,
            held_on=timezone.localdate() - datetime.timedelta(days=20),
            duration_minutes=75,
            modality="video",
            purpose="observation",
            notes=MEETING_NOTE,
        )
        coaching.reports_ensure(pair=pair)
        record(pair, "pre", 4)
        record(pair, "post", 5)
        _survey_round(pair, staff_user)
        recorded_interview(
            program_year, staff_user, interviewee=pair.mentee, interviewer=staff_user, open_text=INTERVIEW_NOTE
        )
    return pairs


def _download(client, slug, fmt, year):
    response = client.get(reverse("evaluation:export", args=[slug, fmt]) + f"?year={year.pk}")
    assert response.status_code == 200, (slug, fmt)
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _identifiers() -> set[str]:
    values = set()
    for person in Person.objects.all():
        values |= {
            person.first_name,
            person.last_name,
            person.full_name,
            person.email,
            person.phone,
            person.pq_registry_id,
        }
    for user in User.objects.all():
        values |= {user.email, user.full_name}
    for program in Program.objects.all():
        values |= {program.name, program.license_number, program.street, program.fcc_system_name}
    values |= {FREE_TEXT, MEETING_NOTE, INTERVIEW_NOTE, "Room 1"}
    return {v for v in values if v and len(v) > 2}


def test_no_direct_identifier_or_free_text_appears_in_any_export(client, cohort, evaluator, program_year):
    client.force_login(evaluator)
    identifiers = _identifiers()
    assert len(identifiers) > 20  # the test has something to look for
    for slug in DATASETS:
        for fmt in ("csv", "xlsx"):
            rows = _download(client, slug, fmt, program_year)
            assert len(rows) > 1, (slug, fmt)  # a header and data
            text = "\n".join(",".join(row) for row in rows)
            leaked = sorted(v for v in identifiers if v.lower() in text.lower())
            assert not leaked, (slug, fmt, leaked)


def test_each_dataset_has_the_expected_rows(client, cohort, evaluator, program_year):
    client.force_login(evaluator)
    observations = _download(client, "observations", "csv", program_year)
    header = observations[0]
    assert len(observations) == 1 + 4  # two pairs, pre and post
    row = dict(zip(header, observations[1], strict=True))
    assert row["instrument"] == "pre_k" and row["time_point"] in ("pre", "post")
    assert row["pair_id"] == pseudonym("pair", cohort[0].pk) and row["cycles"] == "4"
    assert row["mixed_age_room"] == "0"
    assert row["domain_ES"] in ("4.000", "5.000") and row["dimension_NC"] in ("4.000", "5.000")
    pairs = _download(client, "pairs", "csv", program_year)
    first = dict(zip(pairs[0], pairs[1], strict=True))
    assert first["coaching_meetings"] == "1" and first["mentee_id"] == pseudonym("person", cohort[0].mentee_id)
    reports = _download(client, "reports", "csv", program_year)
    assert reports[0] == ["pair_id", "period", "due_on", "status", "submitted_on", "days_late", "late"]
    assert len(reports) == 1 + 2 * 3  # after 70 days: periods 1 and 2 due, period 3 under way, for each pair
    answers = _download(client, "survey-answers", "xlsx", program_year)
    kinds = {r[answers[0].index("question_kind")] for r in answers[1:]}
    assert kinds == {"agreement", "choice"}  # free text stays with staff
    interviews = _download(client, "interview-answers", "csv", program_year)
    header = interviews[0]
    rows = [dict(zip(header, row, strict=True)) for row in interviews[1:]]
    assert len(rows) == 2 * 3  # two Mentees' interviews, three closed questions each; open answers stay
    assert {r["interviewee_id"] for r in rows} == {pseudonym("person", p.mentee_id) for p in cohort}
    assert {r["coach_id"] for r in rows} == {pseudonym("person", p.coach_id) for p in cohort}
    assert {r["interviewee_role"] for r in rows} == {"mentee"} and {r["interviewer"] for r in rows} == {"staff"}
    assert rows[0]["choice"] == "At least weekly" and rows[0]["held_month"] == timezone.localdate().strftime("%Y-%m")


def test_pseudonyms_are_stable_and_distinct(client, cohort, evaluator, program_year, settings):
    client.force_login(evaluator)
    first = _download(client, "pairs", "csv", program_year)
    second = _download(client, "pairs", "xlsx", program_year)
    assert [r[:1] + r[5:7] for r in first[1:]] == [r[:1] + r[5:7] for r in second[1:]]
    ids = {r[5] for r in first[1:]} | {r[6] for r in first[1:]}
    assert len(ids) == 4  # two coaches and two mentees, each their own id
    assert pseudonym("person", 1) != pseudonym("pair", 1)
    settings.PAC_PSEUDONYM_KEY = "another key"
    assert pseudonym("person", cohort[0].coach_id) != first[1][5]  # without the key there is no way back


def test_spreadsheet_formulas_are_neutralised():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("plain") == "plain" and safe_cell(3) == 3


@pytest.mark.parametrize(
    "who,expected",
    [
        ("staff", 200),
        ("evaluator", 200),
        ("observer", 403),
        ("coach", 403),
        ("mentee", 403),
        ("leader", 403),
        ("panel", 403),
        ("nobody", 403),
    ],
)
def test_who_may_download(client, cohort, staff_user, evaluator, observer, program_year, who, expected):
    panel = panel_seat(program_year)
    users = {
        "staff": staff_user,
        "evaluator": evaluator,
        "observer": observer,
        "coach": cohort[0].coach.user,
        "mentee": cohort[0].mentee.user,
        "leader": cohort[0].leader.user,
        "panel": panel,
        "nobody": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(reverse("evaluation:exports")).status_code == expected
    assert client.get(reverse("evaluation:export", args=["pairs", "csv"])).status_code == expected


def test_unknown_datasets_formats_and_years_are_not_found(client, evaluator, program_year):
    client.force_login(evaluator)
    assert client.get(reverse("evaluation:export", args=["people", "csv"])).status_code == 404
    assert client.get(reverse("evaluation:export", args=["pairs", "pdf"])).status_code == 404
    assert client.get(reverse("evaluation:export", args=["pairs", "csv"]) + "?year=99999").status_code == 404
    client.logout()
    assert client.get(reverse("evaluation:export", args=["pairs", "csv"])).status_code == 302


@pytest.mark.parametrize("slug", list(DATASETS))
def test_exports_read_in_a_fixed_number_of_queries(
    client, evaluator, program_year, staff_user, slug, django_assert_max_num_queries
):
    active_pair(program_year, staff_user)
    pair = active_pair(program_year, staff_user)
    record(pair, "pre", 4)
    _survey_round(pair, staff_user)
    client.force_login(evaluator)
    url = reverse("evaluation:export", args=[slug, "csv"]) + f"?year={program_year.pk}"
    with django_assert_max_num_queries(20) as small:
        b"".join(client.get(url).streaming_content)
    for _ in range(3):
        more = active_pair(program_year, staff_user)
        record(more, "pre", 3)
        record(more, "post", 4)
        _survey_round(more, staff_user)
        recorded_interview(program_year, staff_user, interviewee=more.coach, interviewer=staff_user)
    with django_assert_max_num_queries(20) as large:
        b"".join(client.get(url).streaming_content)
    assert len(small.captured_queries) == len(large.captured_queries)
