"""My work for coaches, mentees, leaders, PLC facilitators and staff: what each has to do next,
worked out from the data when the page is asked for (never from the reminder sweep's rows, so it
is right whether or not the beat has run). Each panel costs a fixed number of queries."""

from django.http import HttpRequest
from django.urls import reverse

from pac import my_work, navigation, versioned
from pac.models import ProgramYear
from pac.permissions import is_eec_staff, is_plc_facilitator
from pairings.models import Pair
from pairings.participation import signing_participations

from . import participation, selectors
from .models import Meeting, Reminder, ThirtyDayReport
from .permissions import can_keep_attendance


def active_pairs(request: HttpRequest) -> list:
    """The user's active pairs, read once per request for all the panels (evidence's too)."""
    if not hasattr(request, "_pac_active_pairs"):
        request._pac_active_pairs = selectors.active_pairs_of(request.user)
    return request._pac_active_pairs


def _role_pairs(request: HttpRequest, role: str) -> list:
    return [
        p for p in active_pairs(request) if getattr(p, f"{role}_id") and getattr(p, role).user_id == request.user.pk
    ]


def _items_panel(title: str, items: list, *, order: int, empty: str = "", link=None) -> my_work.Panel:
    return my_work.Panel(
        title=title,
        template="coaching/panels/due.html",
        context={"items": items, "empty": empty, "link": link},
        order=order,
    )


@my_work.register
def coach_panel(request: HttpRequest) -> my_work.Panel | None:
    """A coach's overdue, due and returned 30-day reports, and months without a meeting or check-in."""
    pairs = _role_pairs(request, "coach")
    if not pairs:
        return None
    return _items_panel(
        "Your coaching: reports and meetings",
        selectors.coach_due(pairs),
        order=11,
        empty="Nothing is due: every report is in and every month has its meetings.",
    )


@my_work.register
def mentee_panel(request: HttpRequest) -> my_work.Panel | None:
    """Meetings a mentee took part in and has yet to confirm."""
    if not _role_pairs(request, "mentee"):
        return None
    return _items_panel(
        "Meetings to confirm", selectors.mentee_due(request.user), order=11, empty="Every meeting is confirmed."
    )


@my_work.register
def participation_panel(request: HttpRequest) -> my_work.Panel | None:
    """A Mentee's or MA's own participation: the confidentiality acknowledgement to sign, orientation to
    attend (marked when the year requires both before their pair is confirmed), training recommended."""
    roles = signing_participations(request.user)
    items = participation.mentee_todo(request.user, roles=roles)
    if not roles and not items:
        return None
    return my_work.Panel(
        title="Your participation",
        template="coaching/panels/participation.html",
        context={
            "items": items,
            "empty": "You have signed the confidentiality acknowledgement and attended orientation.",
        },
        order=13,
    )


@my_work.register
def leader_panel(request: HttpRequest) -> my_work.Panel | None:
    """A Program/Instructional Leader's monthly check-ins with their pairs."""
    pairs = _role_pairs(request, "leader")
    if not pairs:
        return None
    return _items_panel(
        "Check-ins with your pairs",
        selectors.leader_due(pairs),
        order=14,
        empty="This month's check-ins are logged.",
    )


@my_work.register
def facilitator_panel(request: HttpRequest) -> my_work.Panel | None:
    """A PLC facilitator's PLC sessions to record."""
    if not is_plc_facilitator(request.user):
        return None
    return _items_panel(
        "PLC sessions to record",
        selectors.facilitator_due(request.user, ProgramYear.objects.current()),
        order=12,
        empty="Every PLC session's attendance is recorded.",
        link=(reverse("coaching:training"), "PLC sessions and attendance"),
    )


@my_work.register
def staff_coaching_panel(request: HttpRequest) -> my_work.Panel | None:
    """Staff's 30-day reports to review, overdue reports and the coaching flags."""
    if not is_eec_staff(request.user):
        return None
    year = ProgramYear.objects.current()
    return my_work.Panel(
        title="Coaching",
        template="coaching/panels/staff.html",
        context={
            "year": year,
            # the whole year's pairs, meetings and reports: computed once per change of them
            **versioned.figures(
                "coaching.staff_flags",
                [Pair, Meeting, ThirtyDayReport],
                lambda: selectors.staff_coaching_flags(year),
                scope=year.pk if year else None,
            ),
            "participation_missing": participation.participation_missing_count(year),
        },
        order=22,
    )


@my_work.register
def reminders_panel(request: HttpRequest) -> my_work.Panel | None:
    """Reminders the sweep sent (also by email), and how the person wants them delivered. What is
    due is in the panels above; this is the messages' inbox."""
    person = getattr(request.user, "person", None)
    if person is None:
        return None
    unread = list(Reminder.objects.filter(recipient=person, read_at__isnull=True).order_by("-created_at")[:10])
    if not unread and not _role_pairs(request, "coach"):
        return None
    return my_work.Panel(
        title="Reminders",
        template="coaching/panels/reminders.html",
        context={"reminders": unread, "delivery": person.get_reminder_emails_display()},
        order=80,
    )


navigation.register(
    navigation.NavItem(
        "Coaching overview",
        "coaching:overview",
        order=45,
        permission="pairings.manage",
        group=navigation.PAIRING_AND_COACHING,
    )
)
navigation.register(
    navigation.NavItem(
        "PLC and training",
        "coaching:training",
        order=46,
        check=lambda r: can_keep_attendance(r.user),
        group=navigation.PAIRING_AND_COACHING,
    )
)
navigation.register(
    navigation.NavItem(
        "Mentee participation",
        "coaching:participation",
        order=47,
        permission="pairings.manage",
        group=navigation.PAIRING_AND_COACHING,
    )
)
