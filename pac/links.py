"""Absolute links for emails, ICS files and anything else read outside the site.

Production sets ``PAC_BASE_URL`` (a worker sending a reminder has no request to look at). When it
is empty, as in the local default, a link follows the address the current request came in on, so
emailed links work whatever host and port ``runserver`` was given. ``RequestBaseURLMiddleware``
records that address for the length of each request; services read it through ``absolute_url``
and so never need the request itself.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

# Used only when PAC_BASE_URL is empty and no request is being answered (a beat task in development).
FALLBACK_BASE_URL = "http://127.0.0.1:8000"

_request_base_url: ContextVar[str] = ContextVar("pac_request_base_url", default="")


def base_url() -> str:
    return (settings.PAC_BASE_URL or _request_base_url.get() or FALLBACK_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a full address on this site."""
    return base_url() + path


class RequestBaseURLMiddleware:
    """Remember the request's scheme and host (validated against ALLOWED_HOSTS by ``get_host``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            base = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:  # CommonMiddleware answers it with a 400
            base = ""
        token = _request_base_url.set(base)
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The address a signer signed from. Behind a reverse proxy (PAC_TRUST_X_FORWARDED_FOR) REMOTE_ADDR
    is the proxy's, and the proxy's X-Forwarded-For carries the client; otherwise that header is not
    trusted."""
    import ipaddress

    candidates = []
    if settings.PAC_TRUST_X_FORWARDED_FOR:
        # our proxy appends the address it saw on the right; anything left of it came from the client
        candidates.append(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
