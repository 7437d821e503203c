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

Upload memory (pytest only: it needs the database): a 50 MiB and a 500 MiB file sent through the
real views with the test client, signed in as the mentee of an active pair. The resumable upload
in its 8 MiB pieces three ways: as the test client sends them (each piece read from the file, and
the client's own copy of it), with Python's cycle collector run after each piece, and without; and
with the body read from the file as the server asks for it, so that all that is traced is the
server's. And without JavaScript, the whole file in the form's ``file`` field (the multipart body
read from the file as the server asks; Django spools the file to a temporary file). The file is a
real 2-second MP4 made by the bundled FFmpeg followed by a ``free`` box, which players skip,
padding it to size, so every upload ends with a real clip. Peak Python memory is traced with
``tracemalloc`` (over the whole upload, and request by request); RSS growth is the process's peak
RSS (``ru_maxrss``, reset through /proc/self/clear_refs before each upload where Linux allows it)
over its RSS when the upload began. Written to the "Upload memory" section of the same file.

    .venv/bin/python -m pytest tests/benchmarks/bench_clips.py -s -p no:randomly -k upload

Nothing here asserts a time or a size.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import os
import platform
import resource
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db  # the upload benchmark signs in and stores uploads

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


def _sections(path: Path) -> tuple[str, str]:
    """The file's transcode section and its upload section (each "" when missing)."""
    text = path.read_text() if path.exists() else ""
    at = text.find(UPLOAD_HEADING)
    if at < 0:
        return text, ""
    return text[:at].rstrip("\n") + "\n", "\n" + text[at:]


def write(rows: list[Row], path: Path = FIGURES / "clips.md") -> Path:
    from pairings.benchmark import write_figures

    _, upload_section = _sections(Path(path))

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
        path.read_text()
        + NOTES
        + f"\nLoad average when the figures were written (1, 5, 15 min): {load}.\n"
        + upload_section  # the upload figures are kept: each benchmark rewrites only its own section
    )
    return path


def test_transcode_against_bare_ffmpeg(request):
    rows = run()
    if request.config.getoption("capture") == "no":  # -s: a run meant to be read, so keep the figures
        print(f"written to {write(rows)}")


# --- upload memory --------------------------------------------------------------------------------

UPLOAD_HEADING = "## Upload memory"
UPLOAD_COMMAND = ".venv/bin/python -m pytest tests/benchmarks/bench_clips.py -s -p no:randomly -k upload"
UPLOAD_SIZES = [50 * 2**20, 500 * 2**20]
PIECES = "pieces, test client, its copies collected after each piece"
LINGERING = "pieces, test client, as it is"
STREAMED = "pieces, body read from the file"
FORM = "no JavaScript: whole file in the form"
UPLOAD_PATHS = [PIECES, LINGERING, STREAMED, FORM]
UPLOAD_NOTES = """
The figure to compare is a path's peak at 50 MiB against its peak at 500 MiB: equal means the
file is streamed (the server copies it in 1 MiB blocks, `evidence.services._spool` and
`shutil.copyfileobj`; Django's multipart parser in 64 KiB ones to a temporary file). The last two
paths are the server alone, about 2 MiB whatever the size. "Test client" rows add the client's
own 8 MiB piece twice (the bytes read from the file and `FakePayload`'s copy): 18 MiB, flat, when
the cycle collector runs after each piece. "As it is" grows because Django's request is in
reference cycles (the messages storage, the lazy user, the CSP nonce, the test client's
`response.json`) and keeps the test client's copy of the body (`environ["wsgi.input"]`) until
Python's cycle collector next runs; a real server's `wsgi.input` holds no body, so that growth is
the test harness, not PAC. "Peak traced" is Python's allocations only (not PyAV's probe of the
finished file, which RSS includes); "traced left after" is what was still allocated when the
upload was done; RSS counters are approximate to a few hundred KiB, hence the small negative
figures. Times are wall clock with tracing on, the file in the page cache, less the collections
in the first row; 1 MiB = 2^20 bytes.
"""
MIB = 2**20


@dataclass
class Upload:
    size: int
    path: str
    seconds: float = 0.0  # wall clock, less the benchmark's own collections (PIECES)
    peak: int = 0  # bytes traced at the most, over the whole upload
    pieces: list[int] = field(default_factory=list)  # the same, request by request, for each piece
    left: int = 0  # bytes traced still allocated once the upload is done
    rss_growth: int = 0  # KiB: the peak RSS during the upload over the RSS at its start
    rss_reset: bool = False  # whether the peak RSS could be reset first (otherwise a lower bound)
    result: str = ""


