"""Benchmark the clip transcode against FFmpeg itself (not part of the test suite: its name does not
match test_*.py).

    .venv/bin/python -m tests.benchmarks.bench_clips --write      # or: --write PATH; without it, print only
    .venv/bin/python -m pytest tests/benchmarks/bench_clips.py -s -p no:randomly   # -s also writes

Generates sources with the bundled FFmpeg (tests/evidence/clips.py: the test pattern and a tone,
H.264/AAC, 30 frames a second): 30 s of 1280x720 and 20 s of 1920x1080. For each, times
``evidence.media.transcode`` (temporary file, progress read from FFmpeg's pipe and reported to a
callback, os.replace) against the identical command line (``evidence.media.ffmpeg_args``) run
bare with ``subprocess.run``, its output thrown away. The runs alternate, after a warm-up, and
the best of ``--repeat`` is kept; the ratio is what PAC's wrapping costs (target: at most 1.2×).
Written to ``docs/benchmarks/clips.md``.

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pac.settings.test")  # only PAC_FFMPEG is read

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "benchmarks"
COMMAND = ".venv/bin/python -m tests.benchmarks.bench_clips --write"
SOURCES = [  # label, size, seconds
    ("720p (1280x720), 30 s, with sound", "1280x720", 30.0),
    ("1080p (1920x1080), 20 s, with sound", "1920x1080", 20.0),
]
TARGET = 1.2
NOTES = """
"bare FFmpeg" runs `evidence.media.ffmpeg_args(...)`, the exact command line `transcode` runs,
with `subprocess.run` and its output sent to /dev/null; "transcode()" is
`evidence.media.transcode` with a progress callback, so it also pays for reading FFmpeg's
progress lines, its temporary file and the rename. The two alternate, after a warm-up run of
each; times are wall clock, best of the runs; "× real time" is the clip's length over the best
transcode time; "FFmpeg CPU" is the encoder's own CPU time in the best transcode run. The
sources are synthetic (a test pattern, which compresses more easily than a classroom), so the
absolute times are lower than for real clips; the ratio is the figure that matters.
"""


@dataclass
class Row:
    label: str
    seconds: float
    output: str = ""
    bare: list[float] = field(default_factory=list)
    wrapped: list[float] = field(default_factory=list)
    ffmpeg_cpu: float = 0.0
    progress_calls: int = 0

    @property
    def ratio(self) -> float:
        return min(self.wrapped) / min(self.bare)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _bare(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # noqa: S603
    return time.perf_counter() - started


def measure(folder: Path, label: str, size: str, seconds: float, *, repeat: int) -> Row:
    from evidence import media
    from tests.evidence.clips import make_clip

    source = make_clip(folder / f"source-{size}.mp4", seconds=seconds, size=size, rate=30)
    found = media.probe(source)
    kind = media.sniff(source.read_bytes()[: media.HEAD_BYTES])
    bare_out, wrapped_out = folder / "bare.mp4", folder / "wrapped.mp4"
    args = media.ffmpeg_args(source, bare_out, kind=kind)
    row = Row(label, found.duration)
    calls: list[int] = []

    def wrapped() -> float:
        calls.clear()
        before, started = _children_cpu(), time.perf_counter()
        media.transcode(source, wrapped_out, duration=found.duration, on_progress=calls.append)
        elapsed = time.perf_counter() - started
        if not row.wrapped or elapsed < min(row.wrapped):
            row.ffmpeg_cpu, row.progress_calls = _children_cpu() - before, len(calls)
        return elapsed

    _bare(args)  # warm-up: the FFmpeg binary and the source into the page cache
    wrapped()
    for _ in range(repeat):
        row.bare.append(_bare(args))
        row.wrapped.append(wrapped())
    out = media.probe(wrapped_out)
    row.output = (
        f"{out.width}x{out.height} {out.video_codec}/{out.audio_codec}, {wrapped_out.stat().st_size / 2**20:.1f} MiB"
    )
    return row


def run(*, repeat: int = 3) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="pac-bench-clips-") as folder:
        for label, size, seconds in SOURCES:
            rows.append(row := measure(Path(folder), label, size, seconds, repeat=repeat))
            print(_line(row), flush=True)
    return rows


def _line(row: Row) -> str:
    return (
        f"{row.label}: bare {min(row.bare):.2f} s, transcode() {min(row.wrapped):.2f} s, "
        f"ratio {row.ratio:.2f}× ({'within' if row.ratio <= TARGET else 'over'} the {TARGET}× target)"
    )


def write(rows: list[Row], path: Path = FIGURES / "clips.md") -> Path:
    from pairings.benchmark import write_figures

    table = [
        [
            row.label,
            row.output,
            f"{min(row.bare):.2f} s",
            f"{min(row.wrapped):.2f} s",
            f"{row.ratio:.2f}× {'✓' if row.ratio <= TARGET else '✗'}",
            f"{row.seconds / min(row.wrapped):.1f}×",
            f"{row.ffmpeg_cpu:.1f} s",
            str(row.progress_calls),
            ", ".join(f"{b:.2f}/{w:.2f}" for b, w in zip(row.bare, row.wrapped, strict=True)),
        ]
        for row in rows
    ]
    path = write_figures(
        path,
        title="Clip transcode benchmark",
        command=COMMAND,
        header=[
            "source",
            "web copy",
            "bare FFmpeg (best)",
            "transcode() (best)",
            f"ratio (target ≤ {TARGET}×)",
            "× real time",
            "FFmpeg CPU",
            "progress reports",
            "all runs, bare/transcode (s)",
        ],
        rows=table,
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    path.write_text(
        path.read_text() + NOTES + f"\nLoad average when the figures were written (1, 5, 15 min): {load}.\n"
    )
    return path


def test_transcode_against_bare_ffmpeg(request):
    rows = run()
    if request.config.getoption("capture") == "no":  # -s: a run meant to be read, so keep the figures
        print(f"written to {write(rows)}")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_clips", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", nargs="?", const=str(FIGURES / "clips.md"), metavar="PATH")
    args = parser.parse_args(argv)
    rows = run(repeat=args.repeat)
    if args.write:
        print(f"written to {write(rows, Path(args.write))}")
    return rows


if __name__ == "__main__":
    main()
