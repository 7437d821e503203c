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

Sessions (``cached_db``) and the signed-in user (``pac.signed_in``) are cached here too, and for them
Redis's copy of a key written during an outage is worse than none: a session signed out, or a user
removed from a group, while Redis was down would come back with Redis. So every write the fallback
takes in Redis's place (set, add, delete, incr...) also leaves a mark in the fallback table, and a
process that wrote one, or that has just started, deletes the marked keys from Redis before it asks
Redis anything else, and from the fallback too, so the next outage does not start from this one's
copies (an ``add``'s entry stays: a used code stays used). ``clear`` during an outage is not replayed.
A process that never noticed the outage can read Redis's old copy of such a key until a process that
did reaches Redis again (within ``RETRY_AFTER`` of its next request).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# The fallback's table (settings' CACHES["fallback"]; made by migration pac 0009)
FALLBACK_TABLE = "pac_cache_fallback"

# In the fallback, the mark of a key written there while Redis was down (followed by Redis's own key)
OUTAGE_MARK = "pac.cache.outage-write:"
# Writes whose key Redis's copy may now be stale for (the first argument, or the keys of the *_many)
_WRITES = frozenset({"add", "set", "touch", "delete", "incr"})
_WRITES_MANY = frozenset({"set_many", "delete_many"})

# What the process knows about each Redis location (shared by the threads' cache instances).
_state: dict[str, dict[str, float]] = {}
_lock = threading.Lock()


class RedisClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every call, and each builds its table of some
    170 response callbacks (a quarter of a millisecond, more than the round trip to a local Redis).
    One per connection pool does: ``redis.Redis`` takes a connection from the pool per command."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


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
        self._class = RedisClient
        self._location = ",".join(self._servers)

    def validate_key(self, key) -> None:
        """Redis takes any key. Django's check warns about keys memcached would refuse, by looking
        at every character of every key: about 8 µs of each signed-in request's four keys (its
        session and user, pac.signed_in) for a warning that cannot apply here. The database
        fallback still checks the keys it is given."""

    # --- state ----------------------------------------------------------------------------

    @property
    def fallback(self):
        return caches[self._fallback_alias]

    def _status(self) -> dict[str, float]:
        # "stale": keys written during an outage may wait in the fallback (true when the process starts)
        return _state.setdefault(
            self._location, {"down_since": 0.0, "retry_at": 0.0, "logged_at": 0.0, "up_at": 0.0, "stale": 1.0}
        )

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

    # --- keys written to the fallback during an outage --------------------------------------

    def _mark_outage_writes(self, operation: str, args: tuple, version) -> None:
        if operation in _WRITES:
            keys = [args[0]]
        elif operation in _WRITES_MANY:
            keys = list(args[0])
        else:
            return
        self._status()["stale"] = 1.0
        self.fallback.set_many(
            {OUTAGE_MARK + self.make_and_validate_key(key, version=version): (operation, key, version) for key in keys},
            None,
        )

    def _forget_outage_writes(self) -> None:
        """Delete from Redis (and from the fallback, but for ``add``'s entries) every key the fallback
        took in Redis's place: Redis's copy of it is older than the fallback's. Raises RedisError
        when Redis fails meanwhile (the marks then stay for the next time)."""
        fallback = self.fallback
        db = router.db_for_read(fallback.cache_model_class)
        connection = connections[db]
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT cache_key FROM {connection.ops.quote_name(fallback._table)} "  # noqa: S608 (our table)
                    "WHERE cache_key LIKE %s",
                    ["%" + OUTAGE_MARK + "%"],
                )
                # a mark is stored under fallback.make_key(OUTAGE_MARK + Redis's own key)
                marks = [OUTAGE_MARK + row[0].split(OUTAGE_MARK, 1)[1] for row in cursor.fetchall()]
        except DatabaseError:
            logger.warning("Could not read the keys written to the database cache during an outage", exc_info=True)
            marks = []  # no table to read (not migrated yet): nothing was written there either
        if not marks:
            self._status()["stale"] = 0.0
            return
        written = fallback.get_many(marks)
        client = self._cache.get_client(None, write=True)
        for start in range(0, len(marks), 500):
            client.delete(*(mark[len(OUTAGE_MARK) :] for mark in marks[start : start + 500]))
        by_version: dict = {}
        for operation, key, version in written.values():
            if operation != "add":
                by_version.setdefault(version, []).append(key)
        for version, keys in by_version.items():
            fallback.delete_many(keys, version=version)
        fallback.delete_many(marks)
        self._status()["stale"] = 0.0
        logger.warning("Redis cache at %s: forgot %d keys written during the outage", self._location, len(marks))

    def _recovering(self) -> bool:
        up_at = self._status()["up_at"]
        return bool(up_at) and time.monotonic() - up_at < self.RECOVERY

    def _call(self, operation: str, *args, **kwargs):
        """Run the operation on Redis, or on the fallback when Redis fails (or failed just now)."""
        if not self._skip_redis():
            try:
                if self._status()["stale"]:  # before Redis answers anything from its old copies
                    self._forget_outage_writes()
                result = getattr(super(), operation)(*args, **kwargs)
            except RedisError as exc:
                self._failed(operation, exc)
            else:
                self._answered()
                return result
        result = getattr(self.fallback, operation)(*args, **kwargs)
        self._mark_outage_writes(operation, args, kwargs.get("version"))
        return result

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
