"""Holes a review of the first version found, each closed and kept closed: the admin's history
pages, library viewers and the coaching, meetings and goals read by others, captions after
retention, last year's library, uploads racing the end of a pair or a finish, and processing
racing retention or failing unexpectedly."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Dimension
from evidence import media, services
from evidence.models import Clip, ClipUpload, clip_storage
from pac.models import ProgramYear
from pac.workflow import TransitionError
from pairings.models import Pair
from tests.coaching.factories import active_pair
from tests.evidence.factories import details, ready_clip, upload
from tests.factories import ProgramYearFactory

pytestmark = pytest.mark.django_db


def test_the_admins_history_pages_of_a_clip_staff_may_not_see_are_404(client, pair, clip_file, staff_user):
    clip = ready_clip(pair, path=clip_file, title="Private classroom moment")
    client.force_login(staff_user)
    base = f"/admin/evidence/clip/{clip.pk}/"
    history_id = clip.history.first().history_id
    for url in (f"{base}history/", f"{base}history/{history_id}/"):
        response = client.get(url)
        assert response.status_code == 404 and "Private classroom moment" not in response.content.decode(), url
    assert client.get("/admin/evidence/clip/abc/history/").status_code == 404
    services.clip_share(clip=clip, actor=pair.mentee.user, eec=True)
    assert client.get(f"{base}history/").status_code == 200


def test_library_viewers_see_the_clip_but_not_the_coaching(client, pair, clip_file, program_year, staff_user):
    clip = ready_clip(pair, path=clip_file)
    services.comment_add(clip=clip, actor=pair.coach.user, text="Coach's words for the mentee", kind="growth")
    services.observation_save(clip=clip, actor=pair.coach.user, summary="Summary for the mentee")
    services.library_consent(clip=clip, actor=pair.mentee.user, consent=True)
    services.library_promote(clip=clip, actor=staff_user, dimensions=list(Dimension.objects.all()[:1]))
    other = active_pair(program_year, staff_user, region=3)
    client.force_login(other.coach.user)
    page = client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()
    assert clip.title in page and reverse("evidence:clip_video", args=[clip.pk]) in page
    assert "Coach's words for the mentee" not in page.replace("&#x27;", "'") and "Summary for the mentee" not in page
    # nor through a reply's address
    comment = clip.comments.get()
    reply = client.post(reverse("evidence:comment_reply", args=[clip.pk, comment.pk]), {"text": "hi"})
    assert reply.status_code == 404
    # staff who see it only because of the library consent do not see the coaching either
    client.force_login(staff_user)
    assert "Summary for the mentee" not in client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()


def test_retention_clears_the_captions_too(client, pair, clip_file):
    clip = ready_clip(pair, path=clip_file, captions="WEBVTT\n\n00:00.000 --> 00:01.000\nHi Maya!\n")
    Pair.objects.filter(pk=pair.pk).update(status="ended", ended_on=timezone.localdate() - datetime.timedelta(days=200))
    services.evidence_sweep()
    clip.refresh_from_db()
    assert clip.captions == ""
    client.force_login(pair.mentee.user)
    assert client.get(reverse("evidence:clip_captions", args=[clip.pk])).status_code == 404


def test_a_facilitator_sees_only_the_current_years_library(pair, clip_file, staff_user, facilitator, program_year):
    from evidence.permissions import clips_visible_to

    clip = ready_clip(pair, path=clip_file)
    services.library_consent(clip=clip, actor=pair.mentee.user, consent=True)
    services.library_promote(clip=clip, actor=staff_user, dimensions=list(Dimension.objects.all()[:1]))
    assert ProgramYear.objects.current() == program_year
    assert clips_visible_to(facilitator).filter(pk=clip.pk).exists()
    today = timezone.localdate()
    ProgramYear.objects.filter(pk=program_year.pk).update(starts_on=today - datetime.timedelta(days=100))
    ProgramYearFactory(name="2099–00", starts_on=today, ends_on=today + datetime.timedelta(days=300))  # a new cohort
    assert ProgramYear.objects.current() != program_year
    assert not clips_visible_to(facilitator).filter(pk=clip.pk).exists()


def test_an_upload_cannot_carry_on_after_the_pair_ends(pair, clip_file):
    data = clip_file.read_bytes()
    user = pair.mentee.user
    started = services.upload_start(pair=pair, actor=user, details=details(), filename="a.mp4", size=len(data))
    services.upload_chunk(upload=started, actor=user, offset=0, stream=io.BytesIO(data[:1000]), length=1000)
    Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED, ended_on=timezone.localdate())
    with pytest.raises(TransitionError, match="not active"):
        services.upload_chunk(
            upload=started, actor=user, offset=1000, stream=io.BytesIO(data[1000:]), length=len(data) - 1000
        )
    assert not Clip.objects.exists()


def test_an_upload_whose_finish_failed_is_finished_when_asked_again(client, pair, clip_file, monkeypatch):
    data = clip_file.read_bytes()
    user = pair.mentee.user
    started = services.upload_start(pair=pair, actor=user, details=details(), filename="a.mp4", size=len(data))

    def worker_killed(*args, **kwargs):
        raise RuntimeError("worker timeout while probing")

    monkeypatch.setattr(media, "probe", worker_killed)
    with pytest.raises(RuntimeError):
        services.upload_chunk(upload=started, actor=user, offset=0, stream=io.BytesIO(data), length=len(data))
    monkeypatch.undo()
    started.refresh_from_db()
    assert started.status == ClipUpload.Status.OPEN and started.received == started.size and not Clip.objects.exists()
    client.force_login(user)
    url = reverse("evidence:upload", args=[started.pk])
    finished = client.generic(
        "POST", url, b"", content_type="application/octet-stream", HTTP_CONTENT_RANGE=f"bytes */{len(data)}"
    )
    assert finished.status_code == 200 and finished.json()["clip_url"]
    again = client.generic(
        "POST", url, b"", content_type="application/octet-stream", HTTP_CONTENT_RANGE=f"bytes */{len(data)}"
    )
    assert again.json()["clip_url"] == finished.json()["clip_url"] and Clip.objects.count() == 1


def test_a_clip_removed_while_it_was_being_prepared_leaves_no_files(pair, clip_file, monkeypatch):
    done = upload(pair, pair.mentee.user, clip_file)
    real_poster = media.poster

    def poster_while_retention_runs(*args, **kwargs):
        real_poster(*args, **kwargs)
        services.clip_remove_files(clip_id=done.clip_id, reason="Video removed under the retention rule (180 days)")

    monkeypatch.setattr(media, "poster", poster_while_retention_runs)
    before = set(_stored_files())
    assert not services.clip_process(clip_id=done.clip_id)
    clip = Clip.objects.get(pk=done.clip_id)
    assert clip.removed_at and not clip.video and clip.status == Clip.Status.PROCESSING
    assert set(_stored_files()) <= before  # the transcode's files went too


def test_an_unexpected_error_is_retried_then_shown_with_a_retry(pair, clip_file, monkeypatch):
    done = upload(pair, pair.mentee.user, clip_file)

    def broken(*args, **kwargs):
        raise RuntimeError("disk vanished")

    monkeypatch.setattr(media, "transcode", broken)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            services.clip_process(clip_id=done.clip_id)
        assert Clip.objects.get(pk=done.clip_id).processing_started_at is None  # given back for the retry
    assert not services.clip_process(clip_id=done.clip_id)
    clip = Clip.objects.get(pk=done.clip_id)
    assert clip.status == Clip.Status.FAILED and "Retry" in clip.error and clip.attempts == 3


def test_a_clip_without_its_original_fails_instead_of_waiting_forever(pair, clip_file):
    done = upload(pair, pair.mentee.user, clip_file)
    Clip.objects.filter(pk=done.clip_id).update(original="")
    assert not services.clip_process(clip_id=done.clip_id)
    assert Clip.objects.get(pk=done.clip_id).status == Clip.Status.FAILED


def _stored_files():
    import os

    root = clip_storage().location
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files if "/uploads" not in d]
