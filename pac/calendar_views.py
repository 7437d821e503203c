"""The Calendar page (make, replace or stop one's feed address) and the feed itself.

The feed is read by calendar programs, which have no session: it needs no sign-in, and the token in
its address is the only key. An unknown, malformed or revoked token is a plain 404, the same answer
whichever it is."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .calendar import Window, events_for, feed_ics
from .calendar_feeds import calendar_feed_active, calendar_feed_create, calendar_feed_revoke, calendar_feed_user
from .links import absolute_url

# the new address waits here between the POST that makes it and the page that shows it, once
SESSION_KEY = "pac_calendar_new_token"
UPCOMING_SHOWN = 8


def feed_url(token: str) -> str:
    return absolute_url(reverse("pac:calendar_feed", args=[token]))


def _feed_urls(token: str) -> dict[str, str]:
    https = feed_url(token)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[-1]}


@require_safe
def calendar_page(request: HttpRequest) -> HttpResponse:
    token = request.session.pop(SESSION_KEY, None)
    feed = calendar_feed_active(request.user)
    today = timezone.localdate()
    events = events_for(request.user, Window.around(today))
    upcoming = [e for e in events if e.last_day >= today]  # including a window that is open now
    return render(
        request,
        "pac/calendar.html",
        {
            "feed": feed,
            "urls": _feed_urls(token) if token and feed else None,
            "upcoming": upcoming[:UPCOMING_SHOWN],
            "event_count": len(events),
        },
    )


@require_POST
def calendar_new(request: HttpRequest) -> HttpResponse:
    replacing = calendar_feed_active(request.user) is not None
    request.session[SESSION_KEY] = calendar_feed_create(user=request.user)
    if replacing:
        messages.success(request, "Your new calendar address is below. The old address no longer works.")
    else:
        messages.success(request, "Your calendar address is below.")
    return redirect("pac:calendar")


@require_POST
def calendar_stop(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    if calendar_feed_revoke(user=request.user):
        messages.success(
            request, "Your calendar address no longer works. Remove the PAC calendar from your calendar program."
        )
    else:
        messages.info(request, "You have no calendar address to stop.")
    return redirect("pac:calendar")


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar_feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    body = feed_ics(events_for(user), name="PAC")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pac.ics"'
    # one person's calendar: no shared cache may keep it, and its address never leaves as a referrer
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
