"""The pure matching code: score components by hand, the optimal assignment, capacity, regions,
determinism and the messages staff read. No database."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pairings import matching
from pairings.matching import Candidate, score_pair, suggest

_ids = itertools.count(1000)


def cand(
    app_id: int | None = None,
    *,
    region: int = 1,
    program_type: str = "center",
    tags=(),
    ages=(),
    language: str = "en",
    slots: int = 0,
    waived: bool = False,
    name: str = "",
) -> Candidate:
    app_id = next(_ids) if app_id is None else app_id
    return Candidate(
        application_id=app_id,
        person_id=app_id + 100_000,
        name=name or f"Person {app_id}",
        region=region,
        program_type=program_type,
        tags=frozenset(tags),
        ages=frozenset(ages),
        language=language,
        free_slots=slots,
        waived=waived,
    )


def coach(app_id=None, *, slots=1, **kw) -> Candidate:
    return cand(app_id, slots=slots, **kw)


def key(suggestion):
    """Everything in a suggestion, as plain comparable values."""
    return (
        [
            (m.mentee.application_id, m.coach.application_id, m.score, tuple(sorted(m.components.items())))
            for m in suggestion.matches
        ],
        [(c.application_id, reason) for c, reason in suggestion.unmatched],
        suggestion.message,
        suggestion.total,
    )


def random_pool(
    rng: random.Random, *, n_mentees, n_coaches, regions=(1, 2, 3), waiver_rate=0.0, max_slots=2, zero_slot_rate=0.0
):
    types = matching.TYPES
    start = rng.randrange(1, 10_000)
    mentees = [
        cand(
            start + i,
            region=rng.choice(regions),
            program_type=rng.choice(types),
            tags=rng.sample(range(12), rng.randint(0, 4)),
            ages=rng.sample(range(5), rng.randint(0, 3)),
            language=rng.choice(["en", "es", "pt"]),
            waived=rng.random() < waiver_rate,
        )
        for i in range(n_mentees)
    ]
    coaches = [
        coach(
            start + n_mentees + i,
            region=rng.choice(regions),
            program_type=rng.choice(types),
            tags=rng.sample(range(12), rng.randint(0, 5)),
            ages=rng.sample(range(5), rng.randint(0, 3)),
            language=rng.choice(["en", "es", "pt"]),
            slots=0 if rng.random() < zero_slot_rate else rng.randint(1, max_slots),
        )
        for i in range(n_coaches)
    ]
    return mentees, coaches


# --- components, checked by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentee_type", "coach_type", "expected"),
    [
        ("center", "center", 1.0),
        ("fcc_system", "fcc_system", 1.0),
        ("center", "head_start", 0.8),
        ("head_start", "center", 0.8),
        ("fcc_system", "center", 0.2),
        ("fcc_independent", "head_start", 0.2),
        ("fcc_independent", "asost", 0.2),
        ("asost", "asost", 1.0),
        ("asost", "center", 0.2),
        ("fcc_system", "fcc_independent", 0.9),
    ],
)
def test_program_type_fit(mentee_type, coach_type, expected):
    match = score_pair(cand(program_type=mentee_type), coach(program_type=coach_type))
    assert match.components["program_type"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("needs", "expertise", "expected"),
    [
        ({1, 2, 3, 4}, {2, 4, 9}, 0.5),  # 2 of the 4 needs
        ({1, 2, 3, 4}, {1, 2, 3, 4, 5}, 1.0),
        ({1, 2, 3, 4}, {7, 8}, 0.0),
        ({1}, set(), 0.0),
        (set(), {1, 2}, 0.5),  # no needs chosen: neutral
        (set(), set(), 0.5),
    ],
)
def test_needs_coverage(needs, expertise, expected):
    match = score_pair(cand(tags=needs), coach(tags=expertise))
    assert match.components["needs"] == pytest.approx(expected)


def test_needs_coverage_is_the_mentees_share_not_the_coachs():
    # the coach lists 10 areas; the mentee's 2 needs are both among them: fully covered
    match = score_pair(cand(tags={1, 2}), coach(tags=set(range(1, 11))))
    assert match.components["needs"] == pytest.approx(1.0)
    # reversed roles: the mentee wants 10, the coach covers 2 of them
    match = score_pair(cand(tags=set(range(1, 11))), coach(tags={1, 2}))
    assert match.components["needs"] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("mentee_ages", "coach_ages", "expected"),
    [({1, 2}, {2, 3}, 0.5), ({1, 2}, {1, 2}, 1.0), ({1}, {2}, 0.0), (set(), {1}, 0.5)],
)
def test_age_groups_in_common(mentee_ages, coach_ages, expected):
    match = score_pair(cand(ages=mentee_ages), coach(ages=coach_ages))
    assert match.components["ages"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("mentee_lang", "coach_lang", "expected"),
    [("en", "en", 1.0), ("es", "es", 1.0), ("en", "es", 0.0), ("pt", "en", 0.0)],
)
def test_language_match(mentee_lang, coach_lang, expected):
    assert score_pair(cand(language=mentee_lang), coach(language=coach_lang)).components["language"] == expected


def test_total_score_by_hand():
    mentee = cand(program_type="center", tags={1, 2, 3, 4}, ages={1, 2}, language="en")
    chosen = coach(program_type="head_start", tags={1, 2, 9}, ages={2, 3}, language="es")
    match = score_pair(mentee, chosen)
    assert match.components == {"program_type": 0.8, "needs": 0.5, "ages": 0.5, "language": 0.0}
    # 100 × (0.30·0.8 + 0.35·0.5 + 0.20·0.5 + 0.15·0) = 24 + 17.5 + 10 + 0
    assert match.score == 51.5
    assert match.breakdown() == [
        ("Program type fit", 0.8, 24.0),
        ("Needs met by expertise", 0.5, 17.5),
        ("Age groups in common", 0.5, 10.0),
        ("Same preferred language", 0.0, 0.0),
    ]
    assert sum(points for _, _, points in match.breakdown()) == pytest.approx(match.score)


def test_weights_sum_to_one_so_a_perfect_pair_scores_100():
    assert sum(matching.WEIGHTS.values()) == pytest.approx(1.0)
    mentee = cand(program_type="asost", tags={3, 4}, ages={2}, language="es")
    perfect = coach(program_type="asost", tags={3, 4, 5}, ages={2, 3}, language="es")
    assert score_pair(mentee, perfect).score == 100.0


def test_score_matrix_agrees_with_score_pair():
    mentees, coaches = random_pool(random.Random(7), n_mentees=6, n_coaches=5)
    scores = matching.total_score(matching.score_components(mentees, coaches))
    assert scores.shape == (6, 5)
    for i, mentee in enumerate(mentees):
        for j, c in enumerate(coaches):
            assert round(float(scores[i, j]), 1) == score_pair(mentee, c).score


# --- the optimal assignment --------------------------------------------------------------------------


def _greedy(mentees, coaches):
    """Best remaining pair first, the way someone would do it by hand."""
    left = {c.application_id: c.free_slots for c in coaches}
    pairs = sorted(
        (
            (score_pair(m, c).score, m.application_id, c.application_id)
            for m in mentees
            for c in coaches
            if m.region == c.region
        ),
        reverse=True,
    )
    taken, total = set(), 0.0
    for score, m, c in pairs:
        if m not in taken and left[c] > 0:
            taken.add(m)
            left[c] -= 1
            total += score
    return round(total, 1)


def test_optimal_assignment_beats_greedy():
    # A is a little better with X than with Y; B is only good with X (X covers B's need, Y does not)
    a = cand(1, program_type="center", tags={1, 2})
    b = cand(2, program_type="fcc_independent", tags={3})
    x = coach(11, program_type="center", tags={1, 2, 3})
    y = coach(12, program_type="head_start", tags={1, 2})
    assert [score_pair(a, x).score, score_pair(a, y).score, score_pair(b, x).score, score_pair(b, y).score] == [
        90.0,
        84.0,
        66.0,
        31.0,
    ]
    suggestion = suggest([a, b], [x, y])
    assert {(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches} == {(1, 12), (2, 11)}
    assert suggestion.total == 150.0
    assert _greedy([a, b], [x, y]) == 121.0 < suggestion.total
    assert suggestion.unmatched == []


def _best_by_brute_force(mentees, coaches, scores, feasible):
    """(most mentees matched, then greatest total score) over every assignment within capacity."""
    best = (0, 0.0)

    def walk(i, left, count, total):
        nonlocal best
        if i == len(mentees):
            best = max(best, (count, total))
            return
        walk(i + 1, left, count, total)  # mentee i unmatched
        for j in range(len(coaches)):
            if left[j] > 0 and feasible[i][j]:
                left[j] -= 1
                walk(i + 1, left, count + 1, total + float(scores[i, j]))
                left[j] += 1

    walk(0, [c.free_slots for c in coaches], 0, 0.0)
    return best


@pytest.mark.parametrize("waiver_rate", [0.0, 0.3])
@pytest.mark.parametrize("seed", range(40))
def test_suggestion_is_optimal_on_small_pools(seed, waiver_rate):
    rng = random.Random(seed)
    mentees, coaches = random_pool(
        rng,
        n_mentees=rng.randint(1, 6),
        n_coaches=rng.randint(1, 4),
        regions=(1, 2),
        waiver_rate=waiver_rate,
        zero_slot_rate=0.15,
    )
    mentees.sort(key=lambda c: c.application_id)
    coaches.sort(key=lambda c: c.application_id)
    scores = matching.total_score(matching.score_components(mentees, coaches))
    feasible = [[m.waived or m.region == c.region for c in coaches] for m in mentees]
    best_count, best_total = _best_by_brute_force(mentees, coaches, scores, feasible)

    suggestion = suggest(mentees, coaches)
    m_index = {m.application_id: i for i, m in enumerate(mentees)}
    c_index = {c.application_id: j for j, c in enumerate(coaches)}
    exact = sum(
        float(scores[m_index[m.mentee.application_id], c_index[m.coach.application_id]]) for m in suggestion.matches
    )
    assert len(suggestion.matches) == best_count
    assert exact == pytest.approx(best_total, abs=1e-3)


# --- capacity and regions --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_capacity_is_never_exceeded_and_every_mentee_is_accounted_for(seed):
    rng = random.Random(1000 + seed)
    mentees, coaches = random_pool(
        rng,
        n_mentees=rng.randint(1, 60),
        n_coaches=rng.randint(1, 30),
        regions=(1, 2, 3, 4, 5, 6),
        max_slots=3,
        zero_slot_rate=0.2,
    )
    suggestion = suggest(mentees, coaches)
    per_coach = Counter(m.coach.application_id for m in suggestion.matches)
    slots = {c.application_id: c.free_slots for c in coaches}
    for coach_id, n in per_coach.items():
        assert n <= slots[coach_id], (coach_id, n, slots[coach_id])
    matched = [m.mentee.application_id for m in suggestion.matches]
    unmatched = [c.application_id for c, _ in suggestion.unmatched]
    assert len(matched) == len(set(matched)), "a mentee was matched twice"
    assert sorted(matched + unmatched) == sorted(m.application_id for m in mentees)
    # pairs stay in their region, and each region matches as many as its free places allow
    assert all(m.same_region for m in suggestion.matches)
    for region in range(1, 7):
        wanted = sum(1 for m in mentees if m.region == region)
        places = sum(c.free_slots for c in coaches if c.region == region)
        got = sum(1 for m in suggestion.matches if m.mentee.region == region)
        assert got == min(wanted, places), region


@pytest.mark.parametrize("seed", range(20))
def test_only_waived_mentees_cross_regions(seed):
    rng = random.Random(2000 + seed)
    mentees, coaches = random_pool(
        rng, n_mentees=rng.randint(5, 40), n_coaches=rng.randint(2, 15), regions=(1, 2, 3, 4), waiver_rate=0.2
    )
    suggestion = suggest(mentees, coaches)
    for match in suggestion.matches:
        assert match.same_region or match.mentee.waived, match
    per_coach = Counter(m.coach.application_id for m in suggestion.matches)
    assert all(per_coach[c.application_id] <= c.free_slots for c in coaches)


def test_region_rule_keeps_a_mentee_home_unless_waived():
    mentee = cand(1, region=1)
    elsewhere = coach(11, region=2, slots=2)

    suggestion = suggest([mentee], [elsewhere])
    assert suggestion.matches == []
    [(who, reason)] = suggestion.unmatched
    assert who == mentee
    assert reason == "No coach in Region 1 has free capacity."

    waived = cand(1, region=1, waived=True)
    suggestion = suggest([waived], [elsewhere])
    [match] = suggestion.matches
    assert (match.mentee, match.coach, match.same_region) == (waived, elsewhere, False)
    assert suggestion.unmatched == []


def test_a_waiver_does_not_let_other_mentees_cross():
    waived = cand(1, region=1, waived=True)
    stay = cand(2, region=1)
    far = coach(11, region=2, slots=2)
    suggestion = suggest([waived, stay], [far])
    assert [(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches] == [(1, 11)]
    assert [c.application_id for c, _ in suggestion.unmatched] == [2]


def test_unmatched_reason_names_the_region_when_its_coaches_are_full():
    first, second = cand(1, region=3, tags={1}), cand(2, region=3, tags={2})
    only = coach(11, region=3, slots=1, tags={1})
    suggestion = suggest([first, second], [only], coach_label="Consultant Teacher")
    assert [(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches] == [(1, 11)]
    [(who, reason)] = suggestion.unmatched
    assert who == second
    assert reason == (
        "Every Consultant Teacher in Region 3 with free capacity is matched to someone else (1 free place for 2)."
    )


def test_a_region_whose_coaches_have_no_free_slots_says_so():
    home = cand(1, region=2)
    full = coach(11, region=2, slots=0)
    other = coach(12, region=5, slots=2)
    suggestion = suggest([home, cand(3, region=5)], [full, other], coach_label="Consultant Teacher")
    assert [(m.mentee.application_id, m.coach.application_id) for m in suggestion.matches] == [(3, 12)]
    assert suggestion.unmatched == [(home, "No Consultant Teacher in Region 2 has free capacity.")]


def test_unmatched_reasons_do_not_depend_on_an_unrelated_waiver():
    region1 = [cand(1, region=1, tags={1}), cand(2, region=1, tags={2})]
    lonely = cand(3, region=4)  # no coach in Region 4 at all
    coaches = [coach(11, region=1, slots=1, tags={1}), coach(12, region=2, slots=2, program_type="asost")]
    without = suggest([*region1, lonely], coaches)
    # an unrelated mentee in Region 3 may now be paired in Region 2
    waived = cand(4, region=3, program_type="asost", waived=True)
    with_waiver = suggest([*region1, lonely, waived], coaches)
    pairs = [(m.mentee.application_id, m.coach.application_id) for m in with_waiver.matches]
    assert (4, 12) in pairs
    reasons = {c.application_id: r for c, r in without.unmatched}
    assert reasons == {
        2: "Every coach in Region 1 with free capacity is matched to someone else (1 free place for 2).",
        3: "No coach in Region 4 has free capacity.",
    }
    assert {c.application_id: r for c, r in with_waiver.unmatched} == reasons


# --- determinism, ties, empty pools ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_same_input_in_any_order_gives_the_same_suggestion(seed):
    rng = random.Random(3000 + seed)
    mentees, coaches = random_pool(rng, n_mentees=40, n_coaches=20, regions=(1, 2, 3), waiver_rate=0.1 * (seed % 2))
    # plenty of ties: copies of the same profile under different ids
    mentees += [Candidate(**{**m.__dict__, "application_id": m.application_id + 50_000}) for m in mentees[:10]]
    coaches += [Candidate(**{**c.__dict__, "application_id": c.application_id + 50_000}) for c in coaches[:5]]
    first = key(suggest(mentees, coaches))
    assert key(suggest(mentees, coaches)) == first
    for _ in range(5):
        rng.shuffle(mentees)
        rng.shuffle(coaches)
        assert key(suggest(list(mentees), list(coaches))) == first


def test_ties_spread_mentees_across_coaches():
    mentees = [cand(1), cand(2)]
    coaches = [coach(11, slots=2), coach(12, slots=2)]
    suggestion = suggest(mentees, coaches)
    assert Counter(m.coach.application_id for m in suggestion.matches) == {11: 1, 12: 1}

    three = suggest([*mentees, cand(3)], list(reversed(coaches)))
    assert sorted(Counter(m.coach.application_id for m in three.matches).values()) == [1, 2]


def test_empty_pool():
    suggestion = suggest([], [])
    assert suggestion.matches == [] and suggestion.unmatched == []
    assert suggestion.message == "There is no accepted mentee without a pair to match."
    assert suggestion.total == 0


def test_no_mentees_but_coaches():
    suggestion = suggest([], [coach(11, slots=2)], mentee_label="Mentee Administrator")
    assert suggestion.matches == [] and suggestion.unmatched == []
    assert suggestion.message == "There is no accepted Mentee Administrator without a pair to match."


@pytest.mark.parametrize(
    "coaches",
    [[], [coach(11, slots=0), coach(12, region=2, slots=0)]],
    ids=["no coaches", "coaches without free slots"],
)
def test_no_coach_with_free_capacity(coaches):
    mentees = [cand(2, region=2), cand(1, region=1)]
    suggestion = suggest(mentees, coaches, coach_label="Consultant Teacher")
    assert suggestion.matches == []
    assert suggestion.message == "There is no accepted Consultant Teacher with free capacity, so nobody can be matched."
    assert [(c.application_id, r) for c, r in suggestion.unmatched] == [
        (1, "No accepted Consultant Teacher has free capacity."),
        (2, "No accepted Consultant Teacher has free capacity."),
    ]


def test_matches_are_listed_by_region_then_best_score():
    mentees = [cand(1, region=2), cand(2, region=1, tags={5}), cand(3, region=1, tags={6})]
    coaches = [coach(11, region=1, slots=2, tags={5}), coach(12, region=2)]
    suggestion = suggest(mentees, coaches)
    assert [m.mentee.application_id for m in suggestion.matches] == [2, 3, 1]
    regions_and_scores = [(m.mentee.region, -m.score) for m in suggestion.matches]
    assert regions_and_scores == sorted(regions_and_scores)
    assert suggestion.total == round(sum(m.score for m in suggestion.matches), 1)


def test_matching_module_does_not_need_django():
    """The benchmark and the tests above rely on it: importing it loads no Django."""
    code = "import sys, pairings.matching; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    root = Path(matching.__file__).resolve().parent.parent
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_benchmark_writes_its_figures_to_the_file_it_is_given(tmp_path):
    from pairings import benchmark

    target = tmp_path / "figures" / "pairing.md"
    result = benchmark.main(["--coaches", "20", "--mentees", "30", "--repeat", "1", "--write", str(target)])
    text = target.read_text()
    assert "Written by `make benchmark`" in text and "Do not edit by hand" in text
    assert f"| {result['matched']} | {result['unmatched']} |" in text
    assert "20 coaches" in text and "30 mentees" in text
