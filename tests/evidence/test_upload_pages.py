"""The upload over HTTP, as upload.js and a browser without JavaScript send it; the player's file
answered in ranges; bad input of every kind answered with a clear reason and nothing half-stored."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import Clip, ClipUpload
from pac.models import AgeGroup
from tests.evidence.factories import ready_clip

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Block area",
        "recorded_on": "2026-11-30",
        "setting": "Preschool room",
        "age_group": AgeGroup.objects.order_by("order").first().pk,
        "consent_families": "on",
        "consent_educators": "on",
    }
    data.update(overrides)
    return data


def _start(client, pair, size, name="IMG_0001.MOV", **overrides):
    return client.post(
        reverse("evidence:clip_new", args=[pair.pk]),
        _form(filename=name, size=str(size), **overrides),
        HTTP_ACCEPT="application/json",
    )


def _piece(client, url, data, first, size):
    return client.generic(
        "POST",
        url,
        data,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {first}-{first + len(data) - 1}/{size}",
    )


def test_the_resumable_protocol_end_to_end(client, pair, clip_file):
    data = clip_file.read_bytes()
    client.force_login(pair.mentee.user)
    started = _start(client, pair, len(data))
    assert started.status_code == 201
    state = started.json()
    url = state["url"]
    assert state["received"] == 0 and state["size"] == len(data)
    half = len(data) // 2
    assert _piece(client, url, data[:half], 0, len(data)).json()["received"] == half
    # the same piece again (a double tap, a retry after a lost answer): 409 and where to resume
    again = _piece(client, url, data[:half], 0, len(data))
    assert again.status_code == 409 and again.json()["received"] == half
    # the page reloaded: ask where it stands
    assert client.get(url).json()["received"] == half
    last = _piece(client, url, data[half:], half, len(data))
    assert last.status_code == 200 and last.json()["clip_url"]
    clip = Clip.objects.get()
    assert last.json()["clip_url"] == reverse("evidence:clip", args=[clip.pk])
    # someone else cannot read or feed the upload
    client.force_login(pair.coach.user)
    assert client.get(url).status_code == 404


def test_a_piece_without_its_place_or_of_another_size_is_refused_clearly(client, pair, clip_file):
    client.force_login(pair.mentee.user)
    url = _start(client, pair, 5000).json()["url"]
    no_range = client.generic("POST", url, b"abc", content_type="application/octet-stream")
    assert no_range.status_code == 400 and "Content-Range" in no_range.json()["error"]
    wrong = client.generic(
        "POST", url, b"abc", content_type="application/octet-stream", HTTP_CONTENT_RANGE="bytes 0-2/9"
    )
    assert wrong.status_code == 400


def test_a_renamed_text_file_is_refused_with_the_reason(client, pair):
    client.force_login(pair.mentee.user)
    text = b"Lesson plan: circle time, then centres.\n" * 10
    url = _start(client, pair, len(text), name="lesson.mp4").json()["url"]
    refused = _piece(client, url, text, 0, len(text))
    assert refused.status_code == 422 and "not a video" in refused.json()["error"]
    assert not Clip.objects.exists()
    assert ClipUpload.objects.get().status == ClipUpload.Status.REFUSED


def test_form_errors_keep_what_was_typed(client, pair):
    client.force_login(pair.mentee.user)
    response = client.post(
        reverse("evidence:clip_new", args=[pair.pk]),
        _form(consent_educators="", title="Snack time", file=SimpleUploadedFile("a.mp4", b"")),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Snack time"' in page and "This field is required" in page
    as_json = _start(client, pair, 100, consent_families="")
    assert as_json.status_code == 400 and "consent_families" in as_json.json()["errors"]
    assert not ClipUpload.objects.exists()


def test_an_empty_file_and_a_caption_file_that_is_not_webvtt(client, pair):
    client.force_login(pair.mentee.user)
    empty = client.post(reverse("evidence:clip_new", args=[pair.pk]), _form(file=SimpleUploadedFile("a.mp4", b"")))
    assert empty.status_code == 400 and "empty" in empty.content.decode()
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nHello\n"
    bad = client.post(
        reverse("evidence:clip_new", args=[pair.pk]),
        _form(captions=SimpleUploadedFile("c.vtt", srt), filename="a.mp4", size="100"),
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and "WebVTT" in json.dumps(bad.json())
    assert not ClipUpload.objects.exists()


def test_without_javascript_the_whole_file_comes_in_the_form(client, pair, clip_file):
    client.force_login(pair.mentee.user)
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.500\nGood morning, friends!\n"
    response = client.post(
        reverse("evidence:clip_new", args=[pair.pk]),
        _form(file=SimpleUploadedFile("clip.mp4", clip_file.read_bytes()), captions=SimpleUploadedFile("c.vtt", vtt)),
    )
    clip = Clip.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evidence:clip", args=[clip.pk])
    assert "Good morning, friends!" in clip.captions
    captions = client.get(reverse("evidence:clip_captions", args=[clip.pk]))
    assert captions["Content-Type"].startswith("text/vtt")


def test_the_video_answers_ranges_for_seeking(client, pair, clip_file):
    clip = ready_clip(pair, path=clip_file)
    client.force_login(pair.coach.user)
    url = reverse("evidence:clip_video", args=[clip.pk])
    whole = client.get(url)
    body = b"".join(whole.streaming_content)
    size = len(body)
    assert (
        whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["Cache-Control"] == "private, no-store"
    )
    first = client.get(url, HTTP_RANGE="bytes=0-1")
    assert first.status_code == 206 and first["Content-Range"] == f"bytes 0-1/{size}"
    assert b"".join(first.streaming_content) == body[:2]
    middle = client.get(url, HTTP_RANGE="bytes=100-199")
    assert b"".join(middle.streaming_content) == body[100:200]
    open_ended = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert open_ended.status_code == 206 and b"".join(open_ended.streaming_content) == body[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"
    head = client.head(url)
    assert head.status_code == 200 and int(head["Content-Length"]) == size


def test_a_removed_or_unfinished_clips_video_is_a_404(client, pair, clip_file):
    from tests.evidence.factories import upload

    done = upload(pair, pair.mentee.user, clip_file)
    client.force_login(pair.mentee.user)
    assert client.get(reverse("evidence:clip_video", args=[done.clip_id])).status_code == 404
    page = client.get(reverse("evidence:clip", args=[done.clip_id]))
    assert "Preparing the clip for playback" in page.content.decode()
    status = client.get(reverse("evidence:clip", args=[done.clip_id]) + "?part=status", HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "<html" not in status.content.decode()


def test_the_coach_can_share_a_model_lesson_too_but_a_leader_cannot_upload(client, pair):
    client.force_login(pair.leader.user)
    assert client.get(reverse("evidence:clip_new", args=[pair.pk])).status_code == 403
    client.force_login(pair.coach.user)
    assert client.get(reverse("evidence:clip_new", args=[pair.pk])).status_code == 200


def test_cancelling_an_upload_removes_its_staging_file(client, pair, clip_file):
    from evidence import services

    client.force_login(pair.mentee.user)
    state = _start(client, pair, 5000).json()
    _piece(client, state["url"], clip_file.read_bytes()[:1000], 0, 5000)
    upload = ClipUpload.objects.get()
    assert services.staging_path(upload).stat().st_size == 1000
    page = client.get(reverse("evidence:clips", args=[pair.pk])).content.decode()
    assert "Uploads to finish" in page and "Carry on uploading" in page
    client.post(reverse("evidence:upload_cancel", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == ClipUpload.Status.ABANDONED and not services.staging_path(upload).exists()
