import json
import logging
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty

from . import signed_in
from .permissions import has_totp, requires_two_factor

logger = logging.getLogger(__name__)

# Pages a person who must enrol can still reach: sign-in, sign-out, the enrolment pages
# themselves (under /accounts/), static files and the health check.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, but with PAC_CACHE_SIGNED_IN_USER on the user comes from the cache (pac.signed_in):
    a request behind a session then asks the database nothing about who is signed in."""

    def process_request(self, request):
        super().process_request(request)
        if signed_in.enabled():
            request.user = SimpleLazyObject(lambda: _cached_user(request))

    def process_response(self, request, response):
        user = request.__dict__.get("user")
        if isinstance(user, SimpleLazyObject) and user._wrapped is not empty and user.is_authenticated:
            signed_in.remember(user._wrapped)
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, asking the view first: a ``login_not_required`` view (a public page, a signed
    address) then never loads the session and the user only to let them through."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in.user_of(request)
    return request._cached_user


class StaffTwoFactorMiddleware:
    """EEC staff (and any group in PAC_MFA_REQUIRED_GROUPS) must enrol in TOTP two-factor
    authentication before reaching any other page. allauth then asks for the code at every
    sign-in. A view marked ``signed_in.sessionless`` is not asked about (it reads no session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "sessionless", False) or request.path.startswith(ALLOWED_PREFIXES):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and requires_two_factor(user) and not has_totp(user):
            messages.warning(
                request,
                "Staff accounts must use two-factor sign-in. Set up an authenticator app to continue.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return None


# --- Control characters refused at the edge
#
# PostgreSQL cannot store a NUL byte in text, so a NUL in a path segment or a form field used to
# reach the database and answer 500 (DataError). Every request passes this one check first: a path
# may hold no control character at all; query strings, form fields (urlencoded or multipart;
# Django already strips them from uploaded files' names) and JSON bodies may hold tab, carriage return and line feed (textareas,
# pasted text) but no other C0 control character and no DEL. Anything else is answered 400.

_PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def refused_input(request) -> str | None:
    """Where a request carries a control character it may not, or None when it is clean."""
    if _PATH_FORBIDDEN.search(request.path) or _PATH_FORBIDDEN.search(request.path_info):
        return "the address"
    for name, value in request.COOKIES.items():
        if _PATH_FORBIDDEN.search(name) or _PATH_FORBIDDEN.search(value):
            return "a cookie"
    for key, values in request.GET.lists():
        if _TEXT_FORBIDDEN.search(key) or any(_TEXT_FORBIDDEN.search(v) for v in values):
            return "the address's query"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    if content_type in _FORM_TYPES:
        for key, values in request.POST.lists():
            if _TEXT_FORBIDDEN.search(key) or any(_TEXT_FORBIDDEN.search(v) for v in values):
                return "a form field"
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON at all: the view refuses it as it would any malformed body
        if any(_TEXT_FORBIDDEN.search(s) for s in _json_strings(data)):
            return "the request's data"
    return None


class RefuseControlCharactersMiddleware:
    """Answer 400, with PAC's own page, to a request whose address, query, cookies or submitted
    fields carry control characters (a NUL byte above all), before any view or query sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = refused_input(request)
        if where is None:
            return self.get_response(request)
        if where == "a cookie":
            request.user = AnonymousUser()  # the session cookie itself may be the bad one
        logger.info(
            "Refused %s %s: control characters in %s",
            request.method,
            request.path.encode("unicode_escape").decode(),
            where,
        )
        return render(request, "400.html", {"where": where}, status=400)