class Body(io.RawIOBase):
    """A request body (``wsgi.input``) made of bytes and stretches of an open file, ``(file, offset,
    length)``, read from them only as the server asks: never more than one read's worth in memory."""

    def __init__(self, *parts):
        self._parts = [(io.BytesIO(part), 0, len(part)) if isinstance(part, bytes) else part for part in parts]
        self.length = self._left = sum(part[2] for part in self._parts)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = self._left if size is None or size < 0 else min(size, self._left)
        blocks = []
        while size > 0:
            source, offset, length = self._parts[0]
            source.seek(offset)
            block = source.read(min(size, length))
            if not block:
                break
            blocks.append(block)
            size -= len(block)
            self._left -= len(block)
            if len(block) == length:
                self._parts.pop(0)
            else:
                self._parts[0] = (source, offset + len(block), length - len(block))
        return blocks[0] if len(blocks) == 1 else b"".join(blocks)


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _reset_peak_rss() -> bool:
    """Set the peak RSS (VmHWM, which ``ru_maxrss`` reports) back to the current RSS (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def padded_clip(path: Path, head: bytes, size: int) -> Path:
    """``size`` bytes that are a real clip: ``head`` (a whole MP4, its index first) and then one
    'free' box, which players skip, of zeros to the size. Written a block at a time."""
    from tests.evidence.clips import make_big_file

    make_big_file(path, size)
    with open(path, "r+b") as file:
        file.write(head + (size - len(head)).to_bytes(4, "big") + b"free")
    return path


def _details() -> dict[str, str]:
    from pac.models import AgeGroup

    return {
        "title": "Block area",
        "recorded_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "setting": "Preschool room",
        "age_group": str(AgeGroup.objects.order_by("order").first().pk),
        "consent_families": "on",
        "consent_educators": "on",
    }


def _form_body(file, size: int, name: str) -> tuple[str, Body]:
    """The no-JavaScript form as a browser sends it, its file part read from ``file``."""
    boundary = "PacBenchClipBoundary"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in _details().items()
    )
    head = f'{fields}--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
    head += "Content-Type: video/mp4\r\n\r\n"
    return f"multipart/form-data; boundary={boundary}", Body(
        head.encode(), (file, 0, size), f"\r\n--{boundary}--\r\n".encode()
    )


def send(client, pair, source: Path, how: str) -> Upload:
    """Upload ``source`` through the views as ``how`` says, tracing Python's memory all along."""
    from django.urls import reverse

    from evidence.models import ClipUpload, clip_storage

    size = source.stat().st_size
    row = Upload(size, how)
    peaks: list[int] = []

    def traced(call):
        """One request: its answer's status and JSON (the response, which keeps the request and
        its body, is let go at once), and the peak traced since the previous request."""
        response = call()
        answer = response.status_code, (response.json() if response["Content-Type"] == "application/json" else {})
        del response
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.reset_peak()
        return answer

    gc.collect()
    row.rss_reset = _reset_peak_rss()
    rss_before = _rss_kib() if row.rss_reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    with open(source, "rb") as file:
        if how == FORM:
            content_type, body = _form_body(file, size, source.name)
            status, _ = traced(
                lambda: client.request(
                    REQUEST_METHOD="POST",
                    PATH_INFO=reverse("evidence:clip_new", args=[pair.pk]),
                    CONTENT_TYPE=content_type,
                    CONTENT_LENGTH=str(body.length),
                    **{"wsgi.input": body},
                )
            )
        else:
            status, state = traced(
                lambda: client.post(
                    reverse("evidence:clip_new", args=[pair.pk]),
                    {**_details(), "filename": source.name, "size": str(size)},
                    HTTP_ACCEPT="application/json",
                )
            )
            assert status == 201, state
            url, chunk, first = state["url"], state["chunk"], 0
            while first < size and status in (200, 201):
                length = min(chunk, size - first)
                where = f"bytes {first}-{first + length - 1}/{size}"
                if how in (PIECES, LINGERING):
                    data = file.read(length)  # what upload.js's Blob.slice() hands fetch()

                    def piece(data=data, where=where):
                        return client.generic(
                            "POST", url, data, content_type="application/octet-stream", HTTP_CONTENT_RANGE=where
                        )

                else:
                    body = Body((file, first, length))

                    def piece(body=body, length=length, where=where):
                        return client.request(
                            REQUEST_METHOD="POST",
                            PATH_INFO=url,
                            CONTENT_TYPE="application/octet-stream",
                            CONTENT_LENGTH=str(length),
                            HTTP_CONTENT_RANGE=where,
                            **{"wsgi.input": body},
                        )

                status, state = traced(piece)
                del piece
                data = body = None
                first += length
                if how == PIECES:  # the test client's copy of the body waits in a reference cycle
                    collecting = time.perf_counter()
                    gc.collect()
                    started += time.perf_counter() - collecting
            row.pieces = peaks[1:]
    row.seconds = time.perf_counter() - started
    row.peak, row.left = max(peaks), tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    row.rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    upload = ClipUpload.objects.select_related("clip").latest("pk")
    if upload.clip_id:
        row.result = f"clip made ({upload.clip.duration_seconds:g} s), HTTP {status}"
        clip_storage().delete(upload.clip.original.name)  # the benchmark's 500 MiB leave the disk at once
    else:
        row.result = f"{upload.get_status_display()}, HTTP {status}: {upload.reason}"
    return row


