"""Reads for the survey pages: response rates by round and audience, and a coach's results. Each
runs a fixed number of queries, whatever the number of rounds, invitations or answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from pac.models import Person, ProgramYear

from ..models import Answer, Audience, Invitation, Question, Survey, SurveyRound
from .permissions import PANEL_MIN_RESPONSES, invitations_of
from .services import coaches_of_year


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _invitations(**conditions) -> Coalesce:
    """A count (or ``reminders_sent`` sum) of each round's invitations, as a subquery: worked out for
    the rows of the page only, not for every round of the year before sorting and slicing."""
    total = conditions.pop("total", Count("pk"))
    rows = (
        Invitation.objects.filter(round=OuterRef("pk"), **conditions)
        .order_by()
        .values("round")
        .annotate(n=total)
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def rounds_with_rates(program_year: ProgramYear) -> QuerySet[SurveyRound]:
    """The year's rounds with invited, answered, unsent and reminder counts (one query; each count
    a subquery on the round's invitations)."""
    return (
        SurveyRound.objects.filter(program_year=program_year)
        .select_related("survey", "coach", "sent_by")
        .annotate(
            invited=_invitations(),
            answered=_invitations(answered_at__isnull=False),
            unsent=_invitations(sent_at__isnull=True),
            reminders=_invitations(total=Sum("reminders_sent")),
        )
        # the response rate, for sorting (the page shows percent(answered, invited))
        .annotate(rate=F("answered") * 100.0 / NullIf(F("invited"), 0))
        .order_by("-sent_at", "-pk")
    )


NOT_SURVEYED_SHOWN = 20


def coaches_not_surveyed(program_year: ProgramYear) -> QuerySet[Person]:
    """Coaches of the year with no survey round yet."""
    return (
        coaches_of_year(program_year)
        .exclude(survey_rounds__program_year=program_year)
        .select_related("program__region")
    )


@dataclass
class AudienceRate:
    audience: str
    label: str
    invited: int
    answered: int

    @property
    def rate(self) -> int | None:
        return percent(self.answered, self.invited)


def rates_by_audience(rounds) -> dict[int, list[AudienceRate]]:
    """Invited and answered per audience, for each survey of the given rounds (one query)."""
    rows = (
        Invitation.objects.filter(round__in=rounds)
        .values("round__survey_id", "audience")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    )
    counts = {(r["round__survey_id"], r["audience"]): r for r in rows}
    labels = dict(Audience.choices)
    result: dict[int, list[AudienceRate]] = {}
    for survey_id in {r["round__survey_id"] for r in rows}:
        result[survey_id] = [
            AudienceRate(a, labels[a], counts[(survey_id, a)]["invited"], counts[(survey_id, a)]["answered"])
            for a in Audience.values
            if (survey_id, a) in counts
        ]
    return result


def round_invitations(survey_round: SurveyRound) -> QuerySet[Invitation]:
    return Invitation.objects.filter(round=survey_round).order_by("audience", "name", "pk")


# --- results ----------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    percent: int | None


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResult:
    survey: Survey
    rounds: list[SurveyRound]
    audiences: list[AudienceRate]
    questions: list[QuestionResult]
    too_few: bool = False  # hidden from the panel: fewer than PANEL_MIN_RESPONSES answers

    @property
    def invited(self) -> int:
        return sum(a.invited for a in self.audiences)

    @property
    def responses(self) -> int:
        return sum(a.answered for a in self.audiences)

    @property
    def rate(self) -> int | None:
        return percent(self.responses, self.invited)


def coach_results(*, rounds: list[SurveyRound], include_text: bool, for_panel: bool) -> list[SurveyResult]:
    """Each survey's results over the given rounds (one coach, one year): per question, the count
    of every agreement value 1–5 and every option (zero-filled), the mean agreement, and the number
    answering; response rates by audience; free-text answers only with ``include_text``, sorted so
    their order says nothing about who wrote them. Five queries."""
    if not rounds:
        return []
    by_survey: dict[int, list[SurveyRound]] = {}
    for survey_round in rounds:
        by_survey.setdefault(survey_round.survey_id, []).append(survey_round)
    questions = list(Question.objects.filter(survey_id__in=by_survey).order_by("survey_id", "order", "pk"))
    answers = Answer.objects.filter(response__invitation__round__in=rounds)
    tallies: dict[int, dict] = {}
    for row in (
        answers.filter(Q(agreement__isnull=False) | ~Q(choice=""))
        .values("question_id", "agreement", "choice")
        .annotate(n=Count("id"))
    ):
        key = row["agreement"] if row["agreement"] is not None else row["choice"]
        tallies.setdefault(row["question_id"], {})[key] = row["n"]
    texts: dict[int, list[str]] = {}
    text_answers = answers.filter(question__kind=Question.Kind.TEXT).exclude(text="")
    if include_text:
        for question_id, text in text_answers.order_by("question_id", "text").values_list("question_id", "text"):
            texts.setdefault(question_id, []).append(text)
        text_counts = {q: len(t) for q, t in texts.items()}
    else:
        text_counts = dict(text_answers.values("question_id").annotate(n=Count("id")).values_list("question_id", "n"))
    rates = rates_by_audience(rounds)
    results = []
    for survey_id, survey_rounds in by_survey.items():
        result = SurveyResult(
            survey=survey_rounds[0].survey, rounds=survey_rounds, audiences=rates.get(survey_id, []), questions=[]
        )
        result.too_few = for_panel and result.responses < PANEL_MIN_RESPONSES
        for question in (q for q in questions if q.survey_id == survey_id):
            result.questions.append(
                _question_result(question, tallies.get(question.pk, {}), texts.get(question.pk, []), text_counts)
            )
        results.append(result)
    return sorted(results, key=lambda r: r.survey.name)


def _question_result(question: Question, tally: dict, texts: list[str], text_counts: dict) -> QuestionResult:
    if question.kind == Question.Kind.TEXT:
        return QuestionResult(question=question, n=text_counts.get(question.pk, 0), texts=texts)
    n = sum(tally.values())
    if question.kind == Question.Kind.AGREEMENT:
        bars = [
            Bar(f"{value} · {label}", tally.get(value, 0), percent(tally.get(value, 0), n))
            for value, label in Question.AGREEMENT_LABELS.items()
        ]
        mean = round(sum(value * count for value, count in tally.items()) / n, 2) if n else None
        return QuestionResult(question=question, n=n, bars=bars, mean=mean)
    options = question.choice_list
    # an option staff removed after people chose it still counts, marked as such
    retired = sorted(k for k in tally if k not in options)
    bars = [Bar(option, tally.get(option, 0), percent(tally.get(option, 0), n)) for option in options]
    bars += [Bar(f"{option} (no longer offered)", tally[option], percent(tally[option], n)) for option in retired]
    return QuestionResult(question=question, n=n, bars=bars)


# --- respondents ------------------------------------------------------------------------------


def unanswered_invitations(user, today: datetime.date | None = None) -> QuerySet[Invitation]:
    """The user's invitations still to answer, in rounds that are open."""
    today = today or timezone.localdate()
    return (
        invitations_of(user)
        .filter(answered_at__isnull=True, round__closes_on__gte=today)
        .select_related("round__survey", "round__coach")
        .order_by("round__closes_on", "pk")
    )
