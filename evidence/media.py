"""What PAC does to a classroom clip's bytes: recognise it, probe it, check it against the limits,
transcode it to one web-playable MP4, take a poster frame, and check a caption file.

Pure functions with no models, so a view, a task and a test can all call them. PyAV reads the file
(FFmpeg's libraries, in process) and the FFmpeg program bundled with imageio-ffmpeg writes the
new one (a subprocess, so a crash or a runaway encode can be killed without taking the worker
with it). Settings are read when a function runs, never at import.

Only MP4, MOV and WebM are ever opened, and always with their own demuxer: FFmpeg left to guess
would also follow playlists and concat lists (a text file posing as a video could make it read
other files on the server).
"""

from __future__ import annotations

import math
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_HEIGHT = 720  # what a coach needs to see a classroom, and what plays smoothly on a school's Wi-Fi
MAX_WIDTH = 1280
DEFAULT_MAX_BYTES = 2 * 1024**3
DEFAULT_MAX_SECONDS = 3600
WEBVTT_MAX_BYTES = 1024**2
PROGRESS_INTERVAL = 1.0  # seconds between progress reports: each may be a database write
HEAD_BYTES = 64


class ClipRefused(Exception):
    """A clip or caption file PAC will not take, with a reason meant for the person who chose it."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class TranscodeFailed(Exception):
    """FFmpeg could not make the web copy or the poster; ``reason`` is what it said, briefly."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- recognising a clip -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipKind:
    label: str
    extension: str
    content_type: str

    @property
    def demuxer(self) -> str:
        """The FFmpeg demuxer to open it with, so FFmpeg never guesses the format itself."""
        return "matroska" if self.extension == ".webm" else "mov"


MP4 = ClipKind("MP4", ".mp4", "video/mp4")
MOV = ClipKind("MOV", ".mov", "video/quicktime")
WEBM = ClipKind("WebM", ".webm", "video/webm")

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# Files from before the 'ftyp' box (QuickTime on old cameras) start straight with one of these
QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
# ISO-BMFF brands of still images (an iPhone photo is a HEIC in the same box format as a video)
IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis", b"crx "}


def sniff(head: bytes) -> ClipKind | None:
    """The kind of clip the first bytes of a file show, whatever its name says; None for anything else."""
    if head.startswith(EBML_MAGIC):
        return WEBM  # Matroska too: browsers and FFmpeg play both, and the transcode makes an MP4 anyway
    if len(head) < 8:
        return None
    size, box = int.from_bytes(head[:4], "big"), head[4:8]
    if size not in (0, 1) and size < 8:
        return None  # not a box header: a text file that happens to contain "free" at byte 4
    if box == b"ftyp":
        brand = head[8:12]
        if brand in IMAGE_BRANDS:
            return None
        return MOV if brand == b"qt  " else MP4
    if box == b"mdat" or (box in QUICKTIME_FIRST_BOXES and head[0] == 0):
        return MOV  # those boxes are small (under 16 MB): "abcdfree" in a text file is not one
    return None


