"""Benchmark the PDF documents (not part of the test suite: its name does not match test_*.py).

    make benchmark-documents        # or: .venv/bin/python -m pytest tests/benchmarks/bench_documents.py -s

Times each document's builder (best of a few runs, time.perf_counter, after a warm-up render that
loads the fonts) and its peak Python memory (tracemalloc, in a separate run since tracing slows
the code down), prints a table and writes it to ``docs/benchmarks/documents.md`` (the documentation
quotes that file). Nothing here asserts a time.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def measure(label: str, build, *, repeat: int = 3) -> tuple[str, float, float, int, int]:
    import io

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(build())).pages)  # warm-up: fonts, templates, first queries
    best = float("inf")
    size = 0
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        size = len(build())
        best = min(best, time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return label, best, peak / 2**20, size, pages


MEASURED: list[list[str]] = []
FIGURES = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "documents.md"


def report(rows) -> None:
    print("\n| document | best time | peak Python memory | PDF size | pages |")
    print("|---|---|---|---|---|")
    for label, seconds, mib, size, pages in rows:
        row = [label, f"{seconds:.2f} s", f"{mib:.0f} MiB", f"{size / 1024:.0f} KiB", str(pages)]
        MEASURED.append(row)
        print("| " + " | ".join(row) + " |")


@pytest.fixture(scope="module", autouse=True)
def _write_figures():
    yield
    if MEASURED:
        from django.db import connection

        from pairings.benchmark import write_figures

        write_figures(
            FIGURES,
            title=f"PDF document benchmark ({connection.vendor})",
            command="make benchmark",
            header=["document", "best time", "peak Python memory", "PDF size", "pages"],
            rows=MEASURED,
        )


LONG = (
    "We co-planned the circle time around open-ended questions and practised waiting five seconds. "
    "She tried it twice with the whole group and once at the sensory table; children answered more fully. "
)


def a_pair_with_history(year, staff, *, goals: int, meetings: int, reports: int):
    """A pair with goals (two notes each), weekly meetings with notes, reports whose four answers are
    a paragraph each (about 600 characters), and CLASS pre and post."""
    import datetime

    from tests.coaching.factories import active_pair
    from tests.coaching.test_documents import make_report
    from tests.evaluation.factories import record
    from tests.evaluation.test_pair_report import JAN, add_goal, meeting

    pair = active_pair(year, staff, with_leader=True, started_on=JAN)
    for g in range(goals):
        add_goal(pair, f"Goal {g}: extend children's language during play", [LONG, LONG[:80]])
    for m in range(meetings):
        meeting(pair, JAN + datetime.timedelta(days=m * 7), duration_minutes=60 + m % 31, notes=LONG)
    filed = [make_report(pair, r, start=JAN + datetime.timedelta(days=30 * (r - 1))) for r in range(1, reports + 1)]
    for one in filed:
        one.answers = dict.fromkeys(one.answers, LONG * 3)
        one.save(update_fields=["answers"])
    record(pair, "pre", 3)
    record(pair, "post", 5)
    return pair, filed


def test_one_thirty_day_report_and_pair_progress_reports(program_year, staff_user):
    from coaching.documents import report_pdf, report_queryset
    from evaluation.pair_report import pair_progress_report
    from pairings.models import Pair

    mid, filed = a_pair_with_history(program_year, staff_user, goals=4, meetings=16, reports=4)
    full, _ = a_pair_with_history(program_year, staff_user, goals=8, meetings=40, reports=10)
    report(
        [
            measure(
                "one 30-day report (four paragraph answers)",
                lambda: report_pdf(report_queryset().get(pk=filed[0].pk)),
                repeat=5,
            ),
            measure(
                "pair progress report, mid-year (4 goals, 16 meetings, 4 reports, CLASS pre/post and chart)",
                lambda: pair_progress_report(Pair.objects.get(pk=mid.pk), user=staff_user),
            ),
            measure(
                "pair progress report, full year (8 goals, 40 meetings, 10 reports, CLASS pre/post and chart)",
                lambda: pair_progress_report(Pair.objects.get(pk=full.pk), user=staff_user),
            ),
        ]
    )


def test_cohort_report_for_1000_pairs(program_year):
    from evaluation.documents import cohort_report_pdf
    from evaluation.models import Instrument
    from evaluation.selectors import CohortFilter
    from tests.evaluation.test_scale import bulk_observed_pairs

    bulk_observed_pairs(program_year, 1000)
    cohort = CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k"))
    report([measure("cohort evaluation report, 1,000 pairs (Pre-K)", lambda: cohort_report_pdf(cohort), repeat=2)])
