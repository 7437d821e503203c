"""The documents that run as jobs. Each app registers its own (in its ``documents`` module, which
its AppConfig imports), so pac never imports a later app: the job machinery asks the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Built:
    content: bytes
    filename: str
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    # build(params, progress) -> Built: reads fresh data by the ids in params; raises to fail the job
    build: Callable[[dict, Progress], Built]
    # allowed(user, params) -> bool: asked when the job is requested and again on every download
    allowed: Callable[[object, dict], bool]
    # the page the document comes from, for a "back" link (optional)
    source_url: Callable[[dict], str] | None = None


_kinds: dict[str, DocumentKind] = {}


class UnknownDocument(LookupError):
    pass


def register(kind: DocumentKind) -> DocumentKind:
    _kinds[kind.key] = kind
    return kind


def get(key: str) -> DocumentKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownDocument(key) from None
