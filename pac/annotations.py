"""What a later app adds to an earlier app's pages, without the earlier app importing it.

PAC's apps are layers (pac <- applications <- pairings <- coaching <- evaluation; tests/test_layers.py
keeps it so). When an earlier page shows something a later app owns, the later app registers it
here from its ``annotations`` module (which its AppConfig imports), and the earlier page asks this
registry, getting nothing when no app has registered:

- facts, by name: ``provide(name, fn)``; ``ask(name, *args, default=...)`` calls it. The named
  helpers below (``prior_decisions``) give the earlier apps a typed call.
- links, by key: ``register_link(key, url_name)``; ``link(key, *args)`` reverses it ("" when
  none), and templates use ``{% load pac_tags %}{% link_to "pair.workspace" pair.pk as url %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

_providers: dict[str, Callable[..., Any]] = {}
_links: dict[str, str] = {}


def provide(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    _providers[name] = fn
    return fn


def ask(name: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    provider = _providers.get(name)
    if provider is None:
        return default
    return provider(*args, **kwargs)


def register_link(key: str, url_name: str) -> None:
    _links[key] = url_name


def link(key: str, *args: Any) -> str:
    url_name = _links.get(key)
    return reverse(url_name, args=args) if url_name else ""


# --- the facts earlier apps ask for --------------------------------------------------------------

PRIOR_DECISIONS = "prior_decisions"


def prior_decisions(person_ids, before) -> dict:
    """{person id: the staff decision of their latest six-month review before the program year
    ``before``} (evaluation provides it); {} when no app does."""
    return ask(PRIOR_DECISIONS, person_ids, before, default=None) or {}


ORIENTATION_ATTENDED = "orientation_attended"


def orientation_attended(person_ids, program_year) -> set[int] | None:
    """The ids, among ``person_ids``, of those recorded present at the program year's pre-service
    orientation (coaching keeps attendance and provides it). None when no app does: a caller that
    enforces attendance must then refuse, not let everyone through."""
    found = ask(ORIENTATION_ATTENDED, person_ids, program_year, default=None)
    return None if found is None else set(found)


CLIP_FIGURES = "clip_figures"


def clip_figures(pair_ids) -> dict:
    """{pair id: figures of the clips the mentee shared (``shared``, ``reviewed``, ``median_days``
    from upload to first feedback, ``waiting_long``)}; evidence provides it, {} when no app does."""
    return ask(CLIP_FIGURES, pair_ids, default=None) or {}


COACH_CLIP_FIGURES = "coach_clip_figures"


def coach_clip_figures(coach_person_id: int, program_year_id: int):
    """The same figures over a coach's pairs of a year (the six-month review); None when no app
    provides them."""
    return ask(COACH_CLIP_FIGURES, coach_person_id, program_year_id, default=None)


CLIPS_WAITING = "clips_waiting"


def clips_waiting(program_year) -> int | None:
    """How many clips of the year have waited more than a week for the coach's first feedback
    (staff's coaching overview); None when no app provides it."""
    return ask(CLIPS_WAITING, program_year, default=None)
