"""evidence.media on real clips made by the bundled FFmpeg (tiny ones: the whole file runs in a few
seconds). No database: media is pure."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from evidence import media
from evidence.media import ClipRefused, TranscodeFailed
from tests.evidence.clips import make_clip, make_sound


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """One of each kind, made once for the module."""
    folder = tmp_path_factory.mktemp("clips")
    return {
        "mp4": make_clip(folder / "a.mp4", size="160x120"),
        "mov": make_clip(folder / "a.mov", size="160x120", fmt="mov"),
        "webm": make_clip(folder / "a.webm", size="160x120", fmt="webm"),
        "silent": make_clip(folder / "silent.mp4", size="160x120", audio=False),
        "faststart": make_clip(folder / "fast.mp4", size="160x120", output_args=["-movflags", "+faststart"]),
        "live": make_clip(folder / "live.webm", size="160x120", fmt="webm", output_args=["-live", "1"]),
    }


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def top_level_boxes(path: Path) -> list[str]:
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        boxes.append(data[offset + 4 : offset + 8].decode("latin-1"))
        offset += size or len(data)
    return boxes


# --- sniff --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "label"), [("mp4", "MP4"), ("mov", "MOV"), ("webm", "WebM")])
def test_sniff_knows_a_clip_by_its_first_bytes(clips, tmp_path, name, label):
    renamed = write(tmp_path / "holiday.txt", clips[name].read_bytes())  # the name does not matter
    kind = media.sniff(renamed.read_bytes()[:64])
    assert kind is not None and kind.label == label
    assert (kind.extension, kind.content_type) == {
        "MP4": (".mp4", "video/mp4"),
        "MOV": (".mov", "video/quicktime"),
        "WebM": (".webm", "video/webm"),
    }[label]


def test_sniff_knows_old_quicktime_files_that_start_without_ftyp():
    assert media.sniff(b"\x00\x00\x00\x08wide\x00\x01\x00\x00mdat") == media.MOV
    assert media.sniff(b"\x00\x00\x10\x00moov\x00\x00\x00\x6cmvhd") == media.MOV


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"Lesson plan for Tuesday: circle time, then centres.\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",  # an iPhone photo: the same box format
        b"abcdfree and more text",  # "free" at byte 4, but no box size before it
        b"\x00\x00",
    ],
    ids=["empty", "text", "pdf", "png", "heic", "text-with-free", "short"],
)
def test_sniff_refuses_anything_else(head):
    assert media.sniff(head) is None


# --- probe --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "video_codec", "audio_codec"),
    [("mp4", "h264", "aac"), ("mov", "h264", "aac"), ("webm", "vp8", "opus"), ("silent", "h264", "")],
)
def test_probe_reads_length_size_and_codecs(clips, name, video_codec, audio_codec):
    found = media.probe(clips[name])
    assert found.duration == pytest.approx(2.0, abs=0.1)
    assert (found.width, found.height) == (160, 120)
    assert (found.video_codec, found.audio_codec) == (video_codec, audio_codec)


def test_probe_reports_a_phone_clip_held_upright_as_shown(tmp_path):
    source = make_clip(tmp_path / "sideways.mp4", seconds=0.5, size="320x240", audio=False)
    turned = tmp_path / "upright.mp4"
    subprocess.run(  # noqa: S603
        [
            media.ffmpeg_exe(),
            "-loglevel",
            "error",
            "-display_rotation",
            "90",
            "-i",
            str(source),
            "-c",
            "copy",
            str(turned),
        ],
        check=True,
    )
    found = media.probe(turned)
    assert (found.width, found.height) == (240, 320)
    media.transcode(turned, tmp_path / "web.mp4", duration=found.duration)
    copy = media.probe(tmp_path / "web.mp4")
    assert (copy.width, copy.height) == (240, 320)  # FFmpeg turns the picture, so the copy needs no turning


def test_probe_measures_a_browser_recording_that_does_not_state_its_length(clips):
    assert media.probe(clips["live"]).duration == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("name", ["mp4", "faststart", "mov", "webm"])
@pytest.mark.parametrize("keep", [0.6, 2048])
def test_probe_refuses_a_clip_cut_short(clips, tmp_path, name, keep):
    data = clips[name].read_bytes()
    cut = write(tmp_path / "cut.mp4", data[: int(len(data) * keep) if keep < 1 else keep])
    with pytest.raises(ClipRefused) as refused:
        media.probe(cut)
    assert refused.value.code in ("truncated", "not_video")
    if refused.value.code == "truncated":
        assert "incomplete" in refused.value.message


def test_probe_says_a_cut_mp4_is_incomplete(clips, tmp_path):
    data = clips["faststart"].read_bytes()
    with pytest.raises(ClipRefused) as refused:
        media.probe(write(tmp_path / "cut.mp4", data[: int(len(data) * 0.6)]))
    assert refused.value.code == "truncated"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"Lesson plan for Tuesday\n" * 50, "not_video"),
        (b"#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n", "not_video"),  # FFmpeg would follow a playlist
        (b"%PDF-1.7\n" + bytes(500), "not_video"),
        # an MP4's boxes, all present, holding nonsense
        (
            b"\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom"
            + b"\x00\x00\x00\x10moov"
            + b"\xde\xad\xbe\xef" * 2
            + b"\x00\x00\x00\x10mdat"
            + bytes(8),
            "not_video",
        ),
    ],
    ids=["empty", "text", "playlist", "pdf", "damaged-mp4"],
)
def test_probe_refuses_what_is_not_a_playable_video(tmp_path, data, code):
    with pytest.raises(ClipRefused) as refused:
        media.probe(write(tmp_path / "clip.mp4", data))
    assert refused.value.code == code
    assert refused.value.message.endswith(".") and "upload" in refused.value.message.lower()


def test_probe_refuses_a_sound_recording(tmp_path):
    with pytest.raises(ClipRefused) as refused:
        media.probe(make_sound(tmp_path / "memo.m4a"))
    assert refused.value.code == "no_video_stream"


def test_a_missing_file_is_the_callers_bug_not_the_persons(tmp_path):
    with pytest.raises(FileNotFoundError):
        media.probe(tmp_path / "nowhere.mp4")


# --- limits -------------------------------------------------------------------------------------


def test_limits_default_to_2_gb_and_60_minutes(settings):
    del settings.PAC_CLIP_MAX_BYTES
    del settings.PAC_CLIP_MAX_SECONDS
    media.check_limits(size=2 * 1024**3, duration=3600)  # exactly at the limit is fine
    with pytest.raises(ClipRefused) as big:
        media.check_limits(size=int(2.5 * 1024**3))
    assert big.value.code == "too_big"
    assert "2.5 GB" in big.value.message and "at most 2 GB" in big.value.message
    with pytest.raises(ClipRefused) as long:
        media.check_limits(duration=3725.2)
    assert long.value.code == "too_long"
    assert "62 minutes 6 seconds" in long.value.message and "at most 60 minutes" in long.value.message


def test_limits_come_from_the_settings(settings):
    settings.PAC_CLIP_MAX_BYTES = 10 * 1024**2
    settings.PAC_CLIP_MAX_SECONDS = 90
    media.check_limits(size=10 * 1024**2, duration=90)
    media.check_limits()  # nothing given, nothing checked
    with pytest.raises(ClipRefused, match=r"15 MB; a clip can be at most 10 MB") as big:
        media.check_limits(size=15 * 1024**2, duration=10)
    assert big.value.code == "too_big"
    with pytest.raises(ClipRefused, match=r"2 minutes long; a clip can be at most 1 minute 30 seconds") as long:
        media.check_limits(size=1, duration=120)
    assert long.value.code == "too_long"


# --- transcode ----------------------------------------------------------------------------------


def test_ffmpeg_comes_from_the_settings_when_set(settings, clips, tmp_path):
    settings.PAC_FFMPEG = ""
    assert Path(media.ffmpeg_exe()).exists()
    settings.PAC_FFMPEG = str(tmp_path / "no-ffmpeg-here")
    assert media.ffmpeg_exe() == settings.PAC_FFMPEG
    with pytest.raises(TranscodeFailed, match="Could not start FFmpeg"):
        media.transcode(clips["mp4"], tmp_path / "web.mp4", duration=2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("size", "expected"), [("640x480", (640, 480)), ("1920x1080", (1280, 720))])
def test_transcode_makes_a_web_copy(tmp_path, size, expected):
    source = make_clip(tmp_path / "source.mov", seconds=1, size=size, fmt="mov")
    reported = []
    media.transcode(source, tmp_path / "web.mp4", duration=1.0, on_progress=reported.append)
    copy = media.probe(tmp_path / "web.mp4")
    assert (copy.video_codec, copy.audio_codec) == ("h264", "aac")
    assert (copy.width, copy.height) == expected  # never larger than 720 lines, never enlarged
    assert copy.width % 2 == 0 and copy.height % 2 == 0
    assert copy.duration == pytest.approx(1.0, abs=0.1)
    boxes = top_level_boxes(tmp_path / "web.mp4")
    assert boxes.index("moov") < boxes.index("mdat")  # faststart: playback starts before the download ends
    assert reported and reported == sorted(set(reported)) and all(0 <= p <= 99 for p in reported)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.mov", "web.mp4"]


def test_transcode_of_a_silent_odd_sized_webm(tmp_path):
    source = make_clip(tmp_path / "source.webm", seconds=1, size="321x241", audio=False, fmt="webm")
    media.transcode(source, tmp_path / "web.mp4", duration=1.0)
    copy = media.probe(tmp_path / "web.mp4")
    assert (copy.video_codec, copy.audio_codec, copy.width, copy.height) == ("h264", "", 320, 240)


def test_transcode_keeps_a_portrait_clip_upright_and_720_tall(tmp_path):
    source = make_clip(tmp_path / "source.mp4", seconds=0.5, size="720x1280", audio=False)
    media.transcode(source, tmp_path / "web.mp4", duration=0.5)
    copy = media.probe(tmp_path / "web.mp4")
    assert copy.height == 720 and copy.width == 406


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a video at all\n" * 100, "not an MP4, MOV or WebM"),
        (b"\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom" + bytes(300), "Invalid data"),  # FFmpeg's own refusal
    ],
    ids=["text", "mp4-head-only"],
)
def test_transcode_of_garbage_fails_and_leaves_nothing(tmp_path, data, reason):
    source = write(tmp_path / "source.mp4", data)
    with pytest.raises(TranscodeFailed) as failed:
        media.transcode(source, tmp_path / "web.mp4", duration=2.0)
    assert reason in failed.value.reason and len(failed.value.reason) <= 500
    assert "@ 0x" not in failed.value.reason
    assert [p.name for p in tmp_path.iterdir()] == ["source.mp4"]


def test_transcode_that_runs_too_long_is_stopped(tmp_path):
    source = make_clip(tmp_path / "source.mp4", seconds=1, size="1920x1080")
    with pytest.raises(TranscodeFailed, match="did not finish within"):
        media.transcode(source, tmp_path / "web.mp4", duration=1.0, timeout=0.01)
    assert [p.name for p in tmp_path.iterdir()] == ["source.mp4"]


def test_a_failing_progress_callback_stops_ffmpeg_and_leaves_nothing(tmp_path):
    source = make_clip(tmp_path / "source.mp4", seconds=1, size="320x240")

    def broken(percent):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        media.transcode(source, tmp_path / "web.mp4", duration=1.0, on_progress=broken)
    assert [p.name for p in tmp_path.iterdir()] == ["source.mp4"]


def test_progress_is_reported_as_it_grows_and_at_most_once_a_second():
    reported = []
    ticks = itertools.count(step=0.4)
    follower = media.ProgressFollower(10.0, reported.append, clock=lambda: next(ticks))
    lines = ["frame=1", "out_time_us=N/A"]
    lines += [f"out_time_us={n * 500_000}\nprogress=continue" for n in range(30)]  # 0 to 14.5 s
    lines += ["out_time_ms=15000000", "progress=end"]
    for line in lines:
        for part in line.splitlines():
            follower.feed(part)
    assert reported == sorted(set(reported)) and len(reported) > 3
    assert reported[0] == 0 and reported[-1] == 99  # never 100: that is the caller's, once saved


def test_the_command_line_is_the_one_in_the_brief(tmp_path):
    args = media.ffmpeg_args(tmp_path / "in.mov", tmp_path / "out.mp4", kind=media.MOV)
    line = " ".join(args[1:])
    for part in (
        "-f mov -protocol_whitelist file -i file:",
        "-map 0:v:0 -map 0:a:0?",
        "-c:v libx264 -preset veryfast -crf 23 -profile:v main -pix_fmt yuv420p",
        "-c:a aac -b:a 128k -ac 2",
        "-movflags +faststart",
        "-progress pipe:1",
        "-nostats",
    ):
        assert part in line


# --- poster -------------------------------------------------------------------------------------


def test_poster_is_a_jpeg_frame(tmp_path):
    source = make_clip(tmp_path / "source.mp4", seconds=1, size="1920x1080", audio=False)
    media.poster(source, tmp_path / "poster.jpg", at=0.5)
    assert (tmp_path / "poster.jpg").read_bytes()[:2] == b"\xff\xd8"
    import av

    with av.open(str(tmp_path / "poster.jpg")) as image:
        assert image.streams.video[0].codec_context.height == 720
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poster.jpg", "source.mp4"]


def test_poster_past_the_end_fails_and_leaves_nothing(clips, tmp_path):
    with pytest.raises(TranscodeFailed):
        media.poster(clips["mp4"], tmp_path / "poster.jpg", at=60)
    assert list(tmp_path.iterdir()) == []


# --- captions -----------------------------------------------------------------------------------

VTT = "WEBVTT - Circle time\n\nNOTE checked by the coach\n\n1\n00:01.000 --> 00:04.000\nGood morning, friends!\n\n00:00:04.500 --> 00:00:07.250 align:start\n¿Qué vamos a leer hoy?\n"


@pytest.mark.parametrize(
    "data",
    [
        VTT.encode(),
        b"\xef\xbb\xbf" + VTT.encode(),
        VTT.replace("\n", "\r\n").encode(),
        b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi",
    ],
    ids=["plain", "bom", "crlf", "bare-header"],
)
def test_a_webvtt_file_is_accepted(data):
    text = media.check_webvtt(data)
    assert text.startswith("WEBVTT") and "\ufeff" not in text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"1\n00:00:01,000 --> 00:00:04,000\nGood morning\n", "SRT"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"WEBVTT\n\n00:01.000 --> 00:04.000\nHi\x00\n", "binary"),
        ("WEBVTT\n\n00:01.000 --> 00:04.000\nCafé\n".encode("latin-1"), "UTF-8"),
        (b"WEBVTT\n\nNOTE nothing yet\n", "no captions"),
        (b"WEBVTTX\n\n00:01.000 --> 00:04.000\nHi\n", "must begin with the line WEBVTT"),
        (b"Captions\nWEBVTT\n\n00:01.000 --> 00:04.000\nHi\n", "must begin with the line WEBVTT"),
        (b"WEBVTT\n\n00:01,000 --> 00:04,000\nHi\n", "line 3"),
        (b"WEBVTT\n\n00:01.000 --> 00:75.000\nHi\n", "line 3"),
        (b"WEBVTT\n\n00:04.000 --> 00:01.000\nHi\n", "ends before it starts"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n\n00:05.000 --> 00:05.000\nBye\n", "line 6"),
        (b"WEBVTT\n" + b"a" * (1024**2), "at most 1 MB"),
    ],
    ids=[
        "srt",
        "empty",
        "blank",
        "binary",
        "nul",
        "latin-1",
        "no-cue",
        "bad-header",
        "header-not-first",
        "comma-timing",
        "bad-seconds",
        "backwards",
        "one-bad-cue",
        "too-big",
    ],
)
def test_anything_else_is_refused_with_the_reason(data, says):
    with pytest.raises(ClipRefused) as refused:
        media.check_webvtt(data)
    assert refused.value.code == "not_webvtt"
    assert refused.value.message.startswith("This is not a WebVTT caption file: ")
    assert says in refused.value.message


def test_the_header_message_is_the_plain_one():
    with pytest.raises(ClipRefused) as refused:
        media.check_webvtt(b"Hello\n")
    assert refused.value.message == "This is not a WebVTT caption file: it must begin with the line WEBVTT."


def test_failure_reason_keeps_the_last_lines_and_at_most_500_characters():
    stderr = "\n".join(f"[mov,mp4 @ 0x55d1{n:04x}] problem {n} " + "x" * 200 for n in range(10))
    reason = media.failure_reason(stderr, 1)
    assert len(reason) <= 500 and reason.endswith("x") and "problem 9" in reason and "@ 0x" not in reason
    assert media.failure_reason("\n\n", 183) == "FFmpeg stopped with exit code 183."
