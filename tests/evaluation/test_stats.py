"""Growth statistics checked against SciPy on a fixed data set and a hand-computed d_z."""

import math

import pytest
from scipy import stats

from evaluation.stats import MIN_N, improvement, paired_growth, summary_growth

PRE = [4.0, 4.5, 5.0, 3.5, 4.25, 5.5]
POST = [4.5, 5.25, 5.0, 4.5, 4.75, 5.75]  # gains 0.5, 0.75, 0, 1, 0.5, 0.25


def test_mean_change_interval_t_and_p_match_scipy():
    growth = paired_growth(PRE, POST)
    gains = [b - a for a, b in zip(PRE, POST, strict=True)]
    assert growth.n == 6 and growth.mean_change == pytest.approx(0.5)
    expected = stats.ttest_rel(POST, PRE)
    assert growth.t == pytest.approx(expected.statistic) and growth.p == pytest.approx(expected.pvalue)
    sem = stats.sem(gains)
    low, high = stats.t.interval(0.95, len(gains) - 1, loc=0.5, scale=sem)
    assert (growth.ci_low, growth.ci_high) == (pytest.approx(low), pytest.approx(high))


def test_d_z_by_hand():
    # gains 0.5, 0.75, 0, 1, 0.5, 0.25: mean 0.5; squared deviations 0, .0625, .25, .25, 0, .0625 = .625
    # SD = sqrt(.625 / 5) = sqrt(.125) = 0.35355...; d_z = 0.5 / 0.35355 = 1.41421...
    growth = paired_growth(PRE, POST)
    assert growth.d_z == pytest.approx(math.sqrt(2))
    se = math.sqrt(1 / 6 + 2 / 12)
    assert growth.d_z_low == pytest.approx(math.sqrt(2) - 1.96 * se)


def test_small_cohorts_say_so_instead_of_printing_a_p_value():
    growth = paired_growth(PRE[: MIN_N - 1], POST[: MIN_N - 1])
    assert growth.p is None and growth.d_z is None
    assert "too few" in growth.note and growth.mean_change is not None
    assert "No pairs" in paired_growth([], []).note


def test_negative_climate_gains_mean_improvement():
    # NC falling from 2 to 1 is an improvement of +1 on the reversed scale
    assert improvement(1, True) - improvement(2, True) == 1
    assert improvement(5, False) == 5


def test_identical_changes_cannot_be_tested():
    growth = paired_growth([1, 2, 3, 4, 5], [2, 3, 4, 5, 6])
    assert growth.p is None and "exactly the same" in growth.note


def test_the_summary_of_the_gains_gives_the_same_figures():
    """The cohort page hands the database's summary (n, means, SD of the gains) to summary_growth."""
    gains = [b - a for a, b in zip(PRE, POST, strict=True)]
    n, mean = len(gains), sum(gains) / len(gains)
    sd = math.sqrt(sum((g - mean) ** 2 for g in gains) / (n - 1))
    summary = summary_growth(n, sum(PRE) / n, sum(POST) / n, mean, sd)
    assert summary == paired_growth(PRE, POST)
    assert summary.p == pytest.approx(stats.ttest_rel(POST, PRE).pvalue)
    assert summary_growth(0, None, None, None, None).note == paired_growth([], []).note
    assert "exactly the same" in summary_growth(6, 4.0, 5.0, 1.0, 0.0).note
