"""Services and the one selector of private calendar feeds (the feed itself is built in
``pac.calendar`` and served by ``pac.calendar_views``).

A feed address carries a token as a recommendation link does (``pac.workflow.new_token``): the
token is shown to its person once and only its hash is stored, so a leaked database holds no
working address. Making a new address revokes the old one in the same transaction.
"""

from __future__ import annotations

import hmac
import re

from django.db import transaction
from django.utils import timezone

from .calendar_models import CalendarFeed
from .models import User
from .workflow import hash_token, new_token

# what secrets.token_urlsafe(32) produces: anything else is not a token and is never looked up
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


@transaction.atomic
def calendar_feed_create(*, user: User) -> str:
    """A new feed address for ``user`` (their earlier one, if any, stops working). Returns the token:
    the caller shows it once; PAC keeps only its hash."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # two clicks at once make one feed
    calendar_feed_revoke(user=user)
    token, token_hash = new_token()
    CalendarFeed.objects.create(user=user, token_hash=token_hash)
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Stop ``user``'s feed address. Returns how many were active (0 or 1)."""
    return CalendarFeed.objects.active().filter(user=user).update(revoked_at=timezone.now())


def calendar_feed_active(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.active().filter(user=user).first()


def calendar_feed_user(token: str) -> User | None:
    """The person whose active feed ``token`` opens, or None (malformed, unknown, revoked, or an
    account that is switched off). The lookup is by hash, and the stored hash is compared in
    constant time, so the answer's timing says nothing about how close a guess came."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    token_hash = hash_token(token)
    feed = CalendarFeed.objects.active().filter(token_hash=token_hash).select_related("user").first()
    if feed is None or not hmac.compare_digest(feed.token_hash, token_hash) or not feed.user.is_active:
        return None
    return feed.user