def _read_head(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read(HEAD_BYTES)


def _bmff_truncated(path: str, size: int) -> bool:
    """Whether an MP4/MOV's top-level boxes claim more bytes than the file has, or its index
    ('moov') is missing: the sure signs of a copy or upload that stopped part-way."""
    offset, seen_moov = 0, False
    with open(path, "rb") as file:
        while offset + 8 <= size:
            file.seek(offset)
            header = file.read(16)
            length, box = int.from_bytes(header[:4], "big"), header[4:8]
            if length == 1:  # 64-bit size follows the type
                if len(header) < 16:
                    return True
                length = int.from_bytes(header[8:16], "big")
            elif length == 0:  # runs to the end of the file
                length = size - offset
            if length < 8:
                return False  # not a box at all: let the decoder say what it is
            seen_moov |= box == b"moov"
            if offset + length > size:
                return True
            offset += length
    return not seen_moov


def _read_vint(file) -> tuple[int, bool] | None:
    """An EBML variable-length size: (value, whether it means 'unknown'), or None at the end."""
    first = file.read(1)
    if not first:
        return None
    width = 9 - first[0].bit_length()
    if width > 8:
        return None
    rest = file.read(width - 1)
    if len(rest) < width - 1:
        return None
    value = int.from_bytes(bytes([first[0] & (0xFF >> width)]) + rest, "big")
    return value, value == (1 << (7 * width)) - 1


def _matroska_truncated(path: str, size: int) -> bool:
    """Whether a WebM's Segment claims more bytes than the file has. A browser recording writes
    'unknown' as the size, so for those only the decode in ``probe`` can tell."""
    with open(path, "rb") as file:
        file.seek(len(EBML_MAGIC))
        header = _read_vint(file)
        if header is None:
            return True
        file.seek(header[0], os.SEEK_CUR)
        if file.read(4) != b"\x18\x53\x80\x67":  # the Segment element's ID
            return file.tell() >= size
        segment = _read_vint(file)
        if segment is None:
            return True
        length, unknown = segment
        return not unknown and file.tell() + length > size


# --- probing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int
    height: int
    video_codec: str
    audio_codec: str  # "" when the clip has no sound


def _refused_empty() -> ClipRefused:
    return ClipRefused("This file is empty (0 bytes). Choose the video file again and upload it.", "empty")


def _refused_not_video() -> ClipRefused:
    return ClipRefused(
        "This file is not a video PAC can take. Upload an MP4, MOV or WebM video, "
        "as saved by a phone, tablet or camera.",
        "not_video",
    )


def _refused_damaged(kind: ClipKind) -> ClipRefused:
    return ClipRefused(
        f"This {kind.label} file could not be played: it may be damaged. Copy or export the video "
        "from the device again, then upload the new file.",
        "not_video",
    )


def _refused_truncated() -> ClipRefused:
    return ClipRefused(
        "This video stops part-way: the file is incomplete (the copy or upload may not have finished). "
        "Copy the video from the device again, then upload it.",
        "truncated",
    )


def _refused_no_video_stream() -> ClipRefused:
    return ClipRefused(
        "This file has no picture in it (it may be a sound recording). Upload a video recorded with the camera.",
        "no_video_stream",
    )


def _av_errors() -> tuple[type[BaseException], ...]:
    import av

    # What PyAV raises for a bad file; a bug of ours (TypeError, AttributeError) still surfaces
    return (av.error.FFmpegError, OSError, ValueError, EOFError, LookupError, ArithmeticError, UnicodeError)


def probe(path: str | os.PathLike) -> Probe:
    """Duration, size and codecs of a clip, after decoding a frame at its start and one near its end
    (a file cut short often opens, and even plays, until it stops). ClipRefused for anything PAC
    should not take; a missing file is the caller's bug and raises FileNotFoundError."""
    path = os.fspath(path)
    size = os.stat(path).st_size
    if size == 0:
        raise _refused_empty()
    kind = sniff(_read_head(path))
    if kind is None:
        raise _refused_not_video()
    truncated = _matroska_truncated if kind is WEBM else _bmff_truncated
    if truncated(path, size):
        raise _refused_truncated()
    import av

    try:
        with av.open(path, format=kind.demuxer, metadata_errors="ignore") as container:
            return _probe_container(container, kind)
    except ClipRefused:
        raise
    except _av_errors() as error:
        raise _refused_damaged(kind) from error


def _probe_container(container, kind: ClipKind) -> Probe:
    if not container.streams.video:
        # sound only is a wrong choice of file; no streams at all is a damaged one
        raise _refused_no_video_stream() if container.streams.audio else _refused_damaged(kind)
    video = container.streams.video[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    first, _ = _decode_from(container, video, at=0.0, to_end=False)
    if first is None:
        raise _refused_damaged(kind)
    declared = _declared_duration(container, video)
    if declared is None:
        # A browser recording (WebM) often says nothing of its length: read the packets to the end
        _, declared = _decode_from(container, video, at=0.0)
        if declared is None:
            raise _refused_damaged(kind)
    last, end = _decode_from(container, video, at=max(0.0, declared - 1.0))
    if last is None or end is None or end < declared - max(0.5, 0.02 * declared):
        raise _refused_truncated()
    # a phone held upright stores its picture sideways and says to turn it: report what is shown
    sideways = abs(getattr(first, "rotation", 0) or 0) % 180 == 90
    return Probe(
        duration=round(declared, 3),
        width=first.height if sideways else first.width,
        height=first.width if sideways else first.height,
        video_codec=video.codec_context.name,
        audio_codec=audio.codec_context.name if audio is not None else "",
    )


def _declared_duration(container, video) -> float | None:
    """The video's own length if the file states it, else the container's (which also counts sound
    that runs on after the picture)."""
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    if container.duration:
        return container.duration / 1_000_000  # AV_TIME_BASE
    return None


def _decode_from(container, video, *, at: float, to_end: bool = True):
    """(the first frame decoded from the keyframe before ``at`` seconds, where the video's packets
    end in seconds). Decodes only that one frame; with ``to_end`` it then reads the remaining
    packets without decoding them, which is cheap even for an hour of video."""
    start = video.start_time or 0
    container.seek(start + int(at / video.time_base), stream=video, backward=True, any_frame=False)
    video.codec_context.flush_buffers()
    frame, end = None, None
    for packet in container.demux(video):
        if packet.pts is not None:
            packet_end = float((packet.pts + (packet.duration or 0) - start) * video.time_base)
            end = packet_end if end is None else max(end, packet_end)
        if frame is None:
            frame = next(iter(packet.decode()), None)  # the last, empty packet flushes the decoder
            if frame is not None and not to_end:
                break
    return frame, end


# --- limits -------------------------------------------------------------------------------------


def _settings_value(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


def _size_text(size: float) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(size)} bytes"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _length_text(seconds: float) -> str:
    minutes, rest = divmod(math.ceil(seconds), 60)
    if not minutes:
        return _plural(rest, "second")
    return _plural(minutes, "minute") + (f" {_plural(rest, 'second')}" if rest else "")


def check_limits(*, size: int | None = None, duration: float | None = None) -> None:
    """Refuse a clip over PAC_CLIP_MAX_BYTES or PAC_CLIP_MAX_SECONDS (only the values given are checked)."""
    max_bytes = int(_settings_value("PAC_CLIP_MAX_BYTES", DEFAULT_MAX_BYTES))
    max_seconds = float(_settings_value("PAC_CLIP_MAX_SECONDS", DEFAULT_MAX_SECONDS))
    if size is not None and size > max_bytes:
        raise ClipRefused(
            f"This clip is {_size_text(size)}; a clip can be at most {_size_text(max_bytes)}. "
            "Trim it to the part you want to share, or record a shorter clip, then upload it again.",
            "too_big",
        )
    if duration is not None and duration > max_seconds:
        raise ClipRefused(
            f"This clip is {_length_text(duration)} long; a clip can be at most {_length_text(max_seconds)}. "
            "Trim it to the part you want to share, then upload it again.",
            "too_long",
        )


# --- transcoding --------------------------------------------------------------------------------


def ffmpeg_exe() -> str:
    return _settings_value("PAC_FFMPEG", "") or _bundled_ffmpeg()


def _bundled_ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


# Fit inside 1280x720 without ever enlarging, keeping the shape; H.264 in 4:2:0 needs even sides
SCALE = (
    f"scale=w='min({MAX_WIDTH},iw)':h='min({MAX_HEIGHT},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2"
)


def _input_args(src: str | os.PathLike, kind: ClipKind) -> list[str]:
    # "file:" so a name like "concat:..." is never read as a protocol; only files, so a MOV's
    # references to other media (external data references) are never followed
    return ["-f", kind.demuxer, "-protocol_whitelist", "file", "-i", "file:" + os.path.abspath(src)]


def ffmpeg_args(src: str | os.PathLike, dst: str | os.PathLike, *, kind: ClipKind) -> list[str]:
    """The whole FFmpeg command line ``transcode`` runs (the benchmark runs it bare)."""
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-y"),
        *_input_args(src, kind),
        *("-map", "0:v:0", "-map", "0:a:0?"),  # the first picture and, if there is one, the first sound
        # a phone's location and the device's name stay out of the copy coaches watch
        *("-map_metadata", "-1", "-map_chapters", "-1"),
        *("-vf", SCALE, "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"),
        *("-profile:v", "main", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", "128k", "-ac", "2"),
        *("-movflags", "+faststart", "-f", "mp4", "file:" + os.path.abspath(dst)),
    ]


def _temporary_beside(dst: str | os.PathLike) -> Path:
    """A hidden name in dst's directory: same filesystem, so os.replace is atomic."""
    dst = Path(dst)
    return dst.with_name(f".{dst.name}.{secrets.token_hex(6)}.part")


def _sniffed(src: str | os.PathLike) -> ClipKind:
    try:
        kind = sniff(_read_head(os.fspath(src)))
    except OSError as error:
        raise TranscodeFailed(f"Could not read the clip: {error.strerror or error}") from error
    if kind is None:
        raise TranscodeFailed("The file is not an MP4, MOV or WebM video.")
    return kind


def transcode(
    src: str | os.PathLike,
    dst: str | os.PathLike,
    *,
    duration: float,
    on_progress: Callable[[int], None] | None = None,
    timeout: float | None = None,
) -> None:
    """Write the web copy of ``src`` to ``dst``: H.264 at most 720 lines tall, AAC stereo, index at
    the front so playback starts before the download ends. ``on_progress`` gets 0..99 (100 is the
    caller's to report, once the copy is saved) in the calling thread."""
    kind = _sniffed(src)
    partial = _temporary_beside(dst)
    args = ffmpeg_args(src, partial, kind=kind)
    _run(args, partial, dst, timeout=timeout, on_line=_progress_reporter(duration, on_progress))


def poster(src: str | os.PathLike, dst: str | os.PathLike, *, at: float, timeout: float | None = 120) -> None:
    """Write one JPEG frame from ``at`` seconds into the clip to ``dst``, scaled as the web copy is."""
    kind = _sniffed(src)
    partial = _temporary_beside(dst)
    args = [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-y"),
        *("-ss", f"{max(0.0, at):.3f}"),  # before -i: jump by the index rather than decode up to it
        *_input_args(src, kind),
        *("-map", "0:v:0", "-map_metadata", "-1", "-frames:v", "1", "-vf", SCALE, "-q:v", "3"),
        *("-c:v", "mjpeg", "-f", "image2", "-update", "1", "file:" + os.path.abspath(partial)),
    ]
    _run(args, partial, dst, timeout=timeout, on_line=None, check=_is_jpeg)


def _is_jpeg(path: Path) -> str:
    """'' if ``path`` holds a JPEG, else why not (FFmpeg exits 0 when ``at`` is past the last frame)."""
    with open(path, "rb") as file:
        return "" if file.read(2) == b"\xff\xd8" else "FFmpeg wrote no picture: the time may be past the end."


def _run(
    args: list[str],
    partial: Path,
    dst: str | os.PathLike,
    *,
    timeout: float | None,
    on_line: Callable[[str], None] | None,
    check: Callable[[Path], str] | None = None,
) -> None:
    """Run FFmpeg to write ``partial``, then move it onto ``dst``; on any failure remove it."""
    try:
        _run_ffmpeg(args, timeout=timeout, on_line=on_line)
        if not partial.exists() or partial.stat().st_size == 0:
            raise TranscodeFailed("FFmpeg finished without writing anything.")
        if check and (problem := check(partial)):
            raise TranscodeFailed(problem)
        os.replace(partial, dst)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _run_ffmpeg(args: list[str], *, timeout: float | None, on_line: Callable[[str], None] | None) -> None:
    # stderr goes to a file, so FFmpeg never blocks on a full pipe while we read its progress from
    # stdout; progress is read here, in the caller's thread, because the caller's callback may use
    # its database connection (Django's are per thread)
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)  # noqa: S603
        except OSError as error:
            raise TranscodeFailed(f"Could not start FFmpeg ({args[0]}): {error.strerror or error}") from error
        timed_out = threading.Event()
        timer = threading.Timer(timeout, _kill, (process, timed_out)) if timeout else None
        try:
            if timer:
                timer.start()
            for raw in process.stdout:
                if on_line:
                    on_line(raw.decode("utf-8", "replace"))
            returncode = process.wait()
        except BaseException:
            process.kill()  # the callback raised, or the worker is stopping: leave no encoder behind
            process.wait()
            raise
        finally:
            if timer:
                timer.cancel()
            process.stdout.close()
        if timed_out.is_set():
            raise TranscodeFailed(f"FFmpeg did not finish within {timeout:g} seconds, so it was stopped.")
        if returncode != 0:
            stderr.seek(0)
            raise TranscodeFailed(failure_reason(stderr.read().decode("utf-8", "replace"), returncode))


def _kill(process: subprocess.Popen, timed_out: threading.Event) -> None:
    timed_out.set()
    process.kill()


LOG_CONTEXT = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")  # "[in#0 @ 0x55...] ": where in FFmpeg, not why


def failure_reason(stderr: str, returncode: int) -> str:
    """The last few lines FFmpeg wrote (at log level 'error' they are the errors), at most 500
    characters, keeping the end, which names the cause."""
    lines = [LOG_CONTEXT.sub("", line).strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return f"FFmpeg stopped with exit code {returncode}."
    reason = " / ".join(lines[-3:])
    return reason if len(reason) <= 500 else "…" + reason[-499:]


def _progress_reporter(duration: float, on_progress: Callable[[int], None] | None) -> Callable[[str], None] | None:
    if on_progress is None or not duration or duration <= 0:
        return None
    return ProgressFollower(duration, on_progress).feed


class ProgressFollower:
    """Turns FFmpeg's ``-progress`` lines (key=value) into percentages, reported when the percentage
    has grown and at most once per PROGRESS_INTERVAL, since each report may be a database write."""

    def __init__(
        self, duration: float, on_progress: Callable[[int], None], *, clock: Callable[[], float] | None = None
    ):
        self.duration = duration
        self.on_progress = on_progress
        self.clock = clock or time.monotonic
        self.reported = -1
        self.reported_at = -math.inf

    def feed(self, line: str) -> None:
        key, _, value = line.strip().partition("=")
        # out_time_ms is in microseconds too (an old misnomer FFmpeg keeps for compatibility)
        if key not in ("out_time_us", "out_time_ms") or not value.lstrip("-").isdigit():
            return
        percent = max(0, min(99, int(int(value) / 1_000_000 / self.duration * 100)))
        now = self.clock()
        if percent > self.reported and now - self.reported_at >= PROGRESS_INTERVAL:
            self.reported, self.reported_at = percent, now
            self.on_progress(percent)


# --- captions -----------------------------------------------------------------------------------

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
CUE_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t].*)?$")
HEADER = re.compile(r"^WEBVTT(?:[ \t][^\r\n]*)?$")
SRT_TIMING = re.compile(r"\d{2}:\d{2}:\d{2},\d{3}\s+-->")


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _not_webvtt(reason: str) -> ClipRefused:
    return ClipRefused(f"This is not a WebVTT caption file: {reason}", "not_webvtt")


def check_webvtt(data: bytes) -> str:
    """The caption file's text (without a byte order mark), or ClipRefused saying what is wrong.
    Every line with '-->' must be a cue timing (the format allows it nowhere else), so a bad
    timing is named here rather than silently dropped by the browser."""
    if not data.strip():
        raise _not_webvtt("the file is empty. Save the captions as a .vtt file and upload that.")
    if len(data) > WEBVTT_MAX_BYTES:
        raise _not_webvtt(f"it is {_size_text(len(data))}, and a caption file can be at most 1 MB.")
    if b"\x00" in data:
        raise _not_webvtt("it contains binary data. Upload the .vtt text file the captioning tool saved.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_webvtt("it is not saved as UTF-8 text. Save it again with UTF-8 encoding.") from None
    lines = re.split(r"\r\n|\r|\n", text)
    if not HEADER.match(lines[0]):
        if SRT_TIMING.search(text):
            raise _not_webvtt(
                "it looks like an SRT subtitle file. Convert it to WebVTT (most captioning tools can "
                "save as .vtt), then upload it again."
            )
        raise _not_webvtt("it must begin with the line WEBVTT.")
    cues = 0
    for number, line in enumerate(lines[1:], start=2):
        if "-->" not in line:
            continue
        match = CUE_TIMING.match(line.strip())
        if not match:
            raise _not_webvtt(
                f'line {number} ("{line.strip()[:60]}") is not a cue timing like 00:01.000 --> 00:04.000.'
            )
        if _seconds(*match.groups()[4:]) <= _seconds(*match.groups()[:4]):
            raise _not_webvtt(f"on line {number} the cue ends before it starts.")
        cues += 1
    if not cues:
        raise _not_webvtt("it has no captions in it (no line like 00:01.000 --> 00:04.000).")
    return text
