"""My work: formative interviews to hold (the interviewer) and to give (the interviewee); the
"Formative interviews" menu item for staff and the Advisory Panel."""

from __future__ import annotations

from django.http import HttpRequest

from pac import my_work, navigation
from pac.selectors import is_on_advisory_panel

from .selectors import interviews_waiting_for


@my_work.register
def interviews_panel(request: HttpRequest) -> my_work.Panel | None:
    # one query for everyone: an interviewee is anyone in a pair, which the page does not otherwise know
    waiting = list(interviews_waiting_for(request.user)[:20])
    to_hold = [i for i in waiting if i.interviewer_id == request.user.pk]
    to_give = [i for i in waiting if i.interviewer_id != request.user.pk]
    if not waiting:
        return None
    return my_work.Panel(
        title="Formative interviews",
        template="evaluation/interviews/panels/mine.html",
        context={"to_hold": to_hold, "to_give": to_give},
        order=14,
    )


navigation.register(
    navigation.NavItem(
        "Formative interviews",
        "evaluation:interviews",
        order=55,
        check=lambda r: r.user.has_perm("evaluation.schedule_interviews") or is_on_advisory_panel(r.user),
        group=navigation.EVALUATION,
    )
)
