"""30-day report periods: pure date arithmetic, no database.

Reports are due every 30 days from the pair's start date. Period k (k = 1, 2, ...) runs from
start + 30·(k−1) to start + 30·k − 1 and is due on start + 30·k, the first day after it. Days are
counted, not months, so a pair starting on the 31st or on February 29th needs nothing special.
A pair that ends stops its schedule: the period in which it ends is cut short at the end date and
is still reported on, due on its usual date; no period starts after the end.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

PERIOD_DAYS = 30


@dataclass(frozen=True)
class Period:
    number: int
    start: datetime.date
    end: datetime.date
    due_on: datetime.date


def periods(*, started_on: datetime.date, ended_on: datetime.date | None = None, until: datetime.date) -> list[Period]:
    """Every period that has started on or before ``until`` (and before the pair ended)."""
    last_day = min(until, ended_on) if ended_on else until
    out = []
    number = 1
    while True:
        start = started_on + datetime.timedelta(days=PERIOD_DAYS * (number - 1))
        if start > last_day:
            break
        end = start + datetime.timedelta(days=PERIOD_DAYS - 1)
        if ended_on and end > ended_on:
            end = ended_on
        out.append(Period(number, start, end, started_on + datetime.timedelta(days=PERIOD_DAYS * number)))
        number += 1
    return out


def period_on(*, started_on: datetime.date, day: datetime.date) -> int:
    """The number of the period that contains ``day`` (1 for the first 30 days)."""
    return (day - started_on).days // PERIOD_DAYS + 1
