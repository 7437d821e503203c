"""Match scores and the optimal assignment of mentees to coaches.

The model assigns Mentees to Consultant Teachers "by program type, location, and learning
objectives". A pair's score (0–100) is a weighted sum of named components, each between 0 and 1:

    program type   WEIGHTS["program_type"]  same type best; center-based and Head Start close; family
                                            child care best served by a coach with FCC experience;
                                            after-school by an after-school coach (PROGRAM_FIT)
    needs          WEIGHTS["needs"]         share of the mentee's areas of need that the coach lists
                                            as expertise (0.5 when the mentee chose none)
    age groups     WEIGHTS["ages"]          share of the age groups the mentee's program serves that
                                            the coach's program serves too (0.5 when unknown)
    language       WEIGHTS["language"]      1 when both prefer the same language

Same region is not scored: it is required, unless staff waive it for a mentee (RegionWaiver).

The suggestion maximises the total score under every coach's free capacity: each coach is
expanded into one column per free slot and scipy's linear_sum_assignment solves the resulting
rectangular assignment problem. Regions are independent blocks (pairs never cross them unless a
waiver links them), so each block is solved on its own. Everything is deterministic: mentees and
coaches are ordered by application id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

WEIGHTS = {"program_type": 0.30, "needs": 0.35, "ages": 0.20, "language": 0.15}
COMPONENT_LABELS = {
    "program_type": "Program type fit",
    "needs": "Needs met by expertise",
    "ages": "Age groups in common",
    "language": "Same preferred language",
}

TYPES = ["center", "fcc_system", "fcc_independent", "head_start", "public_preschool", "asost"]
_FCC = {"fcc_system", "fcc_independent"}
_EARLY = {"center", "head_start", "public_preschool"}


def _fit(mentee_type: str, coach_type: str) -> float:
    if mentee_type == coach_type:
        return 1.0
    if {mentee_type, coach_type} == {"center", "head_start"}:
        return 0.8
    if mentee_type in _FCC and coach_type in _FCC:
        return 0.9
    if mentee_type in _EARLY and coach_type in _EARLY:
        return 0.6
    if mentee_type in _FCC or mentee_type == "asost":
        return 0.2  # family child care and after-school are best served by a coach who knows them
    if coach_type in _FCC:
        return 0.4
    return 0.3


PROGRAM_FIT = np.array([[_fit(m, c) for c in TYPES] for m in TYPES])


@dataclass(frozen=True)
class Candidate:
    """A person in the pool: a coach with free slots, or a mentee without a pair."""

    application_id: int
    person_id: int
    name: str
    region: int
    program_type: str
    tags: frozenset[int]
    ages: frozenset[int]
    language: str
    free_slots: int = 0  # coaches only
    waived: bool = False  # mentees only: may be matched outside their region


@dataclass
class Match:
    mentee: Candidate
    coach: Candidate
    score: float
    components: dict[str, float]

    @property
    def same_region(self) -> bool:
        return self.mentee.region == self.coach.region

    def breakdown(self) -> list[tuple[str, float, float]]:
        """(label, component value 0–1, points contributed) for each component."""
        return [(COMPONENT_LABELS[k], v, round(100 * WEIGHTS[k] * v, 1)) for k, v in self.components.items()]


@dataclass
class Suggestion:
    matches: list[Match] = field(default_factory=list)
    unmatched: list[tuple[Candidate, str]] = field(default_factory=list)
    message: str = ""

    @property
    def total(self) -> float:
        return round(sum(m.score for m in self.matches), 1)


def _matrix(rows: list[Candidate], attr: str, vocabulary: dict[int, int]) -> np.ndarray:
    out = np.zeros((len(rows), max(len(vocabulary), 1)), dtype=np.float32)
    for i, row in enumerate(rows):
        for value in getattr(row, attr):
            out[i, vocabulary[value]] = 1.0
    return out


def score_components(mentees: list[Candidate], coaches: list[Candidate]) -> dict[str, np.ndarray]:
    """Each component as a (mentees × coaches) array of values between 0 and 1."""
    tag_vocab = {t: i for i, t in enumerate(sorted({t for c in mentees + coaches for t in c.tags}))}
    age_vocab = {a: i for i, a in enumerate(sorted({a for c in mentees + coaches for a in c.ages}))}
    needs, expertise = _matrix(mentees, "tags", tag_vocab), _matrix(coaches, "tags", tag_vocab)
    m_ages, c_ages = _matrix(mentees, "ages", age_vocab), _matrix(coaches, "ages", age_vocab)

    def coverage(mentee_sets: np.ndarray, coach_sets: np.ndarray) -> np.ndarray:
        wanted = mentee_sets.sum(axis=1, keepdims=True)
        shared = mentee_sets @ coach_sets.T
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(wanted > 0, shared / np.maximum(wanted, 1), 0.5)

    m_type = np.array([TYPES.index(c.program_type) if c.program_type in TYPES else 0 for c in mentees])
    c_type = np.array([TYPES.index(c.program_type) if c.program_type in TYPES else 0 for c in coaches])
    m_lang = np.array([c.language for c in mentees], dtype=object)
    c_lang = np.array([c.language for c in coaches], dtype=object)
    return {
        "program_type": PROGRAM_FIT[np.ix_(m_type, c_type)],
        "needs": coverage(needs, expertise),
        "ages": coverage(m_ages, c_ages),
        "language": (m_lang[:, None] == c_lang[None, :]).astype(np.float32),
    }


def total_score(components: dict[str, np.ndarray]) -> np.ndarray:
    return 100.0 * sum(WEIGHTS[k] * v for k, v in components.items())


def score_pair(mentee: Candidate, coach: Candidate) -> Match:
    components = score_components([mentee], [coach])
    values = {k: round(float(v[0, 0]), 3) for k, v in components.items()}
    return Match(mentee, coach, round(float(total_score(components)[0, 0]), 1), values)


def _blocks(mentees: list[Candidate], coaches: list[Candidate]) -> list[tuple[list[Candidate], list[Candidate]]]:
    """Independent sub-problems: one per region, unless a waived mentee joins regions together."""
    if any(m.waived for m in mentees):
        return [(mentees, coaches)]
    by_region_m, by_region_c = defaultdict(list), defaultdict(list)
    for m in mentees:
        by_region_m[m.region].append(m)
    for c in coaches:
        by_region_c[c.region].append(c)
    return [(by_region_m[r], by_region_c.get(r, [])) for r in sorted(by_region_m)]


def suggest(
    mentees: list[Candidate], coaches: list[Candidate], *, coach_label: str = "coach", mentee_label: str = "mentee"
) -> Suggestion:
    """The assignment with the greatest total score under the coaches' free capacity."""
    mentees = sorted(mentees, key=lambda c: c.application_id)
    coaches = sorted((c for c in coaches if c.free_slots > 0), key=lambda c: c.application_id)
    if not mentees:
        return Suggestion(message=f"There is no accepted {mentee_label} without a pair to match.")
    if not coaches:
        return Suggestion(
            unmatched=[(m, f"No accepted {coach_label} has free capacity.") for m in mentees],
            message=f"There is no accepted {coach_label} with free capacity, so nobody can be matched.",
        )
    suggestion = Suggestion()
    for block_mentees, block_coaches in _blocks(mentees, coaches):
        _solve_block(block_mentees, block_coaches, suggestion, coach_label)
    suggestion.matches.sort(key=lambda m: (m.mentee.region, -m.score, m.mentee.application_id))
    suggestion.unmatched.sort(key=lambda u: (u[0].region, u[0].application_id))
    return suggestion


