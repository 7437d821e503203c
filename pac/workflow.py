"""What every app's workflows share: the refusal of a step, the refusal of an emailed link, the
token behind such a link, and the handling of a refused step in a view.

Services raise ``TransitionError`` with a message in the program's words when a step is not allowed
now (a closed window, a signed MOU, a report already approved). Views run the step inside
``attempt``: a refusal becomes the person's message (on the form, or as a flash message) and the
view goes on to show the page again, never a 500::

    with attempt(form=form) as step:
        meeting = services.meeting_log(pair=pair, actor=request.user, **form.cleaned_data)
    if step.ok:
        messages.success(request, "Meeting saved.")
        return redirect(...)
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A workflow step that is not allowed now; the message says why, in the program's words."""


class LinkError(Exception):
    """An emailed link that cannot be used: unknown, used, expired. The message is for the person;
    ``status`` is 404 for a link we do not know and 410 for one that worked once but no longer does."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """An unguessable link token and the hash we store (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class attempt:  # noqa: N801 - used as a statement, like contextlib's helpers
    """Run a service step; a ``TransitionError`` becomes the person's message instead of an error page.

    With ``form`` the message goes on the form (shown above its fields, what was typed kept; a
    refusal that names a field, ``TransitionError({"signature_name": ...})``, goes on that field);
    otherwise, with ``request``, it is flashed. ``step.ok`` tells whether the step went through and
    ``step.error`` holds the refusal's message."""

    def __init__(self, request=None, *, form=None):
        if request is None and form is None:
            raise TypeError("attempt() needs the request (to flash a refusal) or a form (to show it on)")
        self.request = request
        self.form = form
        self.error: str | None = None

    def __enter__(self) -> attempt:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None or not issubclass(exc_type, TransitionError):
            return False
        self.error = exc.messages[0]
        if self.form is not None:
            self.form.add_error(None, exc if hasattr(exc, "error_dict") else self.error)
        else:
            messages.error(self.request, self.error)
        return True

    @property
    def ok(self) -> bool:
        return self.error is None
