"""My work for video evidence, worked out from the data when the page is asked for: the coach's
clips to review, the mentee's new feedback, requests for a new clip, clips that could not be
prepared and uploads to finish, and staff's clips waiting more than a week. Fixed queries a panel."""

from __future__ import annotations

from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse

from coaching.my_work import active_pairs
from coaching.selectors import DueItem
from pac import my_work, navigation
from pac.models import ProgramYear
from pac.permissions import is_eec_staff
from pairings.models import Pair, person_of

from . import selectors
from .models import Clip, ClipUpload
from .permissions import library_access


def _items(request: HttpRequest) -> list[DueItem]:
    user = request.user
    person = person_of(user)
    active = Q(pair__status=Pair.Status.ACTIVE)
    items: list[DueItem] = []
    to_review = (
        Clip.objects.awaiting_feedback()
        .filter(active, pair__coach=person)
        .select_related("pair__mentee")
        .order_by("created_at")
    )
    for clip in to_review:
        items.append(
            DueItem(
                f"Give feedback on {clip.pair.mentee.full_name}'s clip “{clip.title}”",
                reverse("evidence:clip", args=[clip.pk]),
                overdue=clip.created_at < selectors.waiting_since(),
            )
        )
    mine = (
        Clip.objects.filter(active, pair__mentee=person, removed_at__isnull=True)
        .filter(
            Q(returned_at__isnull=False)
            | Q(last_feedback_at__isnull=False, feedback_seen_at__isnull=True)
            | Q(last_feedback_at__gt=F("feedback_seen_at"))
        )
        .select_related("pair__coach")
        .order_by("created_at")
    )
    for clip in mine:
        url = reverse("evidence:clip", args=[clip.pk])
        if clip.returned_at:
            items.append(
                DueItem(
                    f"Record a new clip instead of “{clip.title}”",
                    reverse("evidence:clip_new", args=[clip.pair_id]) + f"?replaces={clip.pk}",
                    detail=clip.return_reason,
                )
            )
        if clip.has_unread_feedback:
            items.append(DueItem(f"New feedback from {clip.pair.coach.full_name} on “{clip.title}”", url))
    for clip in Clip.objects.filter(active, uploaded_by=user, status=Clip.Status.FAILED, removed_at__isnull=True):
        items.append(
            DueItem(
                f"“{clip.title}” could not be prepared for playback: retry it", reverse("evidence:clip", args=[clip.pk])
            )
        )
    for upload in ClipUpload.objects.filter(uploaded_by=user, status=ClipUpload.Status.OPEN, pair__status="active"):
        items.append(
            DueItem(
                f"Finish sharing “{upload.details.get('title', upload.filename)}” ({upload.percent}% uploaded)",
                reverse("evidence:clips", args=[upload.pair_id]),
            )
        )
    return items


def _in_a_pair(request: HttpRequest) -> bool:
    """Coach or mentee of an active pair (the pairs coaching's panels read once per request)."""
    return any(request.user.pk in (p.coach.user_id, p.mentee.user_id) for p in active_pairs(request))


@my_work.register
def clips_panel(request: HttpRequest) -> my_work.Panel | None:
    if not _in_a_pair(request):
        return None
    return my_work.Panel(
        title="Video clips",
        template="coaching/panels/due.html",
        context={
            "items": _items(request),
            "empty": "No clips wait on you.",
            "link": (reverse("evidence:library"), "Clip library"),
        },
        order=15,
    )


@my_work.register
def staff_clips_panel(request: HttpRequest) -> my_work.Panel | None:
    if not is_eec_staff(request.user):
        return None
    year = ProgramYear.objects.current()
    waiting = selectors.waiting_long_count(year)
    items = []
    if waiting:
        items.append(
            DueItem(
                f"{waiting} clip{'s' if waiting != 1 else ''} waiting more than {selectors.WAITING_DAYS} days for feedback",
                reverse("evidence:staff"),
                overdue=True,
            )
        )
    return my_work.Panel(
        title="Video clips",
        template="coaching/panels/due.html",
        context={
            "items": items,
            "empty": f"No clip has waited more than {selectors.WAITING_DAYS} days for feedback.",
            "link": (reverse("evidence:staff"), "Clips and feedback turnaround by pair"),
        },
        order=23,
    )


navigation.register(
    navigation.NavItem(
        "Clip library",
        "evidence:library",
        order=48,
        exists=lambda r: library_access(r.user),
        group=navigation.PAIRING_AND_COACHING,
    )
)
navigation.register(
    navigation.NavItem(
        "Video clips by pair",
        "evidence:staff",
        order=49,
        permission="pairings.manage",
        group=navigation.PAIRING_AND_COACHING,
    )
)
