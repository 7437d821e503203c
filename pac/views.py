from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .forms import ProfileForm
from .models import Person, ProgramYear
from .my_work import panels_for

logger = logging.getLogger(__name__)


def staff_required(view):
    """Staff pages of every app: EEC staff only (others get a 403 that says so)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.has_perm("pac.access_staff_pages"):
            raise PermissionDenied("These pages are for EEC staff.")
        return view(request, *args, **kwargs)

    return wrapper


def is_id(text) -> bool:
    """Whether ``text`` (from an address or a form) can be a row's id: ASCII digits in range. ``"²".isdigit()``
    is true and ``int("²")`` fails, and a 5,000-digit number overflows the database's integer: both
    would be a 500, never a clear answer."""
    return isinstance(text, str) and text.isascii() and text.isdigit() and 0 < int(text) < 2**63


def program_year_for(request: HttpRequest) -> ProgramYear:
    """The program year a staff page shows: ?year= (or a posted year), else the current one."""
    year_id = request.GET.get("year") or request.POST.get("year")
    if is_id(year_id):
        year = ProgramYear.objects.filter(pk=year_id).first()
        if year:
            return year
    year = ProgramYear.objects.current()
    if year is None:
        raise PermissionDenied("Create a program year in the admin first.")
    return year


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("pac:my_work")
    return render(request, "pac/home.html")


def my_work(request: HttpRequest) -> HttpResponse:
    return render(request, "pac/my_work.html", {"panels": panels_for(request)})


def name_required(view):
    """Pages that act in the person's name (starting an application) first send someone PAC has no
    name for to their profile, and bring them back to the page they came from afterwards."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        from .services import person_needs_name

        if person_needs_name(request.user):
            messages.info(request, "Before you go on, tell us your name and how to reach you.")
            # a GET comes back to the same page; a form post to the page the form was on
            back = request.get_full_path() if request.method == "GET" else request.headers.get("referer", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("pac:my_work")
            return redirect(f"{reverse('pac:profile')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """A person's own name, phone, preferred language and reminder emails."""
    from .services import person_link_user, person_profile_update

    person = person_link_user(user=request.user)
    if person is None:
        first, _, last = request.user.full_name.strip().partition(" ")
        person = Person(user=request.user, email=request.user.email, first_name=first, last_name=last)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=person)
        if form.is_valid():
            person_profile_update(user=request.user, **{f: form.cleaned_data[f] for f in ProfileForm.Meta.fields})
            messages.success(request, "Your profile is saved.")
            return redirect(next_url or "pac:profile")
        messages.error(request, "Some details need attention; nothing you entered has been lost.")
    else:
        form = ProfileForm(instance=person)
    return render(request, "pac/profile.html", {"form": form, "next": next_url, "person": person})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database check failed")
        return "down"
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception:
        logger.warning("healthz: Redis unreachable", exc_info=True)
        return "down"
    return "ok"


def _check_cache() -> str:
    """The cache behind rate limits and used two-factor codes. A Redis cache that cannot be reached
    is "down"; sign-in still works meanwhile (it falls back to the database, see pac.cache)."""
    from django.core.cache import caches

    from .cache import ResilientRedisCache

    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return "ok" if backend.redis_reachable() else "down"
    try:
        backend.set("pac:healthz", "ok", 10)
        return "ok" if backend.get("pac:healthz") == "ok" else "down"
    except Exception:
        logger.warning("healthz: cache check failed", exc_info=True)
        return "down"


def _check_worker(redis_state: str) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in the web process)"
    if redis_state != "ok":
        return "unknown (no broker)"
    from .celery import app

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception:
        logger.warning("healthz: worker ping failed", exc_info=True)
        return "down"
    return "ok" if replies else "down"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: 200 while the database answers; names what is down."""
    database = _check_database()
    redis_state = _check_redis()
    worker = _check_worker(redis_state)
    checks = {"database": database, "redis": redis_state, "cache": _check_cache(), "worker": worker}
    down = sorted(name for name, state in checks.items() if state == "down")
    body = {"status": "ok" if not down else "degraded", "checks": checks, "down": down}
    return JsonResponse(body, status=200 if database == "ok" else 503)
