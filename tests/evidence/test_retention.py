"""The retention rule: a clip's video and poster are removed a set number of days after its pair
ends (the one place PAC deletes a file on purpose); the record, comments and ratings stay, marked,
with the removal in the clip's history. Abandoned uploads lose their staging files after a week."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence import services
from evidence.models import Clip, ClipUpload, Comment, RetentionSettings, clip_storage
from pairings.models import Pair
from tests.evidence.factories import ready_clip

pytestmark = pytest.mark.django_db


def _end(pair, days_ago):
    Pair.objects.filter(pk=pair.pk).update(
        status=Pair.Status.ENDED, ended_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


def test_files_go_after_the_retention_days_and_the_record_stays(client, pair, clip_file):
    clip = ready_clip(pair, path=clip_file)
    services.comment_add(clip=clip, actor=pair.coach.user, text="Kept after removal", kind="strength", at_ms=10)
    names = [clip.video.name, clip.poster.name]
    _end(pair, 179)
    assert services.evidence_sweep()["removed"] == 0
    assert all(clip_storage().exists(n) for n in names)
    _end(pair, 180)
    assert services.evidence_sweep()["removed"] == 1
    clip.refresh_from_db()
    assert clip.removed_at and not clip.video and not clip.poster
    assert not any(clip_storage().exists(n) for n in names)
    assert Comment.objects.filter(clip=clip).exists()
    assert "retention rule (180 days)" in clip.history.first().history_change_reason
    client.force_login(pair.mentee.user)
    page = client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()
    assert "Video removed under the retention rule" in page and "Kept after removal" in page
    assert client.get(reverse("evidence:clip_video", args=[clip.pk])).status_code == 404
    assert client.get(reverse("evidence:clip_poster", args=[clip.pk])).status_code == 404
    assert services.evidence_sweep()["removed"] == 0  # twice is harmless


def test_staff_set_the_days_in_the_admin_row(pair, clip_file):
    ready_clip(pair, path=clip_file)
    settings_row = RetentionSettings.current()
    settings_row.days_after_pair_ends = 30
    settings_row.save()
    _end(pair, 31)
    assert services.evidence_sweep()["removed"] == 1


def test_an_active_pairs_clips_are_never_removed(pair, clip_file):
    ready_clip(pair, path=clip_file)
    assert services.evidence_sweep(now=timezone.now() + datetime.timedelta(days=3650))["removed"] == 0
    assert not Clip.objects.filter(removed_at__isnull=False).exists()


def test_an_upload_left_for_a_week_loses_its_staging_file(pair, clip_file):
    import io

    data = clip_file.read_bytes()
    upload = services.upload_start(
        pair=pair, actor=pair.mentee.user, details=_details(), filename="a.mp4", size=len(data)
    )
    services.upload_chunk(upload=upload, actor=pair.mentee.user, offset=0, stream=io.BytesIO(data[:500]), length=500)
    assert services.evidence_sweep()["abandoned"] == 0
    later = timezone.now() + datetime.timedelta(days=8)
    assert services.evidence_sweep(now=later)["abandoned"] == 1
    upload.refresh_from_db()
    assert upload.status == ClipUpload.Status.ABANDONED and not services.staging_path(upload).exists()


def test_a_clip_left_waiting_for_a_worker_is_enqueued_again(pair, clip_file, monkeypatch):
    from tests.evidence.factories import upload

    done = upload(pair, pair.mentee.user, clip_file)
    Clip.objects.filter(pk=done.clip_id).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    queued = []
    monkeypatch.setattr(services, "clip_enqueue", queued.append)
    assert services.evidence_sweep()["requeued"] == 1 and queued == [done.clip_id]


def _details():
    from tests.evidence.factories import details

    return details()


def test_a_file_that_cannot_be_deleted_now_leaves_the_clip_for_the_next_sweep(pair, clip_file, monkeypatch):
    clip = ready_clip(pair, path=clip_file)
    _end(pair, 200)
    storage = clip_storage()
    real_delete = storage.delete

    def unavailable(name):
        raise OSError("storage is briefly away")

    monkeypatch.setattr(storage, "delete", unavailable)
    assert services.evidence_sweep()["removed"] == 0
    clip.refresh_from_db()
    assert clip.removed_at is None and clip.video
    monkeypatch.setattr(storage, "delete", real_delete)
    assert services.evidence_sweep()["removed"] == 1
    clip.refresh_from_db()
    assert clip.removed_at and not clip.video


def test_sharing_a_clip_read_before_feedback_keeps_the_feedback_times(pair, clip_file):
    clip = ready_clip(pair, path=clip_file)
    stale = Clip.objects.get(pk=clip.pk)  # read before the coach comments
    services.comment_add(clip=clip, actor=pair.coach.user, text="Warm", kind="strength")
    services.clip_share(clip=stale, actor=pair.mentee.user, leader=True)
    services.library_consent(clip=stale, actor=pair.mentee.user, consent=True)
    clip.refresh_from_db()
    assert clip.first_feedback_at and clip.last_feedback_at and clip.shared_with_leader_at and clip.library_consent_at


def test_staff_change_the_retention_days_in_the_admin(client, staff_user):
    row = RetentionSettings.current()
    client.force_login(staff_user)
    url = reverse("admin:evidence_retentionsettings_change", args=[row.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"days_after_pair_ends": "90"}).status_code == 302
    row.refresh_from_db()
    assert row.days_after_pair_ends == 90
