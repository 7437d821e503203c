"""Remembering what a row held when it was read, so a save can tell what changed without a query."""

from __future__ import annotations

from typing import Any

NOT_LOADED = object()


class RemembersLoadedValues:
    """A model mixin: the values of ``REMEMBERED`` fields (attnames) as read from the database.

    The standings (``applications.services.standings``) are recomputed when a save changes what
    they are computed from; the post-save handlers compare with these values instead of reading
    the row again. A new instance, or a field deferred when the row was read, has no remembered
    value (``NOT_LOADED``)."""

    REMEMBERED: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = {
            name: getattr(instance, name) for name in cls.REMEMBERED if name in instance.__dict__
        }
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        """Re-read: what is remembered is what the row holds now (also when a deferred field loads)."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = getattr(self, "_loaded_values", {})
        for name in self.REMEMBERED:
            if name in self.__dict__ and (fields is None or name in fields or name.removesuffix("_id") in fields):
                loaded[name] = getattr(self, name)
        self._loaded_values = loaded

    def loaded_value(self, name: str) -> Any:
        return getattr(self, "_loaded_values", {}).get(name, NOT_LOADED)

    def remember_values(self) -> None:
        """After a save: what is in the row now."""
        self._loaded_values = {name: getattr(self, name) for name in self.REMEMBERED if name in self.__dict__}
