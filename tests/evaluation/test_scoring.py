"""CLASS scoring against DOMAIN.md's rules and a published example, and the seeded instruments."""

import pytest

from evaluation.models import Dimension, Instrument
from evaluation.scoring import DimensionSpec, ScoreError, dimension_means, domain_scores, validate_cycles

PRE_K = [
    DimensionSpec("PC", "ES"),
    DimensionSpec("NC", "ES", reversed=True),
    DimensionSpec("TS", "ES"),
    DimensionSpec("RSP", "ES"),
    DimensionSpec("BM", "CO"),
    DimensionSpec("PD", "CO"),
    DimensionSpec("ILF", "CO"),
    DimensionSpec("CD", "IS"),
    DimensionSpec("QF", "IS"),
    DimensionSpec("LM", "IS"),
]


def test_emotional_support_matches_the_published_head_start_example():
    # DOMAIN.md: PC 6.54, NC 1.06, TS 5.31, RSP 5.08 give ES 5.97
    means = {"PC": 6.54, "NC": 1.06, "TS": 5.31, "RSP": 5.08, "BM": 6, "PD": 6, "ILF": 5, "CD": 3, "QF": 3, "LM": 3}
    scores = domain_scores(means, PRE_K)
    assert round(scores["ES"], 2) == 5.97  # (6.54 + (8 − 1.06) + 5.31 + 5.08) / 4 = 5.9675
    assert scores["CO"] == pytest.approx(17 / 3)
    assert scores["IS"] == 3


def test_four_cycle_observation_by_hand():
    cycles = [
        {"PC": 6, "NC": 1, "TS": 5, "RSP": 5, "BM": 6, "PD": 6, "ILF": 5, "CD": 2, "QF": 3, "LM": 3},
        {"PC": 5, "NC": 2, "TS": 5, "RSP": 4, "BM": 5, "PD": 6, "ILF": 5, "CD": 3, "QF": 2, "LM": 3},
        {"PC": 6, "NC": 1, "TS": 6, "RSP": 5, "BM": 6, "PD": 5, "ILF": 4, "CD": 2, "QF": 3, "LM": 4},
        {"PC": 7, "NC": 1, "TS": 6, "RSP": 6, "BM": 6, "PD": 6, "ILF": 5, "CD": 3, "QF": 3, "LM": 4},
    ]
    means = dimension_means(cycles, PRE_K)
    assert means["PC"] == 6.0 and means["NC"] == 1.25 and means["CD"] == 2.5
    scores = domain_scores(means, PRE_K)
    # ES = (6 + (8 − 1.25) + 5.5 + 5) / 4 = 5.8125
    assert scores["ES"] == pytest.approx(5.8125)
    # CO = (5.75 + 5.75 + 4.75) / 3; IS = (2.5 + 2.75 + 3.5) / 3
    assert scores["CO"] == pytest.approx(16.25 / 3)
    assert scores["IS"] == pytest.approx(8.75 / 3)


def test_toddler_negative_climate_is_reversed_in_its_domain():
    toddler = [
        DimensionSpec("PC", "EBS"),
        DimensionSpec("NC", "EBS", reversed=True),
        DimensionSpec("TS", "EBS"),
        DimensionSpec("RCP", "EBS"),
        DimensionSpec("BG", "EBS"),
        DimensionSpec("FLD", "ESL"),
        DimensionSpec("QF", "ESL"),
        DimensionSpec("LM", "ESL"),
    ]
    means = {"PC": 6, "NC": 2, "TS": 5, "RCP": 5, "BG": 4, "FLD": 3, "QF": 2, "LM": 4}
    scores = domain_scores(means, toddler)
    assert scores["EBS"] == pytest.approx((6 + 6 + 5 + 5 + 4) / 5)
    assert scores["ESL"] == 3


