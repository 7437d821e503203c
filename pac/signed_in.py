"""The signed-in person, read from the cache instead of the database on every request.

Behind a session, every request used to ask the database for the user, their group names (is
two-factor required?), whether they have an authenticator, and, on pages that ask a permission
rules does not grant, their model permissions: three to five queries before any page code ran.
With ``PAC_CACHE_SIGNED_IN_USER`` (on wherever the cache is Redis, which every process shares) the
user's row and those answers are kept in the cache, one entry per user, and read with a single
``get_many``:

- the entry holds the row's fields, read from the database when the entry was made (but the
  password hash, which stays in the database: the entry keeps the session hash made from it, and
  a session whose hash does not match goes through Django's own check), and the answers requests
  worked out (``MEMO_ATTRIBUTES``), written back after the response;
- it is valid only while the user's *version* and the global *generation* are those it was made
  with. Saving or deleting the user, changing their groups or permissions, adding or deleting an
  authenticator gives the user a new version; changing a group, a group's permissions or a
  permission gives everybody a new generation. Each is changed at once and again when the
  transaction commits, so a request that read the old rows meanwhile cannot keep them: a staff
  member removed from a group, or whose authenticator is deleted, or who is deactivated, is
  treated accordingly from their next request on.

The session engine (``SESSION_ENGINE = "pac.signed_in"``) is Django's ``cached_db``, but once a
process has seen whose a session is, it reads the session and that user's entry in the same round
trip to Redis: a request behind a session then costs one ``MGET``.

An entry made before the version changed is never used again, whatever order things happen in
(a version is a random token, never reused). Anything changed without a model signal (a
``QuerySet.update`` of users, raw SQL) is seen when the entry expires, after ``TIMEOUT``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.db import transaction
from django.utils.crypto import constant_time_compare

TIMEOUT = 60 * 60  # an entry lives an hour at most
FORMAT = 1  # part of every key: change it when the entry's shape changes
GENERATION_KEY = f"pac.signed-in.{FORMAT}:generation"

# Answers worked out on the user object during a request (pac.permissions, Django's ModelBackend)
# that depend only on what the versions above follow.
MEMO_ATTRIBUTES = ("_pac_group_names", "_pac_has_totp", "_user_perm_cache", "_group_perm_cache", "_perm_cache")


def sessionless(view):
    """Mark a view that answers without the session or the signed-in user (a signed address, say):
    no middleware then reads them for it, so it costs what an anonymous request does. The view
    must also be ``login_not_required``; its address is its credential."""
    view.sessionless = True
    return view


def enabled() -> bool:
    return getattr(settings, "PAC_CACHE_SIGNED_IN_USER", False)


def _cache():
    return caches["default"]


def _version_key(pk) -> str:
    return f"pac.signed-in.{FORMAT}:version:{pk}"


def _entry_key(pk) -> str:
    return f"pac.signed-in.{FORMAT}:user:{pk}"


def _token() -> str:
    return secrets.token_hex(8)


# Session key -> the pk of its user, as this process last saw them (a session key is never reused
# for another user: signing in and out change it; a wrong guess only costs a second round trip).
_session_users: dict[str, object] = {}
MAX_SESSIONS_REMEMBERED = 10_000


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions, reading the user's entry along with the session when the
    process knows whose session it is (``SESSION_ENGINE = "pac.signed_in"``)."""

    prefetched: tuple | None = None  # (user pk, what get_many found)

    def load(self):
        pk = _session_users.get(self.session_key) if self.session_key and enabled() else None
        if pk is None:
            return super().load()
        found = self._cache.get_many([self.cache_key, GENERATION_KEY, _version_key(pk), _entry_key(pk)])
        data = found.pop(self.cache_key, None)
        if data is None:
            _session_users.pop(self.session_key, None)
            return super().load()
        self.prefetched = (pk, found)
        return data


def user_of(request):
    """What django.contrib.auth.get_user answers for the request's session, with the user read
    through the cache. Anything unusual (no user in the session, a backend other than Django's
    ModelBackend or allauth's, a session hash that does not match) goes to Django's own get_user."""
    try:
        pk = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    backend = auth.load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    prefetched = getattr(request.session, "prefetched", None)
    guessed = prefetched is not None and prefetched[0] == pk
    user = user_load(pk, prefetched[1] if guessed else None)
    if user is None or not backend.user_can_authenticate(user):  # as ModelBackend.get_user
        return AnonymousUser()
    if request.session.session_key and not guessed:
        if len(_session_users) >= MAX_SESSIONS_REMEMBERED:
            _session_users.clear()
        _session_users[request.session.session_key] = pk
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user._pac_signed_in_entry["auth_hash"]):
        return user
    user = auth.get_user(request)  # a rotated SECRET_KEY, a changed password: Django decides
    if user.is_authenticated:
        user_changed(user.pk)  # Django accepted a hash the entry does not know: the entry is out of date
    return user


