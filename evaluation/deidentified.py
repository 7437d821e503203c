"""De-identified data for evaluators (CSV and XLSX).

Every row uses stable pseudonymous ids in place of people, programs, pairs and survey respondents:
an HMAC-SHA256 of the record's kind and id under ``settings.PAC_PSEUDONYM_KEY``, so the same record
has the same id in every export and on every day, while nobody without the key can work back to it.
Direct identifiers (names, emails, phone numbers, addresses, program names and license numbers,
registry ids) and free text (notes, report answers, free-text survey answers, reasons) never leave.
Dates that could single a person out are coarsened to the month.

Each dataset is a function returning (headers, rows) that reads in a fixed number of queries
(aggregation and prefetching), whatever the size of the cohort.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth

from pac.models import ProgramYear

PREFIXES = {
    "person": "P",
    "program": "PR",
    "pair": "PAIR",
    "observation": "OBS",
    "round": "SR",
    "respondent": "R",
    "interview": "INT",
}


def pseudonym(kind: str, pk: int | None) -> str:
    if pk is None:
        return ""
    key = (
        settings.PAC_PSEUDONYM_KEY or hashlib.sha256(f"pac-pseudonym:{settings.SECRET_KEY}".encode()).hexdigest()
    ).encode()
    digest = hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:12]
    return f"{PREFIXES[kind]}-{digest}"


def month(day) -> str:
    return day.strftime("%Y-%m") if day else ""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    build: Callable[[ProgramYear], tuple[list[str], Iterable[list]]]


def _pair_context(pair) -> list:
    program = pair.mentee.program
    return [
        pseudonym("pair", pair.pk),
        pair.kind,
        program.region.number if program and program.region_id else "",
        program.program_type if program else "",
        program.qris_level if program else "",
    ]


PAIR_CONTEXT = ["pair_id", "pair_kind", "region", "program_type", "qris_level"]


def observations(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    from .models import Dimension, DimensionResult, Domain, DomainResult, Observation

    domain_codes = list(dict.fromkeys(Domain.objects.order_by("instrument_id", "order").values_list("code", flat=True)))
    dimension_codes = list(
        dict.fromkeys(
            Dimension.objects.order_by("domain__instrument_id", "domain__order", "order").values_list("code", flat=True)
        )
    )
    headers = [
        "observation_id",
        *PAIR_CONTEXT,
        "observee_id",
        "observer_id",
        "instrument",
        "time_point",
        "observed_month",
        "cycles",
        "mixed_age_room",
        *(f"domain_{c}" for c in domain_codes),
        *(f"dimension_{c}" for c in dimension_codes),
    ]
    queryset = (
        Observation.objects.filter(pair__program_year=year)
        .select_related("pair__mentee__program__region", "instrument", "pair__pre_post_cycle")
        .annotate(cycle_count=Count("cycles", distinct=True))
        .prefetch_related(
            Prefetch("domain_results", queryset=DomainResult.objects.select_related("domain")),
            Prefetch("dimension_results", queryset=DimensionResult.objects.select_related("dimension")),
        )
        .order_by("pair_id", "observed_on", "pk")
    )

    def rows():
        for o in queryset:
            domains = {r.domain.code: r.score for r in o.domain_results.all()}
            dimensions = {r.dimension.code: r.mean for r in o.dimension_results.all()}
            yield [
                pseudonym("observation", o.pk),
                *_pair_context(o.pair),
                pseudonym("person", o.observee_id),
                pseudonym("person", o.observer_id),
                o.instrument.code,
                o.time_point,
                month(o.observed_on),
                o.cycle_count,
                # a mixed-age room alternates two tools; its visit is one row per tool
                int(bool(getattr(o.pair, "pre_post_cycle", None) and o.pair.pre_post_cycle.is_mixed_age)),
                *(domains.get(c, "") for c in domain_codes),
                *(dimensions.get(c, "") for c in dimension_codes),
            ]

    return headers, rows()


def pairs(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    from coaching.models import Goal, Meeting
    from pairings.models import Pair

    headers = [
        *PAIR_CONTEXT,
        "coach_id",
        "mentee_id",
        "status",
        "end_kind",
        "started_month",
        "ended_month",
        "coaching_meetings",
        "leader_check_ins",
        "goals",
        "goals_met",
    ]
    held = Q(meetings__withdrawn_at__isnull=True)  # a withdrawn meeting stays on record but does not count
    check_in = Q(meetings__purpose=Meeting.Purpose.LEADER_CHECK_IN) & held
    queryset = (
        Pair.objects.filter(program_year=year, status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED])
        .select_related("mentee__program__region")
        .annotate(
            coaching_meetings=Count(
                "meetings", filter=~Q(meetings__purpose=Meeting.Purpose.LEADER_CHECK_IN) & held, distinct=True
            ),
            check_ins=Count("meetings", filter=check_in, distinct=True),
            goal_count=Count("goals", distinct=True),
            goals_met=Count("goals", filter=Q(goals__status=Goal.Status.MET), distinct=True),
        )
        .order_by("pk")
    )

    def rows():
        for p in queryset:
            yield [
                *_pair_context(p),
                pseudonym("person", p.coach_id),
                pseudonym("person", p.mentee_id),
                p.status,
                p.end_kind,
                month(p.started_on),
                month(p.ended_on),
                p.coaching_meetings,
                p.check_ins,
                p.goal_count,
                p.goals_met,
            ]

    return headers, rows()


def meetings(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    from coaching.models import Meeting

    headers = ["pair_id", "month", "coaching_meetings", "coaching_minutes", "leader_check_ins", "confirmed_by_mentee"]
    check_in = Q(purpose=Meeting.Purpose.LEADER_CHECK_IN)
    queryset = (
        Meeting.objects.held()
        .filter(pair__program_year=year)
        .annotate(month=TruncMonth("held_on"))
        .values("pair_id", "month")
        .annotate(
            coaching=Count("pk", filter=~check_in),
            minutes=Sum("duration_minutes", filter=~check_in),
            check_ins=Count("pk", filter=check_in),
            confirmed=Count("pk", filter=Q(mentee_confirmed_at__isnull=False)),
        )
        .order_by("pair_id", "month")
    )

    def rows():
        for r in queryset:
            yield [
                pseudonym("pair", r["pair_id"]),
                month(r["month"]),
                r["coaching"],
                r["minutes"] or 0,
                r["check_ins"],
                r["confirmed"],
            ]

    return headers, rows()


def reports(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    from coaching.models import ThirtyDayReport

    headers = ["pair_id", "period", "due_on", "status", "submitted_on", "days_late", "late"]
    queryset = ThirtyDayReport.objects.filter(pair__program_year=year).order_by("pair_id", "period")

    def rows():
        for r in queryset.only("pair_id", "period", "due_on", "status", "submitted_at", "was_late"):
            submitted = r.submitted_at.date() if r.submitted_at else None
            late_by = (submitted - r.due_on).days if submitted and submitted > r.due_on else 0
            yield [
                pseudonym("pair", r.pair_id),
                r.period,
                r.due_on.isoformat(),
                r.status,
                submitted.isoformat() if submitted else "",
                late_by,
                "yes" if r.was_late else "no",
            ]

    return headers, rows()


def survey_answers(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    """Closed answers only: free-text answers can name people and stay with EEC staff."""
    from .models import Answer, Question

    headers = [
        "round_id",
        "survey",
        "coach_id",
        "audience",
        "respondent_id",
        "question_number",
        "question",
        "question_kind",
        "agreement_1_to_5",
        "choice",
    ]
    queryset = (
        Answer.objects.filter(response__invitation__round__program_year=year)
        .exclude(question__kind=Question.Kind.TEXT)
        .select_related("question", "response__invitation__round__survey")
        .order_by("response__invitation__round_id", "response__invitation_id", "question__order")
    )

    def rows():
        for a in queryset:
            invitation = a.response.invitation
            yield [
                pseudonym("round", invitation.round_id),
                invitation.round.survey.name,
                pseudonym("person", invitation.round.coach_id),
                invitation.audience,
                pseudonym("respondent", invitation.pk),
                a.question.order,
                a.question.text,
                a.question.kind,
                a.agreement if a.agreement is not None else "",
                a.choice,
            ]

    return headers, rows()


def interview_answers(year: ProgramYear) -> tuple[list[str], Iterator[list]]:
    """Closed answers of recorded formative interviews: open answers are the interviewer's notes of
    what someone said and stay with EEC staff and the Advisory Panel. The interviewer is named only
    by their capacity (panel or staff)."""
    from .models import FormativeInterview, InterviewAnswer, InterviewQuestion

    headers = [
        "interview_id",
        "interviewee_id",
        "interviewee_role",
        "coach_id",
        "interviewer",
        "held_month",
        "protocol",
        "protocol_version",
        "question_number",
        "question",
        "choice",
    ]
    queryset = (
        InterviewAnswer.objects.filter(
            interview__program_year=year,
            interview__status=FormativeInterview.Status.RECORDED,
            question__kind=InterviewQuestion.Kind.CHOICE,
        )
        .exclude(choice="")
        .select_related("interview", "question__protocol")
        .order_by("interview__held_on", "interview_id", "question__order", "question_id")
    )

    def rows():
        for a in queryset:
            interview, protocol = a.interview, a.question.protocol
            yield [
                pseudonym("interview", interview.pk),
                pseudonym("person", interview.interviewee_id),
                interview.interviewee_role,
                pseudonym("person", interview.coach_id),
                interview.interviewer_capacity,
                month(interview.held_on),
                protocol.audience,
                protocol.version,
                a.question.order,
                a.question.text,
                a.choice,
            ]

    return headers, rows()


DATASETS = {
    d.slug: d
    for d in [
        Dataset(
            "observations",
            "CLASS observations",
            "One row an observation: tool, time point, month, domain scores and dimension means.",
            observations,
        ),
        Dataset(
            "pairs",
            "Pairs",
            "One row a pair: role, region, program type, QRIS level, months, meetings and goals.",
            pairs,
        ),
        Dataset(
            "meetings", "Meetings by month", "Meetings, minutes and leader check-ins per pair and month.", meetings
        ),
        Dataset(
            "reports", "30-day report timeliness", "Due date, submission date and lateness of each report.", reports
        ),
        Dataset(
            "survey-answers",
            "Survey answers",
            "Agreement and single-choice answers about coaches (free text is not exported).",
            survey_answers,
        ),
        Dataset(
            "interview-answers",
            "Formative interview answers",
            "Closed answers of formative interviews with coaches, Mentees and MAs (open answers are not exported).",
            interview_answers,
        ),
    ]
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _chain(headers, rows):
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def _chain(headers, rows):
    yield headers
    yield from rows


def xlsx_bytes(title: str, headers: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([safe_cell(float(v)) if _is_decimal(v) else safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _is_decimal(value) -> bool:
    from decimal import Decimal

    return isinstance(value, Decimal)
