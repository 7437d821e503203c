"""Reads for formative interviews: the list, the six-month review's section, My work."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from ..models import CoachReview, FormativeInterview, InterviewAnswer
from .permissions import interviews_visible_to

LISTED = ("interviewee", "coach", "interviewer", "program_year", "protocol")


def interviews_listed(user, program_year) -> QuerySet[FormativeInterview]:
    """The list page's interviews of a year that the user may see, with what each row prints joined."""
    return (
        interviews_visible_to(user)
        .filter(program_year=program_year)
        .select_related(*LISTED)
        .annotate(interview_on=Coalesce("held_on", "scheduled_on"))
        .order_by("scheduled_on", "interviewee__last_name", "pk")
    )


def with_answers(interviews: QuerySet[FormativeInterview]) -> QuerySet[FormativeInterview]:
    answers = InterviewAnswer.objects.select_related("question").order_by("question__order", "question_id")
    return interviews.prefetch_related(Prefetch("answers", queryset=answers))


def interviews_for_review(review: CoachReview, *, user=None) -> list[FormativeInterview]:
    """The interviews that inform a coach's six-month review: with the coach and with their Mentees or
    MAs in the year, recorded ones with their answers (three queries whatever their number). Cancelled
    ones are left out; with ``user``, only those the user may see (``evaluation.view_interview``)."""
    interviews = FormativeInterview.objects.filter(program_year_id=review.program_year_id, coach_id=review.coach_id)
    if user is not None:
        interviews = interviews.filter(pk__in=interviews_visible_to(user).values("pk"))
    return list(
        with_answers(
            interviews.exclude(status=FormativeInterview.Status.CANCELLED)
            .select_related(*LISTED)
            .order_by("status", "held_on", "scheduled_on", "pk")
        )
    )


def interviews_waiting_for(user) -> QuerySet[FormativeInterview]:
    """Scheduled interviews the user holds or is asked to give (My work)."""
    return (
        FormativeInterview.objects.filter(status=FormativeInterview.Status.SCHEDULED)
        .filter(Q(interviewer=user) | Q(interviewee__user=user))
        .select_related("interviewee", "interviewer", "program_year")
        .order_by("scheduled_on", "pk")
    )
