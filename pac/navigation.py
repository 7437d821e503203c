"""The site navigation. Each app registers its items, each in a group; a person sees only those
they may open.

A person with a handful of items sees them all in the bar. A person with more (EEC staff have a
dozen) sees one menu per group, so the bar fits at every width; a group holding only one of their
items is shown as that item's link. Below the navbar's breakpoint everything folds under the
toggler (templates/base.html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, QuerySet
from django.http import HttpRequest
from django.urls import reverse

# Groups, in the order the bar shows them (after the ungrouped items such as My work).
APPLICATIONS = "Applications"
PAIRING_AND_COACHING = "Pairing & coaching"
EVALUATION = "Evaluation"
ADMIN = "Admin"
GROUPS = (APPLICATIONS, PAIRING_AND_COACHING, EVALUATION, ADMIN)

# Up to this many items a person's bar lists them flat; beyond it, they are grouped into menus.
MAX_FLAT_ITEMS = 5


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    permission: str | None = None
    check: Callable[[HttpRequest], bool] | None = None
    group: str | None = None  # one of GROUPS; None for an item always shown on its own (My work)
    # Shown only when this answers True, or a queryset with a row. Every item's queryset is asked in
    # one query per page, where a ``check`` doing ``.exists()`` would cost a query each.
    exists: Callable[[HttpRequest], QuerySet | bool] | None = None

    def __post_init__(self):
        if self.group is not None and self.group not in GROUPS:
            raise ValueError(f"unknown navigation group {self.group!r}; use one of {GROUPS}")

    def visible_to(self, request: HttpRequest) -> bool:
        if self.permission and not request.user.has_perm(self.permission):
            return False
        return not (self.check and not self.check(request))


_items: list[NavItem] = []


def register(item: NavItem) -> NavItem:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)
    return item


def _items_visible_to(request: HttpRequest) -> list[NavItem]:
    items = [item for item in _items if item.visible_to(request)]
    answers = {item: item.exists(request) for item in items if item.exists is not None}
    asked = {item: answer for item, answer in answers.items() if isinstance(answer, QuerySet)}
    if asked:
        names = {item: f"item_{i}" for i, item in enumerate(asked)}
        # the existence of each, in one query (read as a row of the person's own account)
        row = (
            get_user_model()
            ._default_manager.filter(pk=request.user.pk)
            .values(**{names[item]: Exists(queryset) for item, queryset in asked.items()})
            .first()
            or {}
        )
        answers.update({item: bool(row.get(names[item])) for item in asked})
    return [item for item in items if answers.get(item, True)]


def items_for(request: HttpRequest) -> list[dict]:
    """The bar's entries for this person, in order: links ({"label", "url", "active"}) and, when
    they have more than MAX_FLAT_ITEMS, menus ({"label", "id", "links": [links], "active"}).
    Worked out once per request and person, however many templates the request renders."""
    if not request.user.is_authenticated:
        return []
    memo = request.__dict__.get("_pac_nav_items")
    if memo is not None and memo[0] == request.user.pk:
        return memo[1]
    entries = _entries_for(request)
    request._pac_nav_items = (request.user.pk, entries)
    return entries


def _entries_for(request: HttpRequest) -> list[dict]:
    current = request.path
    visible = []
    for item in _items_visible_to(request):
        url = reverse(item.url_name)
        visible.append((item, {"label": item.label, "url": url, "active": current == url}))
    if len(visible) <= MAX_FLAT_ITEMS:
        return [link for _, link in visible]

    entries: list[dict] = [link for item, link in visible if item.group is None]
    for group in GROUPS:
        links = [link for item, link in visible if item.group == group]
        if len(links) == 1:
            entries.append(links[0])
        elif links:
            entries.append(
                {
                    "label": group,
                    "id": "nav-" + "".join(c if c.isalnum() else "-" for c in group.lower()),
                    "links": links,
                    "active": any(link["active"] for link in links),
                }
            )
    return entries
