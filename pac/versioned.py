"""Figures computed from a whole year's rows, kept in the cache under the version of those rows.

A statewide dashboard figure (staff's overdue reports, pairs without a meeting last month) reads
every pair of the year: its time grows with the state's data, on every view of My work. Such a
figure is computed once per change of what it reads, then served from the cache. Its *version* is
read in one query of indexed aggregates over the tables it reads: each table's row count and
highest id (rows added, removed, or bulk-loaded without history) and its history table's count and
newest ``history_date`` (django-simple-history records every save and delete made through PAC and
the admin); with today's date, since "overdue" changes at midnight. The charts use the same
version (evaluation.chart_cache).

Figures are kept in Redis only: while Redis is down the cache serves from its database table,
which culls by key order once full, and must keep the rate limits and used two-factor codes it
holds then (pac.cache); the figures are computed instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.utils import timezone

T = TypeVar("T")
TIMEOUT = 60 * 60 * 24  # a day: the version holds the date, so yesterday's figures are not asked for again
PREFIX = "pac.figures"

# (aggregate, FROM clause, WHERE clause, parameters) of one value
Value = tuple[str, str, str, list]


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def history_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model.history.model._meta.db_table)


def in_one_query(values: list[Value]) -> tuple:
    """One SELECT of scalar subqueries: a single round trip whatever the number of values."""
    # table and column names come from the models' meta; every value is a query parameter
    selects = [f"(SELECT {aggregate} FROM {source} WHERE {where})" for aggregate, source, where, _ in values]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), [param for *_, params in values for param in params])
        return cursor.fetchone()


def table_values(models: Sequence[type[Model]]) -> list[Value]:
    """What changes when any row of these models is added, saved or removed."""
    values: list[Value] = []
    for model in models:
        values += [("COUNT(*)", table(model), "1 = 1", []), ("MAX(id)", table(model), "1 = 1", [])]
        history = history_table(model)
        values += [("COUNT(*)", history, "1 = 1", []), ("MAX(history_date)", history, "1 = 1", [])]
    return values


def may_store() -> bool:
    in_use = getattr(cache, "redis_in_use", None)
    return in_use is None or in_use()


def figures(name: str, models: Sequence[type[Model]], compute: Callable[[], T], *, scope: object = ()) -> T:
    """``compute()`` for the current version of ``models``' rows (``scope``: what else it depends
    on, a year's id), from the cache when it was computed for that version already. One query
    (the version) and one cache read when it was."""
    version = in_one_query(table_values(models))
    digest = hashlib.sha256(repr((version, scope, timezone.localdate().isoformat())).encode()).hexdigest()[:24]
    key = f"{PREFIX}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if may_store():
            cache.set(key, value, TIMEOUT)
    return value
