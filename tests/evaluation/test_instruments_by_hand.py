"""Domain scores worked by hand for the instruments not covered in test_scoring (Infant and K–3),
recorded through the service so the stored results are what is checked."""

import pytest

from tests.coaching.factories import active_pair
from tests.evaluation.factories import record

pytestmark = pytest.mark.django_db


def _domains(observation):
    return {r.domain.code: float(r.score) for r in observation.domain_results.select_related("domain")}


def test_infant_responsive_caregiving_is_the_mean_of_its_four_dimensions(program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    observation = record(pair, "pre", {"RC": 5, "TS": 4, "FE": 3, "ELS": 2}, instrument="infant", n_cycles=3)
    assert _domains(observation) == {"RC": 3.5}  # (5 + 4 + 3 + 2) / 4, no reversed dimension


def test_k3_reverses_negative_climate_like_pre_k(program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    scores = {"PC": 6, "NC": 1, "TS": 5, "RSP": 4, "BM": 6, "PD": 5, "ILF": 4, "CD": 3, "QF": 2, "LM": 4}
    observation = record(pair, "pre", scores, instrument="k3")
    # ES = (6 + (8 − 1) + 5 + 4) / 4 = 5.5; CO = (6 + 5 + 4) / 3 = 5; IS = (3 + 2 + 4) / 3 = 3
    assert _domains(observation) == {"ES": 5.5, "CO": 5.0, "IS": 3.0}
    nc = observation.dimension_results.get(dimension__code="NC")
    assert float(nc.mean) == 1.0  # stored raw: low is good
