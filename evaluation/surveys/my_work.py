"""My work: the surveys a person has to answer, and coach results for Advisory Panel members;
the "Surveys" navigation item for EEC staff."""

from __future__ import annotations

from django.http import HttpRequest

from pac import my_work, navigation
from pac.models import ProgramYear
from pac.permissions import is_eec_staff

from ..permissions import is_panel_member
from .permissions import panel_year_ids, rounds_with_results_visible_to
from .selectors import unanswered_invitations


@my_work.register
def surveys_to_answer_panel(request: HttpRequest) -> my_work.Panel | None:
    invitations = list(unanswered_invitations(request.user))
    if not invitations:
        return None
    return my_work.Panel(
        title="Surveys to answer",
        template="evaluation/surveys/panels/to_answer.html",
        context={"invitations": invitations},
        order=12,
    )


@my_work.register
def survey_results_panel(request: HttpRequest) -> my_work.Panel | None:
    """For Advisory Panel members (staff reach results from the Surveys page)."""
    # is_panel_member is cached on the user and asked elsewhere on the page: no extra query for most
    if is_eec_staff(request.user) or not is_panel_member(request.user):
        return None
    year = ProgramYear.objects.current()
    if year is None or year.pk not in panel_year_ids(request.user):
        return None
    coaches = {
        r.coach_id: r.coach
        for r in rounds_with_results_visible_to(request.user)
        .filter(program_year=year)
        .select_related("coach")
        .order_by("coach__last_name", "coach__first_name")
    }
    if not coaches:
        return None
    return my_work.Panel(
        title="Coach survey results",
        template="evaluation/surveys/panels/results.html",
        context={"coaches": list(coaches.values()), "year": year},
        order=40,
    )


navigation.register(
    navigation.NavItem(
        "Surveys",
        "evaluation:survey_rounds",
        order=62,
        permission="evaluation.view_survey_rates",
        group=navigation.EVALUATION,
    )
)
