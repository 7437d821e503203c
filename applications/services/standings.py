"""Standings: each application's Tier 2 (and Tier 3) results, kept in the database.

The results of a year and tier are an aggregate over every submitted review of that year and tier:
a reviewer's z-scores compare each of their weighted totals with all their own, and ranks compare
the applications of a role and region. So a standing is not computed on a page view but whenever
its inputs change, for the whole year and tier at once, by SQL in the database (aggregates and
window functions), in the transaction that made the change:

- a review submitted, or a submitted review reopened, removed, deleted or given to another reviewer
  or application (``ReviewAssignment`` saves);
- a score of a submitted review changed or deleted (``Score``);
- a criterion's weight changed (``Criterion``);
- an application entering or leaving the ranked stages (``UNRANKED_STAGES``), or changing role or
  program (``Application``), a program moving to another region (``pac.Program``) and a region
  renumbered (``pac.Region``: ranks are within role and region number, as the reference's are).

``applications.signals`` watches those saves; ``standings_rebuild`` (``manage.py standings_rebuild``,
the ``standings_rebuild_task`` Celery task) recomputes every year and tier, for data written around
the models (``QuerySet.update``, ``bulk_create``). The arithmetic is ``selectors.compute_results``'s,
which stays the reference: ``manage.py standings_rebuild --check`` and the tests compare the two.

Exactness. Weights have two decimals, so a review's weighted total is a whole number of hundredths
(``cents``), and a reviewer's z-score of a review is computed from whole numbers as
``(k·c − Σc) / √(k·Σc² − (Σc)²)`` (the same as (total − mean) / population SD): one square root and
one division, each correctly rounded, give the same z in PostgreSQL, SQLite and Python, and a
reviewer whose totals are all equal gets exactly 0. Means of floats are added in whatever order the
database reads them, so ranks compare normalised scores to nine decimal places (``RANK_PLACES``);
scores equal in exact arithmetic then tie, and fall to the weighted total and then the reference.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.utils import timezone

from pac import derived

from ..models import UNRANKED_STAGES, ReviewAssignment
from ..selectors import RANK_PLACES

_LOCK_CLASS = 1402  # the standings' namespace of PostgreSQL advisory locks (nothing else in PAC uses one)

# (program year id, tier) pairs whose recompute waits for the end of a ``standings_deferred`` block
_deferred: contextvars.ContextVar[set[tuple[int, int]] | None] = contextvars.ContextVar(
    "standings_deferred", default=None
)

_SQL = """
WITH base AS (
    SELECT ra.id AS assignment_id, ra.reviewer_id, ra.application_id, s.criterion_id, s.value,
           CAST(ROUND(c.weight * 100) AS INTEGER) * s.value AS cents
    FROM {score} s
    JOIN {assignment} ra ON ra.id = s.assignment_id
    JOIN {application} a ON a.id = ra.application_id
    JOIN {criterion} c ON c.id = s.criterion_id
    WHERE a.program_year_id = %(year)s AND ra.tier = %(tier)s AND ra.status = %(submitted)s
      AND s.value IS NOT NULL
),
scored AS (
    SELECT application_id, reviewer_id, COUNT(*) AS n, SUM(value) AS value_sum, SUM(cents) AS cents
    FROM base
    GROUP BY assignment_id, application_id, reviewer_id
),
per_reviewer AS (
    SELECT application_id, n, value_sum, cents,
           COUNT(*) OVER mine AS k, SUM(cents) OVER mine AS total, SUM(cents * cents) OVER mine AS total_sq
    FROM scored
    WINDOW mine AS (PARTITION BY reviewer_id)
),
reviews AS (
    SELECT application_id, n, value_sum, cents,
           CASE WHEN k * total_sq - total * total > 0
                THEN CAST(k * cents - total AS {float}) / SQRT(CAST(k * total_sq - total * total AS {float}))
                ELSE CAST(0 AS {float}) END AS z
    FROM per_reviewer
),
per_application AS (
    SELECT application_id,
           COUNT(*) AS review_count,
           AVG(CAST(value_sum AS {float}) / CAST(n AS {float})) AS mean,
           CAST(SUM(cents) AS {float}) / CAST(100 * COUNT(*) AS {float}) AS weighted_total,
           AVG(z) AS normalised
    FROM reviews
    GROUP BY application_id
),
disagreements AS (
    SELECT application_id, {string_agg} AS criteria
    FROM (
        SELECT application_id, criterion_id FROM base
        GROUP BY application_id, criterion_id
        HAVING MAX(value) - MIN(value) >= 2
    ) AS wide
    GROUP BY application_id
),
ranked AS (
    SELECT pa.*, a.role, COALESCE(rg.number, 0) AS region_number, d.criteria,
           ROW_NUMBER() OVER (
               PARTITION BY a.role, COALESCE(rg.number, 0)
               ORDER BY {rounded} DESC, pa.weighted_total DESC, a.reference {binary} ASC
           ) AS position
    FROM per_application pa
    JOIN {application} a ON a.id = pa.application_id
    LEFT JOIN {program} p ON p.id = a.program_id
    LEFT JOIN {region} rg ON rg.id = p.region_id
    LEFT JOIN disagreements d ON d.application_id = pa.application_id
    WHERE a.stage NOT IN ({unranked})
)
INSERT INTO {standing} (application_id, tier, program_year_id, role, region_number, review_count, mean,
                        weighted_total, normalised, rank, disagreement_criteria, computed_at)
