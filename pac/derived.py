"""Figures an app stores because they are computed from many records (applications' standings:
Tier 2 and Tier 3 results, ranks, z-scores) are recomputed in the transaction that changes what
they are computed from. A bulk load (``seed_demo``) would recompute them after every save; inside
``derived_in_bulk()`` the apps wait instead, and each registered catch-up runs once as the block
ends. A registry in pac, so the command that loads the data need not know the apps (tests/test_layers.py)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_in_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("derived_in_bulk", default=False)
_catch_ups: dict[str, Callable[[], object]] = {}


def register(name: str, catch_up: Callable[[], object]) -> None:
    """``catch_up`` recomputes everything ``name`` stores; run once at the end of a bulk block."""
    _catch_ups[name] = catch_up


def in_bulk() -> bool:
    """Whether a recompute should wait for the end of the bulk block."""
    return _in_bulk.get()


@contextlib.contextmanager
def derived_in_bulk() -> Iterator[None]:
    if _in_bulk.get():  # an outer block catches up
        yield
        return
    token = _in_bulk.set(True)
    try:
        yield
    finally:
        _in_bulk.reset(token)
    for catch_up in _catch_ups.values():  # not reached when the block raised (its work is undone)
        catch_up()
