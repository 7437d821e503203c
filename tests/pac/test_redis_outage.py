"""Redis, the cache behind allauth's rate limits and used two-factor codes, stops in the middle of
sign-in: sign-in, sign-up and password reset still work, the rate limits and the used-code check
still hold (the cache falls back to the database), the outage is logged once, and /healthz names
the cache as down. A real redis-server of the test's own is stopped (the redis_cache fixture)."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from pac.models import OutboundEmail
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def healthz(client) -> dict:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # the database answers: the site serves
    return response.json()


def test_sign_in_sign_up_and_password_reset_work_while_redis_is_down(
    client, mentee, redis_cache, caplog, django_capture_on_commit_callbacks
):
    assert healthz(client)["checks"]["cache"] == "ok"
    # the journey starts with Redis up: a mistyped password is counted in Redis
    assert login(client, mentee.email, "wrong-password").status_code == 200
    assert redis_cache.keys("*allauth*rl*")

    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="pac.cache"):
        response = login(client, mentee.email)
        assert response.status_code == 302 and response.url == reverse("pac:my_work")
        assert "Mentee" in client.get(response.url).content.decode()
        client.post(reverse("account_logout"))

        with django_capture_on_commit_callbacks(execute=True):
            signup = client.post(
                reverse("account_signup"),
                {
                    "email": "dana@example.org",
                    "first_name": "Dana",
                    "last_name": "Newcomer",
                    "preferred_language": "en",
                    "password1": "a-long-enough-pass",
                    "password2": "a-long-enough-pass",
                },
            )
        assert signup.status_code == 302
        assert mail.outbox[-1].to == ["dana@example.org"]
        link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
        client.post(link)
        assert client.get(reverse("pac:my_work")).status_code == 200  # verified and signed in
        client.post(reverse("account_logout"))

        with django_capture_on_commit_callbacks(execute=True):
            reset = client.post(reverse("account_reset_password"), {"email": mentee.email})
        assert reset.status_code == 302
        assert OutboundEmail.objects.filter(to=[mentee.email], subject__icontains="password").exists()

        body = healthz(client)
    assert body["checks"]["cache"] == "down" and "cache" in body["down"]
    assert body["status"] == "degraded"
    outage = [r for r in caplog.records if r.name == "pac.cache" and "unreachable" in r.getMessage()]
    assert len(outage) == 1, [r.getMessage() for r in outage]  # logged once, not once per call
    assert "\n" not in outage[0].getMessage()

    redis_cache.start()
    assert healthz(client)["checks"]["cache"] == "ok"
    assert login(client, mentee.email).status_code == 302


def test_failed_sign_ins_are_still_limited_while_redis_is_down(client, mentee, redis_cache):
    redis_cache.stop()
    for _ in range(5):
        assert login(client, mentee.email, "wrong-password").status_code == 200
    response = login(client, mentee.email)  # even the right password, for now
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("pac:my_work")).status_code == 302  # not signed in


def test_a_two_factor_code_used_while_redis_is_down_is_refused_a_second_time(client, staff_user, redis_cache):
    redis_cache.stop()
    code = totp_code()
    assert login(client, staff_user.email).url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    used_key = f"allauth.mfa.totp.used?user={staff_user.pk}&code={code}"
    assert caches["fallback"].has_key(used_key)  # kept in the database, which every process shares
    client.post(reverse("account_logout"))

    assert login(client, staff_user.email).url == reverse("mfa_authenticate")
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200 and "Incorrect code" in replay.content.decode()

    # Redis is back, and does not know the code was used: it is still refused
    redis_cache.start()
    caches["default"]._status()["retry_at"] = 0  # as after the few seconds Redis is left alone
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200 and "Incorrect code" in replay.content.decode()
    assert healthz(client)["checks"]["cache"] == "ok"


# --- sessions and the signed-in user in the cache (pac.signed_in)


@pytest.fixture
def cached_sessions(settings, redis_cache):
    from pac import signed_in

    settings.SESSION_ENGINE = "pac.signed_in"
    settings.PAC_CACHE_SIGNED_IN_USER = True
    signed_in._session_users.clear()
    yield redis_cache
    signed_in._session_users.clear()


def unreachable(down: bool) -> None:
    """This process cannot reach Redis (or can again), while Redis keeps what it holds: what a
    network cut looks like, rather than a restart that empties it."""
    status = caches["default"]._status()
    status["down_since"] = 1.0 if down else status["down_since"]
    status["retry_at"] = float("inf") if down else 0.0


def test_signed_in_sessions_keep_working_while_redis_is_down(client, mentee, cached_sessions):
    profile = reverse("pac:profile")
    assert login(client, mentee.email).status_code == 302
    assert client.get(profile).status_code == 200  # the session and the user are in Redis now
    cached_sessions.stop()
    assert client.get(profile).status_code == 200  # read from the database meanwhile
    client.post(reverse("account_logout"))
    assert client.get(profile).status_code == 302
    assert login(client, mentee.email).status_code == 302
    assert client.get(profile).status_code == 200
    cached_sessions.start()
    caches["default"]._status()["retry_at"] = 0
    assert client.get(profile).status_code == 200
    assert client.get(profile).status_code == 200  # from Redis again


def test_what_changed_while_redis_was_unreachable_holds_once_it_answers_again(
    client, evaluator, program_year, cached_sessions
):
    from django.contrib.auth.models import Group
    from django.test import Client

    from pac.cache import OUTAGE_MARK
    from pac.roles import StaffRole

    exports = reverse("evaluation:exports")
    signed_out, demoted = Client(), client
    for each in (signed_out, demoted):
        assert login(each, evaluator.email).status_code == 302
        assert each.get(exports).status_code == 200
        assert each.get(exports).status_code == 200  # the session and the user are kept in Redis
    old_cookie = signed_out.cookies["sessionid"].value

    unreachable(True)
    signed_out.post(reverse("account_logout"))
    Group.objects.get(name=StaffRole.EVALUATOR).user_set.remove(evaluator)
    assert demoted.get(exports).status_code == 403  # read from the database meanwhile
    assert any(OUTAGE_MARK in key for key in _fallback_keys())
    unreachable(False)

    assert demoted.get(exports).status_code == 403  # Redis's copy, older than the change, is forgotten
    replayed = Client()
    replayed.cookies["sessionid"] = old_cookie
    assert replayed.get(reverse("pac:profile")).status_code == 302  # signed out during the outage: still out
    assert not any(OUTAGE_MARK in key for key in _fallback_keys())


def _fallback_keys() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM pac_cache_fallback")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.redis
def test_redis_takes_keys_memcached_would_warn_about_and_the_fallback_still_checks_them(redis_cache):
    """ResilientRedisCache skips Django's memcached key check (a loop over every character of every
    key, on every signed-in request); Redis stores such a key as it is."""
    import warnings

    from django.core.cache import caches
    from django.core.cache.backends.base import CacheKeyWarning

    key = "a key with spaces"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        caches["default"].set(key, 1)
        assert caches["default"].get(key) == 1
    with pytest.warns(CacheKeyWarning):
        caches["fallback"].set(key, 1)