SELECT application_id, %(tier)s, %(year)s, role, region_number, review_count, mean,
       weighted_total, normalised, position, COALESCE(criteria, ''), %(now)s
FROM ranked
WHERE 1 = 1
ON CONFLICT (application_id, tier) DO UPDATE SET
    program_year_id = excluded.program_year_id, role = excluded.role, region_number = excluded.region_number,
    review_count = excluded.review_count, mean = excluded.mean, weighted_total = excluded.weighted_total,
    normalised = excluded.normalised, rank = excluded.rank,
    disagreement_criteria = excluded.disagreement_criteria, computed_at = excluded.computed_at
WHERE {standing}.rank <> excluded.rank OR {standing}.review_count <> excluded.review_count
   OR {standing}.mean <> excluded.mean OR {standing}.weighted_total <> excluded.weighted_total
   OR {standing}.normalised <> excluded.normalised
   OR {standing}.disagreement_criteria <> excluded.disagreement_criteria
   OR {standing}.role <> excluded.role OR {standing}.program_year_id <> excluded.program_year_id
   OR {standing}.region_number <> excluded.region_number
"""

# standings whose application no longer has a rank in the year and tier
_SQL_STALE = """
DELETE FROM {standing}
WHERE program_year_id = %(year)s AND tier = %(tier)s AND application_id NOT IN (
    SELECT ra.application_id
    FROM {assignment} ra
    JOIN {application} a ON a.id = ra.application_id
    WHERE a.program_year_id = %(year)s AND ra.tier = %(tier)s AND ra.status = %(submitted)s
      AND a.stage NOT IN ({unranked})
      AND EXISTS (SELECT 1 FROM {score} s WHERE s.assignment_id = ra.id AND s.value IS NOT NULL)
)
"""

# what differs between the two databases PAC runs on
_DIALECTS = {
    "postgresql": {
        "float": "DOUBLE PRECISION",
        "string_agg": "STRING_AGG(CAST(criterion_id AS TEXT), ',')",
        # PostgreSQL rounds only numerics; a double becomes one with 15 significant digits
        "rounded": f"ROUND(CAST(pa.normalised AS NUMERIC), {RANK_PLACES})",
        "binary": 'COLLATE "C"',  # the reference compared as Python compares it, code point by code point
    },
    "sqlite": {
        "float": "REAL",
        "string_agg": "GROUP_CONCAT(criterion_id, ',')",
        "rounded": f"ROUND(pa.normalised, {RANK_PLACES})",
        "binary": "",  # SQLite compares text byte by byte already
    },
}


def _tables(models) -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "score": quote(models.get_model("applications", "Score")._meta.db_table),
        "assignment": quote(models.get_model("applications", "ReviewAssignment")._meta.db_table),
        "application": quote(models.get_model("applications", "Application")._meta.db_table),
        "criterion": quote(models.get_model("applications", "Criterion")._meta.db_table),
        "standing": quote(models.get_model("applications", "Standing")._meta.db_table),
        "program": quote(models.get_model("pac", "Program")._meta.db_table),
        "region": quote(models.get_model("pac", "Region")._meta.db_table),
    }


def _statements(models) -> tuple[str, str]:
    parts = {
        **_DIALECTS[connection.vendor],
        **_tables(models),
        "unranked": ", ".join(f"'{stage}'" for stage in UNRANKED_STAGES),  # constants, not input
    }
    return _SQL_STALE.format(**parts), _SQL.format(**parts)


def standings_refresh(*, program_year_id: int, tier: int, models=global_apps) -> None:
    """Recompute the standings of one year and tier from its submitted reviews: three statements
    (a lock, a delete of the standings that no longer apply, one INSERT … SELECT that computes
    every standing and writes those that changed), whatever the number of reviews. Safe to run
    again at any time. Inside ``standings_deferred`` it waits for the end of the block.

    ``models`` is the app registry (a migration passes its historical one)."""
    if derived.in_bulk():
        return  # a bulk load (seed_demo): standings_rebuild runs once at its end (registered below)
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add((program_year_id, tier))
        return
    stale, upsert = _statements(models)
    params = {
        "year": program_year_id,
        "tier": tier,
        "submitted": ReviewAssignment.Status.SUBMITTED.value,
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # one recompute of a year and tier at a time: the second reads what the first committed
            # (SQLite runs one writing transaction at a time anyway)
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, program_year_id * 10 + tier])
        cursor.execute(stale, params)
        cursor.execute(upsert, params)


def standings_refresh_many(keys: Iterable[tuple[int, int]]) -> None:
    for program_year_id, tier in sorted(set(keys)):
        standings_refresh(program_year_id=program_year_id, tier=tier)


@contextlib.contextmanager
def standings_deferred() -> Iterator[None]:
    """Recompute each year and tier that changes inside the block once, at its end, instead of
    after every save (bulk work: many reviews submitted or applications moved in one go)."""
    if _deferred.get() is not None:  # an outer block recomputes
        yield
        return
    keys: set[tuple[int, int]] = set()
    token = _deferred.set(keys)
    try:
        yield
    finally:
        _deferred.reset(token)
    standings_refresh_many(keys)  # not reached when the block raised: its transaction is undone anyway


def standings_rebuild(*, program_year_ids: Iterable[int] | None = None, models=global_apps) -> int:
    """Recompute every standing (of the given years): each year and tier that has a submitted
    review or a standing. Returns the number of years and tiers recomputed."""
    assignment = models.get_model("applications", "ReviewAssignment")
    standing = models.get_model("applications", "Standing")
    reviewed = assignment.objects.filter(status=ReviewAssignment.Status.SUBMITTED).values_list(
        "application__program_year_id", "tier"
    )
    kept = standing.objects.values_list("program_year_id", "tier")
    if program_year_ids is not None:
        years = list(program_year_ids)
        reviewed = reviewed.filter(application__program_year_id__in=years)
        kept = kept.filter(program_year_id__in=years)
    keys = sorted(set(reviewed.distinct()) | set(kept.distinct()))
    for program_year_id, tier in keys:
        standings_refresh(program_year_id=program_year_id, tier=tier, models=models)
    return len(keys)


derived.register("applications.standings", standings_rebuild)

__all__ = [
    "standings_deferred",
    "standings_rebuild",
    "standings_refresh",
    "standings_refresh_many",
]
