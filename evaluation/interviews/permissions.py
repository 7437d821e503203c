"""Who sees and does what with formative interviews.

- EEC staff schedule, cancel and read every interview.
- The interviewer (an Advisory Panel member of the year or EEC staff) reads and records their own.
- The year's Advisory Panel reads the year's interviews, as they read the six-month reviews: never
  one with themself, nor one that informs their own review (a coach on the panel is recused).
- The interviewee sees on My work that an interview is planned (date, interviewer), not the record.
- Evaluators get the closed answers de-identified (evaluation.deidentified), no page.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.permissions import is_eec_staff
from pac.selectors import advisory_panel_year_ids, is_on_advisory_panel

from ..models import FormativeInterview


@rules.predicate
def is_interviewer(user, interview: FormativeInterview | None) -> bool:
    return interview is not None and user.is_authenticated and interview.interviewer_id == user.pk


@rules.predicate
def is_interviewee(user, interview: FormativeInterview | None) -> bool:
    return interview is not None and user.is_authenticated and interview.interviewee.user_id == user.pk


@rules.predicate
def informs_own_review(user, interview: FormativeInterview | None) -> bool:
    """The interview feeds the user's own six-month review (they are its coach)."""
    return interview is not None and user.is_authenticated and interview.coach.user_id == user.pk


@rules.predicate
def on_interviews_panel(user, interview: FormativeInterview | None) -> bool:
    return interview is not None and is_on_advisory_panel(user, interview.program_year_id)


@rules.predicate
def interview_scheduled(user, interview: FormativeInterview | None) -> bool:
    return interview is not None and interview.status == FormativeInterview.Status.SCHEDULED


rules.add_perm("evaluation.schedule_interviews", is_eec_staff)
rules.add_perm(
    "evaluation.view_interview",
    is_eec_staff | is_interviewer | (on_interviews_panel & ~is_interviewee & ~informs_own_review),
)
rules.add_perm("evaluation.record_interview", is_interviewer & interview_scheduled)
rules.add_perm("evaluation.cancel_interview", is_eec_staff & interview_scheduled)
rules.add_perm("evaluation.export_interviews", is_eec_staff)


def may_list_interviews(user) -> bool:
    """The list page is for staff, the Advisory Panel and anyone who holds interviews."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_eec_staff(user) or is_on_advisory_panel(user) or FormativeInterview.objects.filter(interviewer=user).exists()
    )


def interviews_visible_to(user) -> QuerySet[FormativeInterview]:
    """The queryset twin of ``evaluation.view_interview``."""
    if not getattr(user, "is_authenticated", False):
        return FormativeInterview.objects.none()
    if is_eec_staff(user):
        return FormativeInterview.objects.all()
    years = advisory_panel_year_ids(user)
    as_panel = Q(program_year_id__in=years) & ~Q(interviewee__user=user) & ~Q(coach__user=user)
    return FormativeInterview.objects.filter(Q(interviewer=user) | as_panel)