def _upload_line(row: Upload) -> str:
    per_piece = f", per piece ≤ {max(row.pieces) / MIB:.1f} MiB" if row.pieces else ""
    return (
        f"{row.size / MIB:.0f} MiB, {row.path}: peak traced {row.peak / MIB:.1f} MiB{per_piece}, "
        f"RSS +{row.rss_growth / 1024:.1f} MiB, {row.size / MIB / row.seconds:.0f} MiB/s; {row.result}"
    )


def write_upload(rows: list[Upload], path: Path = FIGURES / "clips.md") -> Path:
    """Write the "Upload memory" section, keeping the transcode figures above it."""
    path = Path(path)
    transcode, _ = _sections(path)
    header = [
        "size",
        "path",
        "peak traced, whole upload",
        "peak traced per piece (median / max)",
        "traced left after",
        "RSS growth",
        "time",
        "MiB/s",
        "result",
    ]
    table = [
        [
            f"{row.size / MIB:.0f} MiB",
            row.path,
            f"{row.peak / MIB:.1f} MiB",
            f"{statistics.median(row.pieces) / MIB:.1f} / {max(row.pieces) / MIB:.1f} MiB" if row.pieces else "—",
            f"{row.left / MIB:.2f} MiB",
            f"{row.rss_growth / 1024:.1f} MiB" + ("" if row.rss_reset else " (at least)"),
            f"{row.seconds:.1f} s",
            f"{row.size / MIB / row.seconds:.0f}",
            row.result,
        ]
        for row in rows
    ]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        UPLOAD_HEADING,
        "",
        f"Written by `{UPLOAD_COMMAND}` on {datetime.date.today().isoformat()}: Python "
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU cores. Do not edit by hand; "
        "run the command again.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in table),
        UPLOAD_NOTES,
        f"Load average when the figures were written (1, 5, 15 min): {load}.",
        "",
    ]
    path.write_text((transcode + "\n" if transcode else "") + "\n".join(lines))
    return path


def test_upload_memory_stays_flat(request, client, program_year, staff_user):
    from tests.coaching.factories import active_pair
    from tests.evidence.clips import make_clip

    pair = active_pair(program_year, staff_user)
    client.force_login(pair.mentee.user)
    rows = []
    with tempfile.TemporaryDirectory(prefix="pac-bench-upload-") as folder:
        clip = make_clip(Path(folder) / "head.mp4", seconds=2.0, output_args=["-movflags", "+faststart"])
        for how in UPLOAD_PATHS:  # warm-up: templates, URL patterns, PyAV, first queries
            send(client, pair, clip, how)
        for size in UPLOAD_SIZES:
            source = padded_clip(Path(folder) / f"upload-{size // MIB}.mp4", clip.read_bytes(), size)
            for how in UPLOAD_PATHS:
                rows.append(row := send(client, pair, source, how))
                print(_upload_line(row), flush=True)
            source.unlink()
    if request.config.getoption("capture") == "no":
        print(f"written to {write_upload(rows)}")


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
