from django.http import HttpRequest

from pac import my_work, navigation

from .models import NotificationPreference, Reminder
from .permissions import can_keep_attendance


@my_work.register
def reminders_panel(request: HttpRequest) -> my_work.Panel | None:
    person = getattr(request.user, "person", None)
    if person is None:
        return None
    unread = list(Reminder.objects.filter(recipient=person, read_at__isnull=True).order_by("-created_at")[:10])
    if not unread and not person.pairs_as_coach.exists():
        return None
    preference = NotificationPreference.objects.filter(person=person).values_list("delivery", flat=True).first()
    return my_work.Panel(
        title="Reminders",
        template="coaching/panels/reminders.html",
        context={
            "reminders": unread,
            "delivery": preference or "immediate",
            "choices": NotificationPreference.Delivery.choices,
        },
        order=11,
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
