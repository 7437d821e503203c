import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from .links import base_url
from .services import email_queue_message


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's emails (verification, password reset) through the PAC outbox,
    so they survive a mail server or Redis outage like every other PAC email."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        context = {
            "request": request,
            "current_site": get_current_site(request),  # "Hello from PAC!" (the site's name, pac migration 0008)
            "site_url": base_url(),
            **context,
            "email": email,
        }
        message = self.render_mail(template_prefix, email, context)
        email_queue_message(message)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A person who typed their password moments ago is not asked for it again: staff are sent
        to set up two-factor sign-in right after signing in, and that page would otherwise ask them
        to "confirm access" with the password they have just typed. Once the sign-in is older than
        the reauthentication timeout (5 minutes), the usual confirmation applies."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = allauth_context.request
        user = getattr(request, "user", None)
        if request is None or user is None or not user.is_authenticated:
            return True
        records = get_authentication_records(request, user)
        last = records[-1] if records else None
        recent = (
            last is not None
            and last.get("method") == "password"
            and time.time() - last.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
        )
        return not recent
