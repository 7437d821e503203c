"""The site navigation. Each app registers its items; a person sees only those they may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    permission: str | None = None
    check: Callable[[HttpRequest], bool] | None = None

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


def items_for(request: HttpRequest) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    current = request.path
    result = []
    for item in _items:
        if item.visible_to(request):
            url = reverse(item.url_name)
            result.append({"label": item.label, "url": url, "active": current == url})
    return result
