"""Benchmark the PDF documents and the growth charts (not part of the test suite: its name does not
match test_*.py).

    make benchmark        # or: .venv/bin/python -m pytest tests/benchmarks/bench_documents.py -s -p no:randomly

PDFs: times each document's builder (best of a few runs, time.perf_counter, after a warm-up render
that loads the fonts and the print stylesheet) and its peak Python memory (tracemalloc, in a
separate run since tracing slows the code down). Two anchors are measured in the same run, so the
documents are compared with WeasyPrint itself on this machine rather than with figures from another
day: a bare one-page WeasyPrint render (``HTML(string=...).write_pdf()``, WeasyPrint's defaults) and
the PAC print layout with a trivial body (pdf/base.html with a heading and a sentence: fonts,
running headers and footers, page numbers, PDF/UA tagging). Written to
``docs/benchmarks/documents.md``.

Charts: the growth charts as staff request them through Django (the test client, signed in):
drawn (an empty cache), served from the cache, and answered 304; against a static file of about
the same size served by WhiteNoise in the same run. Written to ``docs/benchmarks/charts.md``.

The documentation quotes those files. Nothing here asserts a time.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "benchmarks"


@dataclass
class Measured:
    label: str
    seconds: float
    cpu: float  # this process's CPU time: near the wall time on a quiet machine, and steadier on a busy one
    mib: float
    size: int
    pages: int


def measure(label: str, build, *, repeat: int = 3, before=lambda: None) -> Measured:
    """Best of ``repeat`` builds after a warm-up; ``before`` runs ahead of each build, untimed."""
    import io

    import pypdf

    before()
    pages = len(pypdf.PdfReader(io.BytesIO(build())).pages)  # warm-up: fonts, templates, first queries
    best = best_cpu = float("inf")
    size = 0
    for _ in range(repeat):
        before()
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        size = len(build())
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    before()
    gc.collect()
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measured(label, best, best_cpu, peak / 2**20, size, pages)


DOCUMENTS: list[Measured] = []
CHARTS: list[list[str]] = []
BARE = "bare one-page WeasyPrint render (anchor)"
LAYOUT = "PAC print layout, trivial body (anchor)"
TEXT = "PAC print layout, the 30-day report's four answers as plain paragraphs (anchor)"
DOCUMENT_NOTES = """
The first three rows are anchors measured in the same run: the bare page is
`HTML(string="<p>…</p>").write_pdf()` with WeasyPrint's defaults; the PAC print layout is
`templates/pdf/base.html` with a heading and one sentence (the embedded fonts, running header and
footer, page numbers and PDF/UA tagging every PAC document has); the third is that layout with the
text of the 30-day report's four answers as four plain paragraphs and nothing else, which is what
WeasyPrint's line breaking and glyph drawing cost for that much text alone. The ratios divide CPU times (this
process's, so other work on the machine hardly moves them); "× layout" is what a document's own
content costs WeasyPrint over the layout every document pays. The pair progress reports take their
CLASS chart from the chart cache, as after the growth page was opened; "chart drawn" empties the
cache before each build, so matplotlib draws it. Times are the best of a few runs: wall clock
("best time", what a person waits, on a quiet machine) and CPU time of this process (a document's
database work is a few queries).
"""


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _written(path: Path, notes: str) -> None:
    """The notes under the table, and how busy the machine was (wall times grow with the load)."""
    import os

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    path.write_text(
        path.read_text() + notes + f"\nLoad average when the figures were written (1, 5, 15 min): {load}.\n"
    )


@pytest.fixture(scope="module", autouse=True)
def _write_figures():
    yield
    from django.db import connection

    from pairings.benchmark import write_figures

    if DOCUMENTS:
        by_label = {m.label: m for m in DOCUMENTS}
        bare, layout = by_label.get(BARE), by_label.get(LAYOUT)
        rows = [
            [
                m.label,
                _duration(m.seconds),
                _duration(m.cpu),
                f"{m.cpu / bare.cpu:.1f}×" if bare else "",
                f"{m.cpu / layout.cpu:.1f}×" if layout else "",
                f"{m.mib:.0f} MiB",
                f"{m.size / 1024:.0f} KiB",
                str(m.pages),
            ]
            for m in DOCUMENTS
        ]
        path = write_figures(
            FIGURES / "documents.md",
            title=f"PDF document benchmark ({connection.vendor})",
            command="make benchmark",
            header=[
                "document",
                "best time",
                "best CPU time",
                "× bare page (CPU)",
                "× layout (CPU)",
                "peak Python memory",
                "PDF size",
                "pages",
            ],
            rows=rows,
        )
        _written(path, DOCUMENT_NOTES)
    if CHARTS:
        path = write_figures(
            FIGURES / "charts.md",
            title=f"Growth chart benchmark ({connection.vendor})",
            command="make benchmark",
            header=["request", "size", "median time", "median CPU time", "× static file", "queries"],
            rows=CHARTS,
        )
        _written(path, CHART_NOTES)


def report(rows: list[Measured]) -> None:
    DOCUMENTS.extend(rows)
    print("\n| document | best time | best CPU time | peak Python memory | PDF size | pages |")
    print("|---|---|---|---|---|---|")
    for m in rows:
        print(
            f"| {m.label} | {m.seconds:.3f} s | {m.cpu:.3f} s | {m.mib:.0f} MiB | {m.size / 1024:.0f} KiB | {m.pages} |"
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


TRIVIAL_BODY = (
    '{% extends "pdf/base.html" %}{% block content %}<h1>Layout check</h1>'
    "<p>One sentence in the PAC print layout.</p>{% endblock %}"
)


def bare_page() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>One sentence on a bare page.</p>").write_pdf()


def layout_page() -> bytes:
    from django.template import engines

    from pac.documents.render import pdf_write, print_context

    return pdf_write(engines["django"].from_string(TRIVIAL_BODY).render(print_context("Layout check")))


def text_page() -> bytes:
    from django.template import engines
    from django.utils.html import escape

    from pac.documents.render import pdf_write, print_context

    paragraphs = "".join(f"<p>{escape(LONG * 3)}</p>" for _ in range(4))
    body = TRIVIAL_BODY.replace("<p>One sentence in the PAC print layout.</p>", paragraphs)
    return pdf_write(engines["django"].from_string(body).render(print_context("Layout check")))


def test_one_thirty_day_report_and_pair_progress_reports(program_year, staff_user):
    from django.core.cache import cache

    from coaching.documents import report_pdf, report_queryset
    from evaluation.pair_report import pair_progress_report
    from pairings.models import Pair

    mid, filed = a_pair_with_history(program_year, staff_user, goals=4, meetings=16, reports=4)
    full, _ = a_pair_with_history(program_year, staff_user, goals=8, meetings=40, reports=10)
    report(
        [
            measure(BARE, bare_page, repeat=10),
            measure(LAYOUT, layout_page, repeat=10),
            measure(TEXT, text_page, repeat=10),
            measure(
                "one 30-day report (four paragraph answers)",
                lambda: report_pdf(report_queryset().get(pk=filed[0].pk)),
                repeat=10,
            ),
            measure(
                "pair progress report, mid-year (4 goals, 16 meetings, 4 reports, CLASS pre/post and chart)",
                lambda: pair_progress_report(Pair.objects.get(pk=mid.pk), user=staff_user),
            ),
            measure(
                "pair progress report, full year (8 goals, 40 meetings, 10 reports, CLASS pre/post and chart)",
                lambda: pair_progress_report(Pair.objects.get(pk=full.pk), user=staff_user),
            ),
            measure(
                "pair progress report, full year, chart drawn",
                lambda: pair_progress_report(Pair.objects.get(pk=full.pk), user=staff_user),
                before=cache.clear,
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


# --- charts ---------------------------------------------------------------------------------------

CHART_NOTES = """
Each row is the median of 30 requests through Django's test client in one process (no network, no
web server), signed in as EEC staff; the static files are served by WhiteNoise to the same client,
and "× static file" divides by the static file of the nearest size. "drawn" empties the cache
before each request, so matplotlib draws the chart; "cached" is the chart from the cache after the
permission check and one query for the version of its data; "304" is a browser that already holds
it (If-None-Match). What a cached chart costs beyond the static file is the signed-in request
itself (session, user, two-factor and group lookups, the sign-in requirement) and the permission
check: the same for any page. These rows are the chart's own, permission-checked address (where an
expired signed address leads); the signed address the pages embed, served without the session, is
timed under load against a static file in docs/benchmarks.md.
"""


def _median_ms(request, *, repeat: int = 30, before=lambda: None) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``request`` (CPU: this process's, so not the database's)."""
    request()
    times, cpu = [], []
    for _ in range(repeat):
        before()
        started, started_cpu = time.perf_counter(), time.process_time()
        request()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000