@pytest.mark.parametrize(
    ("cycle", "message"),
    [
        ({"PC": 8}, "PC must be a whole number from 1 to 7 (got 8)"),
        ({"PC": 0}, "PC must be a whole number from 1 to 7 (got 0)"),
        ({"PC": 5.5}, "PC must be a whole number from 1 to 7 (got 5.5)"),
        ({"PC": None}, "cycle 1: PC is missing"),
        ({}, "cycle 1: PC is missing"),
        ({"PC": 4, "XX": 3}, "XX is not a dimension of this tool"),
    ],
)
def test_a_bad_or_missing_score_is_refused_with_a_clear_message(cycle, message):
    with pytest.raises(ScoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_cycles([cycle], [DimensionSpec("PC", "ES")])


def test_no_cycles_is_refused():
    with pytest.raises(ScoreError, match="at least one cycle"):
        dimension_means([], PRE_K)


@pytest.mark.django_db
def test_the_instruments_are_seeded_with_their_domains_and_reversed_dimensions():
    assert list(Instrument.objects.values_list("code", flat=True)) == ["infant", "toddler", "pre_k", "k3"]
    pre_k = Instrument.objects.get(code="pre_k")
    assert [(d.code, [x.code for x in d.dimensions.all()]) for d in pre_k.domains.all()] == [
        ("ES", ["PC", "NC", "TS", "RSP"]),
        ("CO", ["BM", "PD", "ILF"]),
        ("IS", ["CD", "QF", "LM"]),
    ]
    assert set(Dimension.objects.filter(reversed=True).values_list("domain__instrument__code", "code")) == {
        ("toddler", "NC"),
        ("pre_k", "NC"),
        ("k3", "NC"),
    }
    infant = Instrument.objects.get(code="infant")
    assert [d.code for d in infant.domains.get().dimensions.all()] == ["RC", "TS", "FE", "ELS"]


# --- recording an observation --------------------------------------------------------------------


@pytest.fixture
def observation_setup(program_year, staff_user, observer):
    import datetime

    from evaluation.models import ObserverCertificate
    from tests.coaching.test_views import make_pair

    pair = make_pair(program_year, staff_user)
    instrument = Instrument.objects.get(code="pre_k")
    ObserverCertificate.objects.create(
        observer=observer.person,
        instrument=instrument,
        certified_on=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2027, 1, 1),
    )
    return pair, instrument, observer


FULL = {"PC": 6, "NC": 1, "TS": 5, "RSP": 5, "BM": 6, "PD": 6, "ILF": 5, "CD": 2, "QF": 3, "LM": 3}


@pytest.mark.django_db
def test_an_observation_stores_cycles_and_computed_results(observation_setup):
    import datetime

    from evaluation.services import observation_record

    pair, instrument, observer = observation_setup
    cycles = [FULL, {**FULL, "NC": 2, "CD": 3}, FULL, {**FULL, "PC": 7}]
    obs = observation_record(
        pair=pair,
        observee=pair.mentee,
        instrument=instrument,
        time_point="pre",
        observed_on=datetime.date(2026, 10, 1),
        observer=observer.person,
        recorded_by=observer,
        cycles=cycles,
    )
    assert obs.cycles.count() == 4
    results = {r.dimension.code: float(r.mean) for r in obs.dimension_results.select_related("dimension")}
    assert results["PC"] == 6.25 and results["NC"] == 1.25 and results["CD"] == 2.25
    domains = {r.domain.code: float(r.score) for r in obs.domain_results.select_related("domain")}
    assert domains["ES"] == pytest.approx((6.25 + (8 - 1.25) + 5 + 5) / 4, abs=1e-3)


@pytest.mark.django_db
def test_a_lapsed_certificate_or_the_pairs_coach_cannot_observe(observation_setup, staff_user):
    import datetime

    from evaluation.models import Observation
    from evaluation.services import observation_record
    from pac.workflow import TransitionError

    pair, instrument, observer = observation_setup
    kwargs = {
        "pair": pair,
        "observee": pair.mentee,
        "instrument": instrument,
        "time_point": "post",
        "recorded_by": staff_user,
        "cycles": [FULL],
    }
    from evaluation.models import ObserverCertificate

    ObserverCertificate.objects.update(expires_on=datetime.date(2026, 6, 30))  # lapsed before the visit
    with pytest.raises(TransitionError, match="no CLASS Pre-K reliability certificate valid"):
        observation_record(observed_on=datetime.date(2026, 10, 1), observer=observer.person, **kwargs)
    with pytest.raises(TransitionError, match="own coach cannot observe"):
        observation_record(observed_on=datetime.date(2026, 10, 1), observer=pair.coach, **kwargs)
    assert not Observation.objects.exists()


@pytest.mark.django_db
def test_a_bad_score_saves_nothing(observation_setup):
    import datetime

    from evaluation.models import Cycle, Observation
    from evaluation.services import observation_record
    from pac.workflow import TransitionError

    pair, instrument, observer = observation_setup
    with pytest.raises(TransitionError, match="Nothing was saved: cycle 2: LM is missing"):
        observation_record(
            pair=pair,
            observee=pair.mentee,
            instrument=instrument,
            time_point="pre",
            observed_on=datetime.date(2026, 10, 1),
            observer=observer.person,
            recorded_by=observer,
            cycles=[FULL, {k: v for k, v in FULL.items() if k != "LM"}],
        )
    assert not Observation.objects.exists() and not Cycle.objects.exists()
