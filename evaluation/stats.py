"""Pre/post growth statistics (DOMAIN.md §4), on plain numbers.

Gain = post − pre, with reversed dimensions (Negative Climate) taken as 8 − score first so a
positive gain always means improvement. For n pairs with both time points:
  mean change with a 95% confidence interval from the t distribution (df = n − 1);
  a paired t-test (the one-sample t-test of the gains, as scipy.stats.ttest_rel), two-sided p;
  Cohen's d for paired data, d_z = mean(gain) / SD(gain) (Lakens 2013), with an approximate 95%
  interval from SE(d_z) = sqrt(1/n + d_z² / (2n)). d_z is not comparable with effect sizes from
  randomised trials.
Cohorts smaller than MIN_N say so instead of printing a p-value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_N = 5


def improvement(value: float, reversed_: bool) -> float:
    """A score on the scale where higher is better (8 − score for a reversed dimension)."""
    return 8 - value if reversed_ else value


@dataclass(frozen=True)
class Growth:
    n: int
    mean_pre: float | None = None
    mean_post: float | None = None
    mean_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    t: float | None = None
    p: float | None = None
    d_z: float | None = None
    d_z_low: float | None = None
    d_z_high: float | None = None
    note: str = ""


def paired_growth(pre: list[float], post: list[float]) -> Growth:
    if len(pre) != len(post):
        raise ValueError("pre and post must pair up one to one")
    n = len(pre)
    if n == 0:
        return summary_growth(0, None, None, None, None)
    gains = [b - a for a, b in zip(pre, post, strict=True)]
    mean_change = sum(gains) / n
    sd = math.sqrt(sum((g - mean_change) ** 2 for g in gains) / (n - 1)) if n > 1 else None
    return summary_growth(n, sum(pre) / n, sum(post) / n, mean_change, sd)


def summary_growth(
    n: int, mean_pre: float | None, mean_post: float | None, mean_change: float | None, sd: float | None
) -> Growth:
    """The same figures from the summary of the pairs' gains (their number, means and sample SD),
    as the database aggregates them for a cohort: the paired t-test is the one-sample t-test of the
    gains, so nothing needs the pairs one by one."""
    if n == 0:
        return Growth(n=0, note="No pairs have both a pre and a post observation yet.")
    if n < MIN_N:
        return Growth(
            n=n,
            mean_pre=mean_pre,
            mean_post=mean_post,
            mean_change=mean_change,
            note=f"Only {n} pair{'s' if n != 1 else ''} with both time points: too few (fewer than {MIN_N}) "
            "to say anything about change.",
        )
    if not sd:
        return Growth(
            n=n,
            mean_pre=mean_pre,
            mean_post=mean_post,
            mean_change=mean_change,
            ci_low=mean_change,
            ci_high=mean_change,
            note="Every pair changed by exactly the same amount; no test is possible.",
        )
    from scipy import stats  # imported when first needed: it costs every process start a second

    se = sd / math.sqrt(n)
    t = mean_change / se
    margin = float(stats.t.ppf(0.975, n - 1)) * se
    d_z = mean_change / sd
    se_dz = math.sqrt(1 / n + d_z**2 / (2 * n))
    return Growth(
        n=n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        mean_change=mean_change,
        ci_low=mean_change - margin,
        ci_high=mean_change + margin,
        t=t,
        p=float(2 * stats.t.sf(abs(t), n - 1)),
        d_z=d_z,
        d_z_low=d_z - 1.96 * se_dz,
        d_z_high=d_z + 1.96 * se_dz,
    )
