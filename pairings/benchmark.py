"""Time the pairing suggestion on a realistic, deterministic pool.

    python -m pairings.benchmark [--coaches 1000] [--mentees 1500] [--seed 2026] [--waived 0.0] [--repeat 3]
                                 [--write docs/benchmarks/pairing.md]

Builds a random pool (the same one for the same seed) of coaches with capacity 1 or 2 and mentees
spread over the six regions, with random areas of need/expertise (from about 40 tags), age groups,
program types and preferred languages, then times ``matching.suggest`` (best of ``--repeat`` runs,
``time.perf_counter``). Only ``pairings.matching`` is used, which is pure (numpy and scipy): no
database and no Django settings are needed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import time
from collections import Counter
from pathlib import Path

from pairings import matching
from pairings.matching import Candidate

REGIONS = (1, 2, 3, 4, 5, 6)
TAG_IDS = tuple(range(1, 41))
AGE_IDS = (1, 2, 3, 4, 5)
# program types and languages weighted roughly as in Massachusetts early education
TYPE_WEIGHTS = {
    "center": 45,
    "fcc_system": 15,
    "fcc_independent": 10,
    "head_start": 12,
    "public_preschool": 8,
    "asost": 10,
}
LANGUAGE_WEIGHTS = {"en": 75, "es": 12, "pt": 5, "ht": 4, "zh": 2, "vi": 2}


def _candidate(rng: random.Random, application_id: int, *, coach: bool, waived_rate: float) -> Candidate:
    program_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    return Candidate(
        application_id=application_id,
        person_id=application_id,
        name=f"{'Coach' if coach else 'Mentee'} {application_id}",
        region=rng.choice(REGIONS),
        program_type=program_type,
        tags=frozenset(rng.sample(TAG_IDS, rng.randint(3, 10) if coach else rng.randint(0, 5))),
        ages=frozenset(rng.sample(AGE_IDS, rng.randint(1, 3))),
        language=rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0],
        free_slots=rng.choice((1, 2)) if coach else 0,
        waived=(not coach) and rng.random() < waived_rate,
    )


def build_pool(
    n_coaches: int = 1000, n_mentees: int = 1500, *, seed: int = 2026, waived_rate: float = 0.0
) -> tuple[list[Candidate], list[Candidate]]:
    """The same (mentees, coaches) for the same arguments."""
    rng = random.Random(seed)
    coaches = [_candidate(rng, i, coach=True, waived_rate=0) for i in range(1, n_coaches + 1)]
    mentees = [_candidate(rng, n_coaches + i, coach=False, waived_rate=waived_rate) for i in range(1, n_mentees + 1)]
    return mentees, coaches


def run(
    n_coaches: int = 1000, n_mentees: int = 1500, *, seed: int = 2026, waived_rate: float = 0.0, repeat: int = 3
) -> dict:
    mentees, coaches = build_pool(n_coaches, n_mentees, seed=seed, waived_rate=waived_rate)
    times, suggestion = [], None
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        suggestion = matching.suggest(mentees, coaches, coach_label="Consultant Teacher", mentee_label="Mentee")
        times.append(time.perf_counter() - start)
    per_coach = Counter(m.coach.application_id for m in suggestion.matches)
    slots = {c.application_id: c.free_slots for c in coaches}
    assert all(n <= slots[c] for c, n in per_coach.items()), "a coach was given more mentees than free places"
    assert all(m.same_region or m.mentee.waived for m in suggestion.matches), "a pair crossed regions unwaived"
    return {
        "coaches": len(coaches),
        "free_places": sum(slots.values()),
        "mentees": len(mentees),
        "waived": sum(m.waived for m in mentees),
        "matched": len(suggestion.matches),
        "unmatched": len(suggestion.unmatched),
        "total_score": suggestion.total,
        "mean_score": round(suggestion.total / len(suggestion.matches), 1) if suggestion.matches else 0.0,
        "best_seconds": min(times),
        "all_seconds": times,
    }


def write_figures(path: str | Path, *, title: str, command: str, header: list[str], rows: list[list[str]]) -> Path:
    """Write a benchmark's figures as a Markdown table, with when, where and how they were measured,
    so the documentation quotes a file the benchmark wrote rather than figures copied by hand."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# {title}",
        "",
        f"Written by `{command}` on {datetime.date.today().isoformat()}: Python {platform.python_version()} "
        f"on {platform.machine()}, {os.cpu_count()} CPU cores. Do not edit by hand; run the command again.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    path.write_text("\n".join(lines))
    return path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m pairings.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=1000)
    parser.add_argument("--mentees", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--waived",
        type=float,
        default=0.0,
        help="share of mentees with a region waiver (any waiver makes one problem of all regions)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", metavar="PATH", help="also write the figures to this Markdown file")
    args = parser.parse_args(argv)
    result = run(args.coaches, args.mentees, seed=args.seed, waived_rate=args.waived, repeat=args.repeat)
    if args.write:
        write_figures(
            args.write,
            title="Pairing suggestion benchmark",
            command="make benchmark",
            header=["pool", "matched", "unmatched", "mean score", "best time", "all runs"],
            rows=[
                [
                    f"{result['coaches']} coaches ({result['free_places']} free places), {result['mentees']} mentees "
                    f"({result['waived']} with a region waiver), seed {args.seed}",
                    str(result["matched"]),
                    str(result["unmatched"]),
                    str(result["mean_score"]),
                    f"{result['best_seconds']:.3f} s",
                    ", ".join(f"{t:.3f} s" for t in result["all_seconds"]),
                ]
            ],
        )
    print(
        f"pool: {result['coaches']} coaches ({result['free_places']} free places), {result['mentees']} mentees "
        f"({result['waived']} with a region waiver), {len(REGIONS)} regions, {len(TAG_IDS)} tags, seed {args.seed}"
    )
    print(f"matched: {result['matched']}  unmatched: {result['unmatched']}")
    print(f"total score: {result['total_score']}  (mean {result['mean_score']} per pair)")
    print(
        f"matching.suggest: {result['best_seconds']:.3f} s best of {len(result['all_seconds'])} "
        f"({', '.join(f'{t:.3f}' for t in result['all_seconds'])})"
    )
    return result


if __name__ == "__main__":
    main()
