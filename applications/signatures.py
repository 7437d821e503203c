"""Typed signatures: the signer types their own name as shown, and PAC checks it is that name.

Forgiven: letter case, extra or missing spaces, accents (José = Jose), and punctuation inside a
name (hyphens, apostrophes, full stops: Mary-Jane O’Brien = Mary Jane OBrien). Not forgiven: any
other letter, a missing or extra word (a middle initial that is not in the name as shown)."""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """The letters and digits of a name, without accents, case-folded: what two spellings of
    the same name have in common."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.casefold() if ch.isalnum())


def signature_matches(typed: str, named: str) -> bool:
    """Whether ``typed`` is the name ``named``, as a person would read it."""
    expected = name_key(named)
    return bool(expected) and name_key(typed) == expected


def signature_problem(typed: str, named: str) -> str | None:
    """The message to show when ``typed`` is not the signer's name, or None when it is."""
    typed = " ".join((typed or "").split())
    if signature_matches(typed, named):
        return None
    if not typed:
        return f"Type your name as shown, {named}, to sign."
    return (
        f"“{typed}” is not the name this MOU was sent to ({named}). Type that name as shown to sign. "
        "If the name is wrong, decline with a note so the applicant can send the MOU to the right person."
    )
