"""Test clips made on the spot with the bundled FFmpeg's generators (a test pattern and a 440 Hz
tone), so no video is ever committed. A 2-second 320x240 clip is a few dozen KB and takes a
fraction of a second."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@functools.cache
def _encoders() -> frozenset[str]:
    listing = subprocess.run(  # noqa: S603
        [FFMPEG, "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
    ).stdout
    return frozenset(line.split()[1] for line in listing.splitlines() if line.startswith(" ") and len(line.split()) > 1)


def _first_available(*names: str) -> str:
    available = _encoders()
    for name in names:
        if name in available:
            return name
    raise RuntimeError(f"the bundled FFmpeg has none of these encoders: {', '.join(names)}")


def _codecs(fmt: str) -> list[str]:
    if fmt in ("mp4", "mov"):
        return ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]
    if fmt == "webm":
        video = _first_available("libvpx", "libvpx-vp9")  # VP8 encodes fastest
        audio = _first_available("libopus", "libvorbis", "opus", "vorbis")
        speed = ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"]
        return ["-c:v", video, *speed, "-c:a", audio, *(["-strict", "-2"] if audio in ("opus", "vorbis") else [])]
    raise ValueError(f"unknown clip format {fmt!r}")


def make_clip(
    path: str | os.PathLike,
    *,
    seconds: float = 2.0,
    size: str = "320x240",
    audio: bool = True,
    fmt: str = "mp4",
    rate: int = 25,
    output_args: Sequence[str] = (),
) -> Path:
    """Write a test-pattern clip (with a tone unless ``audio`` is False) to ``path`` and return it.
    ``fmt`` is "mp4" (H.264/AAC), "mov" (the same in QuickTime) or "webm" (VP8 + Opus here);
    ``output_args`` go just before the file name (e.g. ["-movflags", "+faststart"], or
    ["-live", "1"] for a WebM with no stated length, as browsers record)."""
    path = Path(path)
    inputs = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    muxer = {"mp4": "mp4", "mov": "mov", "webm": "webm"}[fmt]
    command = [
        FFMPEG,
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *inputs,
        *("-t", f"{seconds:g}"),
        *_codecs(fmt),
        *(["-ac", "2"] if audio else ["-an"]),
        *output_args,
        *("-f", muxer, str(path)),
    ]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return path


def make_big_file(path: str | os.PathLike, size_bytes: int, *, chunk: int = 8 * 1024**2) -> Path:
    """Write ``size_bytes`` of zeros to ``path`` in large chunks (for upload benchmarks: the bytes
    need not be a video)."""
    path = Path(path)
    block = bytes(chunk)
    with open(path, "wb") as file:
        remaining = size_bytes
        while remaining > 0:
            remaining -= file.write(block[: min(chunk, remaining)])
    return path


def make_sound(path: str | os.PathLike, *, seconds: float = 1.0) -> Path:
    """An AAC tone in an MP4 with no picture (what a phone's voice memo app saves as .m4a)."""
    path = Path(path)
    command = [
        FFMPEG,
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-f", "lavfi", "-i", "sine=frequency=440", "-t", f"{seconds:g}", "-c:a", "aac", "-f", "mp4", str(path)),
    ]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return path
