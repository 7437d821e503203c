"""The cache: Redis, falling back to the database while Redis cannot be reached.

allauth keeps its rate limits (failed sign-ins, sign-ups, password resets) and the two-factor codes
already used in the cache. With a plain RedisCache every sign-in, sign-up and password reset
answers 500 while Redis is down. ``ResilientRedisCache`` catches Redis's errors instead and serves
that operation from a second cache, a ``DatabaseCache`` (``OPTIONS["FALLBACK"]``, its table made
by a migration), which every web process shares: rate limits still hold, and a used two-factor
code is still refused a second time, whichever process is asked. Nothing is silently switched
off. After a failure Redis is left alone for ``RETRY_AFTER`` seconds (no connection timeout per
call), and the outage is logged once per ``LOG_EVERY`` seconds, not once per call. ``/healthz``
names the cache as down meanwhile (``redis_reachable``).

Once Redis answers again, a used-code mark written to the database during the outage would not be
in Redis; for ``RECOVERY`` seconds after an outage ``add`` (allauth's used-code check) asks the
database too, so a code used during the outage cannot be used again just after it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The fallback's table (settings' CACHES["fallback"]; made by migration pac 0009)
FALLBACK_TABLE = "pac_cache_fallback"

# What the process knows about each Redis location (shared by the threads' cache instances).
_state: dict[str, dict[str, float]] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 5.0  # seconds Redis is not asked after it failed
    LOG_EVERY = 60.0  # seconds between two log lines about the same outage
    RECOVERY = 300.0  # seconds after an outage during which add() consults the database as well

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._fallback_alias = options.pop("FALLBACK", "fallback")
        # never hang a request on an unreachable host: connect and read time out quickly
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = ",".join(self._servers)

    # --- state ----------------------------------------------------------------------------

    @property
    def fallback(self):
        return caches[self._fallback_alias]

    def _status(self) -> dict[str, float]:
        return _state.setdefault(self._location, {"down_since": 0.0, "retry_at": 0.0, "logged_at": 0.0, "up_at": 0.0})

    def _skip_redis(self) -> bool:
        status = self._status()
        return bool(status["down_since"]) and time.monotonic() < status["retry_at"]

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        with _lock:
            status = self._status()
            if not status["down_since"]:
                status["down_since"] = now
            status["retry_at"] = now + self.RETRY_AFTER
            if now - status["logged_at"] >= self.LOG_EVERY:
                status["logged_at"] = now
                logger.warning(
                    "Redis cache at %s unreachable (%s on %s: %s); rate limits and used two-factor codes "
                    "are kept in the database cache until it answers again",
                    self._location,
                    type(exc).__name__,
                    operation,
                    exc,
                )

    def _answered(self) -> None:
        status = self._status()
        if status["down_since"]:
            with _lock:
                if status["down_since"]:
                    status["down_since"] = 0.0
                    status["logged_at"] = 0.0
                    status["up_at"] = time.monotonic()
                    logger.warning("Redis cache at %s answers again", self._location)

    def _recovering(self) -> bool:
        up_at = self._status()["up_at"]
        return bool(up_at) and time.monotonic() - up_at < self.RECOVERY

    def _call(self, operation: str, *args, **kwargs):
        """Run the operation on Redis, or on the fallback when Redis fails (or failed just now)."""
        if not self._skip_redis():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except RedisError as exc:
                self._failed(operation, exc)
            else:
                self._answered()
                return result
        return getattr(self.fallback, operation)(*args, **kwargs)

    def redis_in_use(self) -> bool:
        """False while calls go to the database fallback (after a failure), without asking Redis.
        What is only worth keeping in Redis (drawn charts) is not written to the fallback's table,
        which culls entries by key order once it is full."""
        return not self._skip_redis()

    def redis_reachable(self) -> bool:
        """Ask Redis itself (for /healthz), whatever the recent state."""
        try:
            self._cache.get_client(None, write=False).ping()
        except RedisError as exc:
            self._failed("ping", exc)
            return False
        self._answered()
        return True

    # --- the cache API (the rest of BaseCache is built on these) ---------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._recovering() and not self._skip_redis() and self.fallback.has_key(key, version=version):
            return False  # marked (a used code, a lock) in the database during the outage
        return self._call("add", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
