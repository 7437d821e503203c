from allauth.account.adapter import DefaultAccountAdapter

from .services import email_queue_message


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's emails (verification, password reset) through the PAC outbox,
    so they survive a mail server or Redis outage like every other PAC email."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {**context, "email": email}
        message = self.render_mail(template_prefix, email, context)
        email_queue_message(message)