def _static_files() -> dict[int, str]:
    """{size: url} of the collected or found static files between 2 and 40 KiB."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    found = {}
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if path.endswith((".css", ".js", ".svg")):
                size = storage.size(path)
                if 2048 <= size <= 40960:
                    found.setdefault(size, settings.STATIC_URL + path)
    return found


def test_growth_charts_cached_against_a_static_file(client, program_year, staff_user):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.coaching.factories import active_pair
    from tests.evaluation.factories import record

    pairs = [active_pair(program_year, staff_user) for _ in range(6)]
    for n, pair in enumerate(pairs):
        record(pair, "pre", 3)
        record(pair, "mid", 4)
        record(pair, "post", 4 + n % 3)
    client.force_login(staff_user)
    charts = {
        "pair growth chart": reverse("evaluation:pair_growth_chart", args=[pairs[0].pk]) + "?instrument=pre_k",
        "cohort chart (scores)": reverse("evaluation:cohort_chart") + f"?year={program_year.pk}&instrument=pre_k",
    }
    statics = _static_files()
    anonymous = type(client)()

    def read(response) -> bytes:
        return b"".join(response.streaming_content) if response.streaming else response.content

    for name, url in charts.items():
        first = client.get(url)
        size = len(first.content)
        nearest = min(statics, key=lambda s: abs(s - size))
        static = statics[nearest]
        assert anonymous.get(static).status_code == 200, static
        static_ms, static_cpu = _median_ms(lambda static=static: read(anonymous.get(static)))
        etag = first["ETag"]
        rows = [
            (f"{name}, drawn", _median_ms(lambda url=url: client.get(url), repeat=5, before=cache.clear), size),
            (f"{name}, cached", _median_ms(lambda url=url: client.get(url)), size),
            (f"{name}, 304", _median_ms(lambda url=url, etag=etag: client.get(url, HTTP_IF_NONE_MATCH=etag)), 0),
        ]
        for label, (ms, cpu), length in rows:
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **({"HTTP_IF_NONE_MATCH": etag} if label.endswith("304") else {}))
            CHARTS.append(
                [
                    label,
                    f"{length / 1024:.1f} KiB",
                    f"{ms:.1f} ms",
                    f"{cpu:.1f} ms",
                    f"{ms / static_ms:.0f}×",
                    str(len(queries)),
                ]
            )
        CHARTS.append(
            [
                f"static file {static} (anonymous)",
                f"{nearest / 1024:.1f} KiB",
                f"{static_ms:.2f} ms",
                f"{static_cpu:.2f} ms",
                "1×",
                "0",
            ]
        )
    print("\n" + "\n".join(" | ".join(row) for row in CHARTS))
