from allauth.account.signals import email_confirmed, user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .services import person_link_user, roles_sync


@receiver(email_confirmed)
def link_person_on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    person_link_user(user=email_address.user)


@receiver(user_logged_in)
def link_person_on_login(sender, request, user, **kwargs) -> None:
    person_link_user(user=user)


@receiver(post_migrate)
def sync_roles_after_migrate(sender, **kwargs) -> None:
    # auth creates each app's permissions in its own post_migrate handler, which runs
    # before this one; syncing after each PAC app means the last one sees them all.
    if sender.label in {"pac", "applications", "pairings", "coaching", "evaluation", "evidence", "funding"}:
        roles_sync()
