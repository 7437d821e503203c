from allauth.account.adapter import DefaultAccountAdapter
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
