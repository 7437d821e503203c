"""Who sees what of the surveys about coaches.

- EEC staff send rounds, see response rates and who has answered, send reminders, and read
  free-text answers (never next to a name).
- A respondent sees only their own invitation: through its personal link, or signed in as the
  invited account (or the account of the invited person).
- Results (each question's distribution for one coach) are for EEC staff and the Advisory Panel
  members of that program year; the panel never sees free text.
- The coach never sees their own results, even as a panel member: in a program this small a coach
  could tell who said what, and respondents were promised their answers are not shown to the coach.
- Evaluators see no survey pages: they receive de-identified answers in the exports.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.permissions import is_eec_staff
from pac.selectors import advisory_panel_year_ids

from ..models import Invitation, SurveyRound

# Below this many responses the panel sees only the response rate: with one or two answers the
# distribution would show how a particular Mentee or leader answered. Staff always see results.
PANEL_MIN_RESPONSES = 3


@rules.predicate
def on_panel_for_round(user, survey_round: SurveyRound | None) -> bool:
    return survey_round is not None and survey_round.program_year_id in advisory_panel_year_ids(user)


@rules.predicate
def is_round_coach(user, survey_round: SurveyRound | None) -> bool:
    return survey_round is not None and user.is_authenticated and survey_round.coach.user_id == user.pk


@rules.predicate
def holds_invitation(user, invitation: Invitation | None) -> bool:
    if invitation is None or not user.is_authenticated:
        return False
    return invitation.user_id == user.pk or bool(invitation.person_id and invitation.person.user_id == user.pk)


rules.add_perm("evaluation.send_survey", is_eec_staff)
rules.add_perm("evaluation.view_survey_rates", is_eec_staff)
# the rounds list as CSV: the page's columns (rates, never answers)
rules.add_perm("evaluation.export_survey_rounds", is_eec_staff)
rules.add_perm("evaluation.remind_survey", is_eec_staff)
rules.add_perm("evaluation.view_survey_results", is_eec_staff | (on_panel_for_round & ~is_round_coach))
rules.add_perm("evaluation.view_survey_free_text", is_eec_staff)
rules.add_perm("evaluation.answer_survey", holds_invitation)


def may_see_some_results(user, program_year=None) -> bool:
    """Whether the results pages are for this user at all (in a year, if given)."""
    if is_eec_staff(user):
        return True
    years = advisory_panel_year_ids(user)
    return program_year.pk in years if program_year is not None else bool(years)


def rounds_with_results_visible_to(user) -> QuerySet[SurveyRound]:
    """The rounds whose results the user may see: the queryset twin of ``view_survey_results``."""
    if is_eec_staff(user):
        return SurveyRound.objects.all()
    years = advisory_panel_year_ids(user)
    if not years:
        return SurveyRound.objects.none()
    return SurveyRound.objects.filter(program_year_id__in=years).exclude(coach__user=user)


def invitations_of(user) -> QuerySet[Invitation]:
    """The user's own invitations: the queryset twin of ``answer_survey``."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(Q(user=user) | Q(person__user=user))
