"""CLASS scoring (DOMAIN.md §1): a dimension's score is its mean across cycles; a domain's score
is the mean of its dimensions, with reversed dimensions (Negative Climate) entering as 8 − score.
Pure functions over plain numbers, so they can be checked by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SCALE = range(1, 8)


class ScoreError(ValueError):
    """A cycle's scores are incomplete or outside 1–7; the message says which."""


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    domain: str
    reversed: bool = False


def validate_cycles(
    cycles: list[Mapping[str, int | None]],
    dimensions: Iterable[DimensionSpec],
    numbers: list[int] | None = None,
) -> None:
    """Every dimension must have a whole-number score from 1 to 7 in every cycle. ``numbers`` are
    the cycles' numbers in the visit (a mixed-age room scores cycles 1, 3 on one tool and 2, 4 on
    the other), so a message names the cycle the observer knows; by default 1, 2, 3 ..."""
    codes = [d.code for d in dimensions]
    if not cycles:
        raise ScoreError("Enter at least one cycle.")
    numbers = numbers or list(range(1, len(cycles) + 1))
    if len(numbers) != len(cycles):
        raise ValueError("one number per cycle")
    problems = []
    for number, cycle in zip(numbers, cycles, strict=True):
        for code in codes:
            value = cycle.get(code)
            if value is None or value == "":
                problems.append(f"cycle {number}: {code} is missing")
            elif not isinstance(value, int) or isinstance(value, bool) or value not in SCALE:
                problems.append(f"cycle {number}: {code} must be a whole number from 1 to 7 (got {value!r})")
        unknown = sorted(set(cycle) - set(codes))
        if unknown:
            problems.append(f"cycle {number}: {', '.join(unknown)} is not a dimension of this tool")
    if problems:
        raise ScoreError("; ".join(problems) + ".")


def dimension_means(
    cycles: list[Mapping[str, int]], dimensions: Iterable[DimensionSpec], numbers: list[int] | None = None
) -> dict[str, float]:
    """Each dimension's raw mean across cycles (Negative Climate stays raw: low is good)."""
    dimensions = list(dimensions)
    validate_cycles(cycles, dimensions, numbers)
    return {d.code: sum(c[d.code] for c in cycles) / len(cycles) for d in dimensions}


def domain_scores(means: Mapping[str, float], dimensions: Iterable[DimensionSpec]) -> dict[str, float]:
    """Each domain's mean of its dimensions, reversed ones as 8 − score."""
    by_domain: dict[str, list[float]] = {}
    for d in dimensions:
        value = means[d.code]
        by_domain.setdefault(d.domain, []).append(8 - value if d.reversed else value)
    return {domain: sum(values) / len(values) for domain, values in by_domain.items()}
