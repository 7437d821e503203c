"""Money in PAC is ``Decimal`` throughout and rounded to cents once, here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """The amount rounded to cents (half up, as payments are), from a Decimal, an int or a string
    (never a float: a float has already lost the cents)."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal or a string")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def dollars(value: Decimal) -> str:
    """$1,250.00"""
    return f"${cents(value):,.2f}"