def _solve_block(mentees: list[Candidate], coaches: list[Candidate], suggestion: Suggestion, coach_label: str) -> None:
    region = mentees[0].region
    if not coaches:
        for mentee in mentees:
            suggestion.unmatched.append((mentee, f"No {coach_label} in Region {region} has free capacity."))
        return
    components = score_components(mentees, coaches)
    scores = total_score(components)
    feasible = (
        np.array([[m.waived or m.region == c.region for c in coaches] for m in mentees])
        if any(m.waived for m in mentees)
        else np.ones_like(scores, dtype=bool)
    )
    slot_owner = np.repeat(np.arange(len(coaches)), [c.free_slots for c in coaches])
    # a small penalty on later slots spreads mentees across coaches when scores tie
    cost = -scores[:, slot_owner] + 1e-6 * np.tile(_slot_rank(coaches), (len(mentees), 1))
    cost[~feasible[:, slot_owner]] = 1e9
    from scipy.optimize import linear_sum_assignment  # imported when needed: slow to import

    rows, cols = linear_sum_assignment(cost)
    matched = set()
    for row, col in zip(rows, cols, strict=True):
        coach_index = slot_owner[col]
        if not feasible[row, coach_index]:
            continue
        matched.add(row)
        values = {k: round(float(v[row, coach_index]), 3) for k, v in components.items()}
        suggestion.matches.append(
            Match(mentees[row], coaches[coach_index], round(float(scores[row, coach_index]), 1), values)
        )
    # reasons speak of the mentee's own region, even when a waiver joined regions into one problem
    places: dict[int, int] = defaultdict(int)
    for coach in coaches:
        places[coach.region] += coach.free_slots
    wanting: dict[int, int] = defaultdict(int)
    for mentee in mentees:
        wanting[mentee.region] += 1
    for row, mentee in enumerate(mentees):
        if row in matched:
            continue
        here = places.get(mentee.region, 0)
        if mentee.waived:
            reason = (
                f"Every {coach_label} with free capacity, in any region, is matched to someone else."
                if slot_owner.size
                else f"No {coach_label} has free capacity."
            )
        elif here == 0:
            reason = f"No {coach_label} in Region {mentee.region} has free capacity."
        else:
            reason = (
                f"Every {coach_label} in Region {mentee.region} with free capacity is matched to someone "
                f"else ({here} free place{'s' if here != 1 else ''} for {wanting[mentee.region]})."
            )
        suggestion.unmatched.append((mentee, reason))


def _slot_rank(coaches: list[Candidate]) -> np.ndarray:
    return np.concatenate([np.arange(c.free_slots) for c in coaches]).astype(float)
