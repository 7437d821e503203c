"""My work: the surveys a person has to answer, and coach results for Advisory Panel members;
the "Surveys" navigation item for EEC staff."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from pac import my_work, navigation
from pac.models import Person, ProgramYear
from pac.permissions import is_eec_staff
from pac.selectors import is_on_advisory_panel

from .permissions import rounds_with_results_visible_to
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
    # the panel question is read once per user and asked elsewhere on the page: no extra query
    if is_eec_staff(request.user) or not is_on_advisory_panel(request.user):
        return None
    year = ProgramYear.objects.current()
    if year is None or not is_on_advisory_panel(request.user, year):
        return None
    # every coach of the year surveyed (hundreds statewide): their names and links, in one query
    rounds = rounds_with_results_visible_to(request.user).filter(program_year=year)
    people = Person.objects.filter(pk__in=rounds.values("coach_id")).order_by("last_name", "first_name", "pk")
    # one reverse for all of them: the coach's id goes where the placeholder is
    placeholder = "2147483647"
    address = reverse("evaluation:survey_results", args=[int(placeholder)]) + f"?year={year.pk}"
    coaches = [
        (Person.name_of(first, last), address.replace(placeholder, str(pk)))
        for pk, first, last in people.values_list("pk", "first_name", "last_name")
    ]
    if not coaches:
        return None
    return my_work.Panel(
        title="Coach survey results",
        template="evaluation/surveys/panels/results.html",
        context={"coaches": coaches, "year": year},
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