def user_load(pk, found: dict | None = None):
    """The active-or-not user with this pk (None when there is none), from the cache when its entry
    is current, else from the database (and the entry is made). ``found``: the cache's answer for
    the generation, version and entry keys, when the session store read them already."""
    cache = _cache()
    version_key, entry_key = _version_key(pk), _entry_key(pk)
    if found is None:
        found = cache.get_many([GENERATION_KEY, version_key, entry_key])
    generation, version, entry = found.get(GENERATION_KEY), found.get(version_key), found.get(entry_key)
    if entry is not None and generation is not None and entry["stamp"] == (generation, version):
        return _user_from(entry)
    if generation is None:
        generation = _token()
        cache.set(GENERATION_KEY, generation, None)
    if version is None:
        version = _token()
        cache.set(version_key, version, TIMEOUT * 2)
    # read after the stamp: a change from now on gives a new stamp, and this entry is never used
    user = get_user_model()._default_manager.filter(pk=pk).first()
    if user is None:
        return None
    fields = {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields if f.attname != "password"}
    entry = {
        "stamp": (generation, version),
        "db": user._state.db,
        "fields": fields,
        "auth_hash": user.get_session_auth_hash(),
        "memo": {},
    }
    cache.set(entry_key, entry, TIMEOUT)
    user._pac_signed_in_entry = entry
    return user


def _user_from(entry):
    model = get_user_model()
    fields = entry["fields"]
    user = model.from_db(entry["db"], list(fields), list(fields.values()))  # the password deferred
    user.__dict__.update(entry["memo"])
    user._pac_signed_in_entry = entry
    return user


def remember(user) -> None:
    """After the response: keep in the user's entry what the request worked out about them."""
    entry = user.__dict__.get("_pac_signed_in_entry")
    if entry is None:
        return
    memo = {name: user.__dict__[name] for name in MEMO_ATTRIBUTES if name in user.__dict__}
    if memo.items() <= entry["memo"].items():
        return
    # the stamp read before these were worked out: if anything changed since, the entry is dead
    _cache().set(_entry_key(user.pk), {**entry, "memo": {**entry["memo"], **memo}}, TIMEOUT)


# --- what makes an entry stale ---------------------------------------------------------------


def _renew(key: str, timeout) -> None:
    cache = _cache()
    cache.set(key, _token(), timeout)
    # and again once the change is committed: a request that read the old rows before the commit
    # may have made an entry with the stamp set just now
    transaction.on_commit(lambda: cache.set(key, _token(), timeout))


def user_changed(pk) -> None:
    """The user's row, groups, permissions or authenticators changed."""
    if pk is not None and enabled():
        _renew(_version_key(pk), TIMEOUT * 2)


def everyone_changed() -> None:
    """A group, a group's permissions or a permission changed."""
    if enabled():
        _renew(GENERATION_KEY, None)


def connect() -> None:
    """Called once from PacConfig.ready(): the model signals that make a user's entry stale."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()

    def on_user(sender, instance, **kwargs):
        user_changed(instance.pk)

    def on_authenticator(sender, instance, **kwargs):
        user_changed(instance.user_id)

    def on_everyone(sender, **kwargs):
        everyone_changed()

    def on_membership(sender, instance, action, reverse, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, user_model):
            user_changed(instance.pk)
        else:  # a group's or a permission's users changed: whose is in pk_set, or unknown (clear)
            everyone_changed()

    for signal in (post_save, post_delete):
        signal.connect(on_user, sender=user_model, dispatch_uid="pac.signed_in.user", weak=False)
        signal.connect(on_authenticator, sender=Authenticator, dispatch_uid="pac.signed_in.authenticator", weak=False)
        signal.connect(on_everyone, sender=Group, dispatch_uid="pac.signed_in.group", weak=False)
        signal.connect(on_everyone, sender=Permission, dispatch_uid="pac.signed_in.permission", weak=False)
    m2m_changed.connect(
        on_membership, sender=user_model.groups.through, dispatch_uid="pac.signed_in.groups", weak=False
    )
    m2m_changed.connect(
        on_membership,
        sender=user_model.user_permissions.through,
        dispatch_uid="pac.signed_in.user_permissions",
        weak=False,
    )
    m2m_changed.connect(
        on_everyone, sender=Group.permissions.through, dispatch_uid="pac.signed_in.group_perms", weak=False
    )
