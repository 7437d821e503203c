"""A clip's way in: consent, resumable pieces, recognition by content, limits, processing."""

import io

import pytest

from evidence import media, services
from evidence.models import Clip, ClipUpload, clip_storage
from pac.workflow import TransitionError
from tests.evidence.factories import details, ready_clip, upload

pytestmark = pytest.mark.django_db


def test_a_clip_sent_in_pieces_is_made_and_prepared_for_playback(pair, clip_file):
    done = upload(pair, pair.mentee.user, clip_file, pieces=3)
    assert done.status == ClipUpload.Status.COMPLETE
    clip = Clip.objects.get(pk=done.clip_id)
    assert clip.status == Clip.Status.PROCESSING
    assert clip.original_format == "MP4" and clip.size == clip_file.stat().st_size
    assert clip.consent_confirmed_by == pair.mentee.user and clip.consent_text
    assert not services.staging_path(done).exists()
    original = clip.original.name
    assert services.clip_process(clip_id=clip.pk)
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY and clip.progress == 100
    probe = media.probe(clip_storage().path(clip.video.name))
    assert probe.video_codec == "h264" and probe.audio_codec == "aac"
    assert clip_storage().open(clip.poster.name).read(2) == b"\xff\xd8"
    assert not clip.original and not clip_storage().exists(original)  # the original goes once the copy is stored
    assert not services.clip_process(clip_id=clip.pk)  # a redelivered task finds nothing to do


def test_an_interrupted_upload_resumes_where_it_stopped(pair, clip_file):
    data = clip_file.read_bytes()
    user = pair.mentee.user
    started = services.upload_start(pair=pair, actor=user, details=details(), filename="a.mp4", size=len(data))
    half = len(data) // 2
    services.upload_chunk(upload=started, actor=user, offset=0, stream=io.BytesIO(data[:half]), length=half)
    # the phone sends the first piece again (it never saw the answer): told where to carry on
    with pytest.raises(services.UploadOffsetError) as told:
        services.upload_chunk(upload=started, actor=user, offset=0, stream=io.BytesIO(data[:half]), length=half)
    assert told.value.received == half
    rest = data[half:]
    done = services.upload_chunk(upload=started, actor=user, offset=half, stream=io.BytesIO(rest), length=len(rest))
    assert done.clip_id
    clip = Clip.objects.get(pk=done.clip_id)
    assert clip_storage().open(clip.original.name).read() == data


def test_a_piece_cut_short_by_the_connection_is_not_counted(pair, clip_file):
    data = clip_file.read_bytes()
    user = pair.mentee.user
    started = services.upload_start(pair=pair, actor=user, details=details(), filename="a.mp4", size=len(data))
    with pytest.raises(TransitionError):
        services.upload_chunk(upload=started, actor=user, offset=0, stream=io.BytesIO(data[:100]), length=1000)
    started.refresh_from_db()
    assert started.received == 0


def test_upload_needs_consent_and_a_member_of_the_active_pair(pair, clip_file, staff_user):
    with pytest.raises(TransitionError, match="consent"):
        services.upload_start(
            pair=pair, actor=pair.mentee.user, details=details(consent=False), filename="a.mp4", size=10
        )
    with pytest.raises(TransitionError, match="coach and mentee"):
        services.upload_start(pair=pair, actor=pair.leader.user, details=details(), filename="a.mp4", size=10)
    with pytest.raises(TransitionError, match="empty"):
        services.upload_start(pair=pair, actor=pair.mentee.user, details=details(), filename="a.mp4", size=0)


def test_a_file_over_the_size_limit_is_refused_before_a_byte_is_sent(pair, settings):
    settings.PAC_CLIP_MAX_BYTES = 1000
    with pytest.raises(TransitionError, match="at most 1000 bytes"):
        services.upload_start(pair=pair, actor=pair.mentee.user, details=details(), filename="a.mp4", size=1001)
    assert not ClipUpload.objects.exists()


def test_a_renamed_text_file_is_refused_at_its_first_piece_and_nothing_is_kept(pair):
    text = b"These are my lesson notes, not a video at all.\n" * 40
    done = upload(pair, pair.mentee.user, _write(text), pieces=2)
    assert done.status == ClipUpload.Status.REFUSED
    assert "not a video" in done.reason and "MP4" in done.reason
    assert not services.staging_path(done).exists()
    assert not Clip.objects.exists()


def test_a_truncated_mp4_is_refused_when_complete(pair, clip_file):
    data = clip_file.read_bytes()
    done = upload(pair, pair.mentee.user, _write(data[: int(len(data) * 0.6)], "cut.mp4"))
    assert done.status == ClipUpload.Status.REFUSED
    assert done.reason
    assert not Clip.objects.exists() and not services.staging_path(done).exists()


def test_a_clip_over_the_duration_limit_is_refused(pair, clip_file, settings):
    settings.PAC_CLIP_MAX_SECONDS = 1
    done = upload(pair, pair.mentee.user, clip_file)
    assert done.status == ClipUpload.Status.REFUSED
    assert "at most" in done.reason
    assert not Clip.objects.exists()


def test_a_failed_transcode_shows_its_reason_and_can_be_retried(pair, clip_file, monkeypatch):
    done = upload(pair, pair.mentee.user, clip_file)
    clip = Clip.objects.get(pk=done.clip_id)

    def broken(*args, **kwargs):
        raise media.TranscodeFailed("Encoder ran out of disk space")

    monkeypatch.setattr(media, "transcode", broken)
    assert not services.clip_process(clip_id=clip.pk)
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED and "disk space" in clip.error
    assert clip.original  # kept until a transcode succeeds
    monkeypatch.undo()
    services.clip_retry(clip=clip, actor=pair.mentee.user)
    assert services.clip_process(clip_id=clip.pk)
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY
    with pytest.raises(TransitionError):
        services.clip_retry(clip=clip, actor=pair.mentee.user)


def test_the_coachs_model_lesson_tells_the_mentee(pair, clip_file):
    from coaching.models import Reminder

    clip = ready_clip(pair, pair.coach.user, clip_file)
    assert clip.from_coach
    assert Reminder.objects.filter(recipient=pair.mentee, stage=Reminder.Stage.CLIP_SHARED).exists()


def _write(data: bytes, name: str = "notes.mp4"):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(data)
    return path


def test_with_redis_down_the_clip_is_kept_and_the_sweep_prepares_it_later(
    pair, clip_file, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from evidence import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.clip_process_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        done = upload(pair, pair.mentee.user, clip_file)
    clip = Clip.objects.get(pk=done.clip_id)
    assert done.status == ClipUpload.Status.COMPLETE and clip.status == Clip.Status.PROCESSING
    monkeypatch.undo()  # Redis is back
    assert services.evidence_sweep()["requeued"] == 0  # not before an hour: a worker may be on it
    later = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evidence_sweep(now=later)["requeued"] == 1
    clip.refresh_from_db()
    assert clip.status == Clip.Status.READY
