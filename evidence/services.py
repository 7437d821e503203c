"""Writes for video evidence: resumable uploads, processing, sharing, feedback, the video
observation, return for resubmission, the library, and the retention sweep.

Each step checks it is allowed, runs in a transaction and enqueues its work (a transcode, a
reminder's email) on commit. Processing runs on Celery; with no worker (the embedded default) it
runs in a background thread of the web process, never inside the request."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from coaching import services as coaching_services
from coaching.models import Goal, GoalNote, Meeting, Reminder
from evaluation.models import Dimension
from pac.documents.services import run_in_background
from pac.models import Tag, User
from pac.permissions import is_eec_staff
from pac.workflow import TransitionError
from pairings.models import Pair

from . import media
from .models import (
    CONSENT_TEXT,
    LIBRARY_CONSENT_TEXT,
    Clip,
    ClipUpload,
    Comment,
    PracticeRating,
    RetentionSettings,
    VideoObservation,
    clip_storage,
)
from .selectors import pair_dimensions

logger = logging.getLogger(__name__)

HEAD_BYTES = 64  # enough to recognise MP4, MOV and WebM by their first box or header
COPY_BLOCK = 1024 * 1024
ABANDONED_UPLOAD_DAYS = 7


class UploadOffsetError(TransitionError):
    """A chunk that does not start where the upload stands (a retry of a chunk already received, or
    one sent out of order): the client asks where to resume from and sends from there."""

    def __init__(self, received: int):
        super().__init__(f"The upload stands at byte {received}; send from there.")
        self.received = received


def _check_pair_member(pair: Pair, actor: User) -> str:
    if pair.status != Pair.Status.ACTIVE:
        raise TransitionError("This pair is not active; its clips can no longer change.")
    if pair.coach.user_id == actor.pk:
        return "coach"
    if pair.mentee.user_id == actor.pk:
        return "mentee"
    raise TransitionError("Only the pair's coach and mentee share clips.")


# --- uploads -------------------------------------------------------------------------------------


def staging_path(upload: ClipUpload) -> Path:
    return Path(settings.PAC_CLIP_UPLOAD_DIR) / f"upload-{upload.pk}.part"


@transaction.atomic
def upload_start(*, pair: Pair, actor: User, details: dict, filename: str, size: int) -> ClipUpload:
    """Begin an upload: the clip's details (already checked by the form, consent included) are
    kept with it, so a broken connection resumes without asking again."""
    _check_pair_member(pair, actor)
    if not details.get("consent"):
        raise TransitionError("Confirm the families' consent and the educators' agreement before sharing a clip.")
    if size <= 0:
        raise TransitionError("The file is empty (0 bytes). Choose the clip again.")
    try:
        media.check_limits(size=size)
    except media.ClipRefused as refused:
        raise TransitionError(refused.message) from refused
    upload = ClipUpload.objects.create(
        pair=pair,
        uploaded_by=actor,
        details={k: v for k, v in details.items() if k != "consent"},
        filename=os.path.basename(filename)[:200] or "clip",
        size=size,
        consent_confirmed_at=timezone.now(),
    )
    Path(settings.PAC_CLIP_UPLOAD_DIR).mkdir(parents=True, exist_ok=True)
    staging_path(upload).touch()
    return upload


def _refuse(upload: ClipUpload, reason: str) -> None:
    """Refuse an upload still open (never one another request has just completed)."""
    if ClipUpload.objects.filter(pk=upload.pk, status=ClipUpload.Status.OPEN).update(
        status=ClipUpload.Status.REFUSED, reason=reason[:500]
    ):
        staging_path(upload).unlink(missing_ok=True)
        upload.status, upload.reason = ClipUpload.Status.REFUSED, reason


def _spool(stream: BinaryIO, length: int, directory: str) -> str:
    """Copy a chunk from the request to a file of its own, a block at a time (never the whole
    chunk in memory), before the upload's row is locked: a slow phone holds no lock."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="chunk-", dir=directory)
    copied = 0
    with os.fdopen(fd, "wb") as out:
        while copied < length:
            block = stream.read(min(COPY_BLOCK, length - copied))
            if not block:
                break
            out.write(block)
            copied += len(block)
    if copied != length:
        os.unlink(path)
        raise TransitionError("The connection closed part way through a piece of the upload; it will be sent again.")
    return path


def upload_chunk(*, upload: ClipUpload, actor: User, offset: int, stream: BinaryIO, length: int) -> ClipUpload:
    """Append one chunk. The chunk must start where the upload stands (``UploadOffsetError``
    otherwise, with the resume point); the first is recognised as a video by its content. The last
    completes the upload (``upload_finish``)."""
    if upload.uploaded_by_id != actor.pk:
        raise TransitionError("Only the person who started this upload can continue it.")
    if upload.status != ClipUpload.Status.OPEN:
        raise TransitionError(upload.reason or "This upload is finished; start a new one.")
    if length <= 0 or offset < 0 or offset + length > upload.size:
        raise TransitionError("That piece of the upload does not fit the file's size; choose the clip again.")
    chunk = _spool(stream, length, settings.PAC_CLIP_UPLOAD_DIR)
    try:
        with transaction.atomic():
            upload = (
                ClipUpload.objects.select_for_update().select_related("pair__coach", "pair__mentee").get(pk=upload.pk)
            )
            if upload.status != ClipUpload.Status.OPEN:
                raise TransitionError(upload.reason or "This upload is finished; start a new one.")
            _check_pair_member(upload.pair, actor)  # the pair may have ended since the upload began
            if offset != upload.received:
                raise UploadOffsetError(upload.received)
            if offset == 0:
                with open(chunk, "rb") as head:
                    if media.sniff(head.read(HEAD_BYTES)) is None:
                        _refuse(upload, _NOT_A_VIDEO)
                        return upload
            path = staging_path(upload)
            with open(path, "r+b" if path.exists() else "wb") as out, open(chunk, "rb") as piece:
                out.truncate(upload.received)  # drop what a chunk that failed part way left behind
                out.seek(upload.received)
                shutil.copyfileobj(piece, out, COPY_BLOCK)
            upload.received += length
            ClipUpload.objects.filter(pk=upload.pk).update(received=upload.received, updated_at=timezone.now())
    finally:
        os.unlink(chunk)
    if upload.received == upload.size:
        upload_finish(upload=upload)
    return upload


_NOT_A_VIDEO = (
    "This file is not a video PAC can play: share an MP4, MOV (iPhone) or WebM clip. "
    "The file's name does not matter; its content does."
)


def upload_finish(*, upload: ClipUpload) -> Clip | None:
    """The last byte has arrived: the file must read as a video within the limits; then the clip
    is made, the file moved into clip storage and its processing enqueued, in one step. A refusal
    keeps its reason on the upload and removes the staging file: nothing is left half-stored.

    Safe to ask again (the last piece's answer was lost, or finishing failed half way): it runs under
    the upload's row lock, a finished upload gives its clip, and an upload whose bytes have all
    arrived can be finished by a later request (``upload_complete``)."""
    stored: str | None = None
    try:
        with transaction.atomic():
            locked = (
                ClipUpload.objects.select_for_update().select_related("pair__coach", "pair__mentee").get(pk=upload.pk)
            )
            if locked.clip_id:
                return locked.clip
            if locked.status != ClipUpload.Status.OPEN or locked.received != locked.size:
                return None
            try:
                _check_pair_member(locked.pair, locked.uploaded_by)
            except TransitionError as refused:
                _refuse(locked, refused.messages[0])
                return None
            path = staging_path(locked)
            try:
                with open(path, "rb") as head:
                    kind = media.sniff(head.read(HEAD_BYTES))
                if kind is None:
                    raise media.ClipRefused(_NOT_A_VIDEO, "not_video")
                media.check_limits(size=path.stat().st_size)
                probe = media.probe(path)
                media.check_limits(duration=probe.duration)
            except media.ClipRefused as refused:
                _refuse(locked, refused.message)
                upload.status, upload.reason = locked.status, locked.reason
                return None
            except OSError:
                logger.exception("Upload %s could not be read", upload.pk)
                _refuse(locked, "The upload could not be read back; please share the clip again.")
                upload.status, upload.reason = locked.status, locked.reason
                return None
            details = dict(locked.details)
            clip = Clip.objects.create(
                pair=locked.pair,
                uploaded_by=locked.uploaded_by,
                from_coach=locked.pair.coach.user_id == locked.uploaded_by_id,
                title=details["title"],
                recorded_on=datetime.date.fromisoformat(details["recorded_on"]),
                setting=details["setting"],
                age_group_id=details["age_group"],
                goal_id=details.get("goal"),
                captions=details.get("captions", ""),
                replaces_id=details.get("replaces"),
                consent_text=CONSENT_TEXT,
                consent_confirmed_by=locked.uploaded_by,
                consent_confirmed_at=locked.consent_confirmed_at,
                original_format=kind.label,
                size=locked.size,
                duration_seconds=probe.duration,
                stage="Waiting for a worker",
            )
            _store(clip, "original", path, f"original{kind.extension}")
            stored = clip.original.name
            clip.save(update_fields=["original"])
            locked.status, locked.clip = ClipUpload.Status.COMPLETE, clip
            locked.save(update_fields=["status", "clip", "updated_at"])
            if clip.replaces_id:  # the new clip answers the coach's request for one
                Clip.objects.filter(pk=clip.replaces_id).update(returned_at=None, return_reason="")
            transaction.on_commit(partial(clip_enqueue, clip.pk))
    except Exception:
        if stored:  # the clip was not made: its file must not be left in clip storage with no row
            clip_storage().delete(stored)
        raise
    upload.status, upload.clip = locked.status, clip
    return clip


def upload_complete(*, upload: ClipUpload, actor: User) -> ClipUpload:
    """Finish an upload whose bytes have all arrived (the client asks when the last piece's answer
    was lost or finishing failed): the same step as the last piece's."""
    if upload.uploaded_by_id != actor.pk:
        raise TransitionError("Only the person who started this upload can continue it.")
    upload_finish(upload=upload)
    upload.refresh_from_db()
    return upload


def _store(clip: Clip, field: str, path: Path, name: str) -> None:
    """Put a local file into clip storage under the field's name. On local disk the file is moved,
    not copied (a 2 GB clip is not written twice)."""
    storage = clip_storage()
    target = getattr(clip, field).field.generate_filename(clip, name)
    try:
        local = storage.path(target)
    except NotImplementedError:  # object storage: upload it
        with open(path, "rb") as handle:
            getattr(clip, field).name = storage.save(target, File(handle))
        path.unlink(missing_ok=True)
        return
    Path(local).parent.mkdir(parents=True, exist_ok=True)
    target = storage.get_available_name(target)
    shutil.move(str(path), storage.path(target))
    getattr(clip, field).name = target


def upload_abandon(*, upload: ClipUpload, actor: User) -> None:
    if upload.uploaded_by_id != actor.pk:
        raise TransitionError("Only the person who started this upload can cancel it.")
    if upload.status == ClipUpload.Status.OPEN:
        ClipUpload.objects.filter(pk=upload.pk).update(status=ClipUpload.Status.ABANDONED, reason="Cancelled.")
        staging_path(upload).unlink(missing_ok=True)


# --- processing ----------------------------------------------------------------------------------


def _process_in_thread(clip_id: int) -> None:
    clip_process(clip_id=clip_id)


def clip_enqueue(clip_id: int) -> None:
    """Hand the clip to a worker. If the broker is down the clip waits and the hourly sweep
    enqueues it again; the upload itself never fails because Redis is away."""
    from pac.celery import app

    from .tasks import clip_process_task

    if settings.PAC_DOCUMENT_JOBS_IN_THREAD and app.conf.task_always_eager:
        run_in_background("pac-clips", _process_in_thread, clip_id)
        return
    try:
        clip_process_task.delay(clip_id)
    except Exception:  # kombu raises several unrelated types when the broker is down
        logger.warning("Could not enqueue clip %s; the sweep will", clip_id, exc_info=True)


def _local_copy(field, directory: str) -> Path:
    """A path FFmpeg can read: the stored file itself on local disk, else a download of it."""
    storage = clip_storage()
    try:
        return Path(storage.path(field.name))
    except NotImplementedError:
        target = Path(directory) / Path(field.name).name
        with storage.open(field.name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, COPY_BLOCK)
        return target


def clip_progress(clip_id: int, percent: int, stage: str) -> None:
    Clip.objects.filter(pk=clip_id, status=Clip.Status.PROCESSING).update(
        progress=max(0, min(99, int(percent))), stage=stage[:200]
    )


MAX_PROCESS_ATTEMPTS = 3  # then the clip shows that it could not be prepared, with a Retry


def _fail(clip_id: int, lease: datetime.datetime, reason: str) -> None:
    """Mark the clip failed, if this worker still holds it (a slower first worker never undoes the
    work of the one that took over)."""
    Clip.objects.filter(pk=clip_id, status=Clip.Status.PROCESSING, processing_started_at=lease).update(
        status=Clip.Status.FAILED, error=reason[:600], stage="", processing_started_at=None
    )


def clip_process(*, clip_id: int) -> bool:
    """Transcode the original to a web-playable MP4 (H.264/AAC, fast start, at most 720p) and make
    its poster. Safe to run twice: a worker takes the clip with a lease (``processing_started_at``),
    and a clip already ready, or removed, is left alone. The original is deleted only after the new
    files are stored. An unexpected error is retried (Celery) up to ``MAX_PROCESS_ATTEMPTS`` times,
    then shown with a Retry."""
    lease = timezone.now()
    stale = lease - datetime.timedelta(seconds=settings.PAC_CLIP_TRANSCODE_TIMEOUT + 600)
    claimed = (
        Clip.objects.filter(pk=clip_id, status=Clip.Status.PROCESSING, removed_at__isnull=True)
        .filter(Q(processing_started_at__isnull=True) | Q(processing_started_at__lt=stale))
        .update(attempts=F("attempts") + 1, stage="Starting", progress=0, error="", processing_started_at=lease)
    )
    if not claimed:
        return False
    clip = Clip.objects.select_related("pair__coach", "pair__mentee").get(pk=clip_id)
    if not clip.original:
        _fail(clip_id, lease, "The original file is no longer stored; please share the clip again.")
        return False
    with tempfile.TemporaryDirectory(prefix="pac-clip-") as work:
        try:
            source = _local_copy(clip.original, work)
            probe = media.probe(source)
            clip_progress(clip_id, 1, "Preparing the video for playback")
            video = Path(work) / "video.mp4"
            media.transcode(
                source,
                video,
                duration=probe.duration,
                on_progress=lambda percent: clip_progress(clip_id, percent, "Preparing the video for playback"),
                timeout=settings.PAC_CLIP_TRANSCODE_TIMEOUT,
            )
            clip_progress(clip_id, 99, "Making the poster frame")
            poster = Path(work) / "poster.jpg"
            media.poster(video, poster, at=min(1.0, probe.duration / 2))
        except (media.TranscodeFailed, media.ClipRefused) as failed:
            _fail(clip_id, lease, getattr(failed, "reason", "") or getattr(failed, "message", "") or str(failed))
            return False
        except Exception:
            if clip.attempts >= MAX_PROCESS_ATTEMPTS:  # read after the claim: this attempt is counted
                logger.exception("Clip %s could not be prepared after %s attempts", clip_id, clip.attempts)
                _fail(clip_id, lease, "The clip could not be prepared (an unexpected error). Please press Retry.")
                return False
            # give the lease back so the task's retry (or the sweep) can take the clip again
            Clip.objects.filter(pk=clip_id, processing_started_at=lease).update(processing_started_at=None)
            raise
        _store(clip, "video", video, "video.mp4")
        _store(clip, "poster", poster, "poster.jpg")
    original = clip.original.name
    with transaction.atomic():
        # not if the retention sweep removed the clip meanwhile, nor if another worker took it over
        done = Clip.objects.filter(
            pk=clip_id, status=Clip.Status.PROCESSING, removed_at__isnull=True, processing_started_at=lease
        ).update(
            status=Clip.Status.READY,
            video=clip.video.name,
            poster=clip.poster.name,
            original="",
            progress=100,
            stage="",
            processed_at=timezone.now(),
            processing_started_at=None,
            duration_seconds=probe.duration,
        )
        if done:
            clip = Clip.objects.select_related("pair__coach", "pair__mentee", "pair__leader").get(pk=clip_id)
            _history(clip, "Prepared for playback")  # update() writes no history row
            _notify_shared(clip)
    storage = clip_storage()
    if done:
        storage.delete(original)
    else:  # the files just made belong to no clip: never leave them behind
        storage.delete(clip.video.name)
        storage.delete(clip.poster.name)
    return bool(done)


def _history(clip: Clip, reason: str) -> None:
    """Record the clip's current state in its history, with a reason."""
    clip._change_reason = reason
    clip.save(update_fields=["status"])


@transaction.atomic
def clip_retry(*, clip: Clip, actor: User) -> Clip:
    if not (clip.uploaded_by_id == actor.pk or clip.pair.coach.user_id == actor.pk or is_eec_staff(actor)):
        raise TransitionError("The person who shared the clip, the coach or EEC staff can retry it.")
    if clip.status != Clip.Status.FAILED:
        raise TransitionError("Only a clip that could not be prepared can be tried again.")
    if not clip.original:
        raise TransitionError("The original file is no longer stored; share the clip again.")
    clip.status, clip.error, clip.progress, clip.stage = Clip.Status.PROCESSING, "", 0, "Waiting for a worker"
    clip.processing_started_at = None
    clip._change_reason = "Retried"
    clip.save(update_fields=["status", "error", "progress", "stage", "processing_started_at"])
    transaction.on_commit(partial(clip_enqueue, clip.pk))
    return clip


# --- reminders -----------------------------------------------------------------------------------


def _clip_url(clip: Clip) -> str:
    return reverse("evidence:clip", args=[clip.pk])


def _notify_shared(clip: Clip) -> None:
    """The coach hears when the mentee's clip is ready to review (a coach's own clip tells the mentee)."""
    pair = clip.pair
    recipient, who = (pair.mentee, pair.coach) if clip.from_coach else (pair.coach, pair.mentee)
    coaching_services.reminder_record(
        key=f"clip:{clip.pk}:shared",
        stage=Reminder.Stage.CLIP_SHARED,
        recipient=recipient,
        pair=pair,
        message=f"{who.full_name} shared a video clip: {clip.title}",
        url=_clip_url(clip),
    )


def _notify_feedback(clip: Clip, what: str) -> None:
    """The mentee hears of new feedback once a day per clip, however many comments the coach adds."""
    pair = clip.pair
    coaching_services.reminder_record(
        key=f"clip:{clip.pk}:feedback:{timezone.localdate():%Y%m%d}",
        stage=Reminder.Stage.CLIP_FEEDBACK,
        recipient=pair.mentee,
        pair=pair,
        message=f"{pair.coach.full_name} {what} on your clip: {clip.title}",
        url=_clip_url(clip),
    )


def _feedback_given(clip: Clip, what: str) -> None:
    now = timezone.now()
    Clip.objects.filter(pk=clip.pk, first_feedback_at__isnull=True).update(first_feedback_at=now)
    Clip.objects.filter(pk=clip.pk).update(last_feedback_at=now)
    if not clip.from_coach:
        _notify_feedback(clip, what)


# --- sharing -------------------------------------------------------------------------------------


@transaction.atomic
def clip_share(*, clip: Clip, actor: User, leader: bool | None = None, eec: bool | None = None) -> Clip:
    """The mentee (or the uploader) shares the clip with their leader or with EEC, or stops sharing."""
    if clip.pair.status != Pair.Status.ACTIVE:
        raise TransitionError("This pair is not active; its clips can no longer change.")
    if not (clip.pair.mentee.user_id == actor.pk or clip.uploaded_by_id == actor.pk):
        raise TransitionError("The mentee decides who else sees their clip.")
    locked = Clip.objects.select_for_update().select_related("pair").get(pk=clip.pk)  # two taps at once
    now = timezone.now()
    changes, fields = [], []
    if leader is not None:
        if leader and not locked.pair.leader_id:
            raise TransitionError("This pair has no Program/Instructional Leader on record.")
        locked.shared_with_leader_at = now if leader else None
        changes.append("shared with the leader" if leader else "no longer shared with the leader")
        fields.append("shared_with_leader_at")
    if eec is not None:
        locked.shared_with_eec_at = now if eec else None
        changes.append("shared with EEC" if eec else "no longer shared with EEC")
        fields.append("shared_with_eec_at")
    locked._change_reason = "; ".join(changes).capitalize()
    locked.save(update_fields=fields)
    clip.shared_with_leader_at, clip.shared_with_eec_at = locked.shared_with_leader_at, locked.shared_with_eec_at
    return clip


# --- feedback ------------------------------------------------------------------------------------


DOUBLE_SEND_SECONDS = 30


def _same_comment_just_sent(
    clip: Clip, actor: User, text: str, parent: Comment | None, is_private: bool
) -> Comment | None:
    """A double tap, or the form sent again after a lost answer, sends the same words twice: the
    first comment stands and the second is the same one."""
    return (
        Comment.objects.filter(
            clip=clip,
            author=actor,
            parent=parent,
            text=text,
            is_private=is_private and parent is None,
            withdrawn_at__isnull=True,
            created_at__gte=timezone.now() - datetime.timedelta(seconds=DOUBLE_SEND_SECONDS),
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def comment_add(
    *,
    clip: Clip,
    actor: User,
    text: str,
    at_ms: int = 0,
    kind: str = Comment.Kind.NOTE,
    dimension: Dimension | None = None,
    goal: Goal | None = None,
    is_private: bool = False,
    parent: Comment | None = None,
) -> Comment:
    """A time-stamped comment (the coach), a reply in a comment's thread (coach or mentee), or a
    private note (anyone who sees the clip; only its author ever sees it)."""
    text = text.strip()
    if not text:
        raise TransitionError("Write the comment before saving it.")
    pair = clip.pair
    is_coach, is_mentee = pair.coach.user_id == actor.pk, pair.mentee.user_id == actor.pk
    twin = _same_comment_just_sent(clip, actor, text, parent, is_private)
    if twin is not None:
        return twin
    if clip.is_removed:
        raise TransitionError("This clip's video was removed under the retention rule; it takes no new comments.")
    if parent is not None:
        if parent.clip_id != clip.pk or parent.parent_id or parent.is_private or parent.withdrawn_at:
            raise TransitionError("That comment cannot be replied to.")
        if not (is_coach or is_mentee) or pair.status != Pair.Status.ACTIVE:
            raise TransitionError("The coach and the mentee reply to comments while the pair is active.")
        comment = Comment.objects.create(
            clip=clip, author=actor, parent=parent, at_ms=parent.at_ms, kind=Comment.Kind.NOTE, text=text
        )
        if is_coach:
            _feedback_given(clip, "replied")
        return comment
    if duration := clip.duration_seconds:
        at_ms = min(max(0, int(at_ms)), int(duration * 1000))
    if is_private:
        return Comment.objects.create(clip=clip, author=actor, at_ms=at_ms, text=text, is_private=True, kind=kind)
    if not is_coach or pair.status != Pair.Status.ACTIVE:
        raise TransitionError(
            "The pair's coach gives feedback on a clip; you can reply to a comment or keep a private note."
        )
    if dimension is not None and dimension.pk not in {d.pk for d in pair_dimensions(pair)}:
        raise TransitionError("Choose a CLASS dimension of the pair's own CLASS tool.")
    if goal is not None and goal.pair_id != pair.pk:
        raise TransitionError("Choose one of the pair's own goals.")
    comment = Comment.objects.create(
        clip=clip, author=actor, at_ms=at_ms, kind=kind, text=text, dimension=dimension, goal=goal
    )
    _feedback_given(clip, "commented")
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, actor: User) -> Comment:
    """Its author takes a comment back: it stays on record (and in history) but is no longer shown."""
    if comment.author_id != actor.pk:
        raise TransitionError("Only the comment's author can withdraw it.")
    if comment.withdrawn_at is None:
        comment.withdrawn_at = timezone.now()
        comment._change_reason = "Withdrawn by its author"
        comment.save()
    return comment


@transaction.atomic
def observation_save(
    *, clip: Clip, actor: User, summary: str, next_steps: str = "", ratings: dict[int, int] | None = None
) -> VideoObservation:
    """The coach's video observation of a clip: practice ratings 1–7 on the dimensions seen (those
    left blank are not rated), a summary and next steps. Saving again corrects it (history keeps
    each version)."""
    pair = clip.pair
    if pair.coach.user_id != actor.pk or pair.status != Pair.Status.ACTIVE:
        raise TransitionError("The pair's coach completes the video observation while the pair is active.")
    if not summary.strip():
        raise TransitionError("Write a summary of what the clip shows.")
    allowed = {d.pk for d in pair_dimensions(pair)}
    ratings = {int(k): int(v) for k, v in (ratings or {}).items() if v not in (None, "")}
    if set(ratings) - allowed:
        raise TransitionError("Rate only the dimensions of the pair's own CLASS tool.")
    if any(not 1 <= value <= 7 for value in ratings.values()):
        raise TransitionError("A practice rating is a whole number from 1 to 7.")
    Clip.objects.select_for_update().filter(pk=clip.pk).first()  # two saves at once: one after the other
    observation, created = VideoObservation.objects.get_or_create(
        clip=clip, defaults={"coach": actor, "summary": summary.strip(), "next_steps": next_steps.strip()}
    )
    if not created:
        observation.summary, observation.next_steps = summary.strip(), next_steps.strip()
        observation.save()
    existing = {r.dimension_id: r for r in observation.ratings.all()}
    for dimension_id, value in ratings.items():
        if dimension_id in existing:
            if existing[dimension_id].rating != value:
                existing[dimension_id].rating = value
                existing[dimension_id].save()
        else:
            PracticeRating.objects.create(observation=observation, dimension_id=dimension_id, rating=value)
    for dimension_id, rating in existing.items():
        if dimension_id not in ratings:
            rating.delete()  # a rating unset before the mentee acts on it; history keeps it
    _feedback_given(clip, "completed a video observation")
    return observation


@transaction.atomic
def observation_log_meeting(
    *,
    observation: VideoObservation,
    actor: User,
    held_on: datetime.date,
    duration_minutes: int,
    duration_reason: str = "",
) -> Meeting:
    """Log the review as a coaching meeting of modality "video clip review", linked to the clip."""
    observation = VideoObservation.objects.select_for_update().select_related("clip__pair").get(pk=observation.pk)
    if observation.meeting_id:  # a double submit waits for the first and finds it logged
        raise TransitionError("This review is already logged as a meeting.")
    clip = observation.clip
    meeting = coaching_services.meeting_log(
        pair=clip.pair,
        actor=actor,
        held_on=held_on,
        duration_minutes=duration_minutes,
        modality=Meeting.Modality.CLIP_REVIEW,
        purpose=Meeting.Purpose.FOLLOW_UP,
        # the workspace shows meetings to the leader and staff, who may not see the clip: no title, no summary
        notes="Video clip review (the clip and its feedback are on the clip's page).",
        next_steps=observation.next_steps,
        duration_reason=duration_reason,
    )
    observation.meeting = meeting
    observation._change_reason = "Logged as a meeting"
    observation.save()
    return meeting


def _feedback_source(clip: Clip, comment: Comment | None) -> str:
    """Where a goal or a note came from, without the clip's title (goals are read by the leader and
    staff, who may not see the clip)."""
    where = f", at {comment.timecode}" if comment else ""
    return f"From the feedback on a video clip recorded {clip.recorded_on:%b %-d, %Y}{where}"


def goal_from_feedback(
    *, clip: Clip, actor: User, title: str, area: Tag, comment: Comment | None = None, strategies: str = ""
) -> Goal:
    """A goal set from the observation or from a comment (coaching's own rules apply)."""
    if clip.pair.coach.user_id != actor.pk:
        raise TransitionError("The coach sets a goal from the clip's feedback.")
    note = _feedback_source(clip, comment)
    body = f"{strategies.strip()}\n\n{note}." if strategies.strip() else f"{note}."
    return coaching_services.goal_save(pair=clip.pair, actor=actor, title=title.strip(), area=area, strategies=body)


def goal_note_from_feedback(
    *, clip: Clip, actor: User, goal: Goal, text: str, comment: Comment | None = None
) -> GoalNote:
    if clip.pair.coach.user_id != actor.pk:
        raise TransitionError("The coach adds a goal note from the clip's feedback.")
    if goal.pair_id != clip.pair_id:
        raise TransitionError("Choose one of the pair's own goals.")
    return coaching_services.goal_note_add(
        goal=goal, actor=actor, text=f"{text.strip()}\n\n{_feedback_source(clip, comment)}."
    )


@transaction.atomic
def clip_return(*, clip: Clip, actor: User, reason: str) -> Clip:
    """The coach asks for a new clip, with the reason; the mentee sees it in My work until they
    share one that replaces it."""
    if clip.pair.coach.user_id != actor.pk or clip.pair.status != Pair.Status.ACTIVE:
        raise TransitionError("The pair's coach asks for a new clip while the pair is active.")
    if clip.from_coach:
        raise TransitionError("This is the coach's own clip.")
    if not reason.strip():
        raise TransitionError("Say why a new clip is needed.")
    clip.returned_at, clip.returned_by, clip.return_reason = timezone.now(), actor, reason.strip()[:500]
    clip._change_reason = "New clip requested"
    clip.save(update_fields=["returned_at", "returned_by", "return_reason"])
    coaching_services.reminder_record(
        key=f"clip:{clip.pk}:returned:{clip.returned_at:%Y%m%d%H%M%S}",
        stage=Reminder.Stage.CLIP_RETURNED,
        recipient=clip.pair.mentee,
        pair=clip.pair,
        message=f"{clip.pair.coach.full_name} asks for a new clip instead of “{clip.title}”",
        url=_clip_url(clip),
    )
    return clip


# --- the exemplar library ------------------------------------------------------------------------

LIBRARY_FIELDS = ["library_consent_text", "library_consent_at", "library_consent_by", "library_withdrawn_at"]


@transaction.atomic
def library_consent(*, clip: Clip, actor: User, consent: bool) -> Clip:
    """The educator shown gives, or withdraws, consent to wider sharing. Withdrawing takes the clip
    out of the library at once."""
    if clip.uploaded_by_id != actor.pk:
        raise TransitionError("Only the educator who shared the clip can decide on the library.")
    now = timezone.now()
    if consent:
        if clip.is_removed:
            raise TransitionError("This clip's video was removed under the retention rule.")
        clip.library_consent_text, clip.library_consent_at, clip.library_consent_by = LIBRARY_CONSENT_TEXT, now, actor
        clip.library_withdrawn_at = None
        clip._change_reason = "Consent to the library given"
    else:
        if not clip.has_library_consent:
            return clip
        clip.library_withdrawn_at = now
        clip.library_promoted_at, clip.library_promoted_by = None, None
        clip._change_reason = "Consent to the library withdrawn: removed from the library"
    # only what this step changes: a clip read before feedback was given keeps its feedback times
    clip.save(update_fields=[*LIBRARY_FIELDS, "library_promoted_at", "library_promoted_by"])
    return clip


@transaction.atomic
def library_promote(*, clip: Clip, actor: User, dimensions: list[Dimension]) -> Clip:
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff choose the library's clips.")
    if not clip.has_library_consent:
        raise TransitionError("The educator has not consented to sharing this clip in the library.")
    if not clip.is_playable:
        raise TransitionError("Only a clip ready for playback can go in the library.")
    if not dimensions:
        raise TransitionError("Tag the clip with at least one CLASS dimension.")
    clip.library_promoted_at, clip.library_promoted_by = timezone.now(), actor
    clip._change_reason = "Promoted to the library"
    clip.save(update_fields=["library_promoted_at", "library_promoted_by"])
    clip.library_dimensions.set(dimensions)
    return clip


@transaction.atomic
def library_remove(*, clip: Clip, actor: User) -> Clip:
    if not is_eec_staff(actor):
        raise TransitionError("EEC staff choose the library's clips.")
    clip.library_promoted_at, clip.library_promoted_by = None, None
    clip._change_reason = "Removed from the library by EEC staff"
    clip.save(update_fields=["library_promoted_at", "library_promoted_by"])
    return clip


# --- the sweep: retention, abandoned uploads, clips waiting for a worker ----------------------------


def evidence_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Hourly (beat). Removes the video and poster of clips whose pair ended more than the retention
    days ago (the record stays, marked, with the removal in its history), the staging files of
    uploads untouched for a week, and re-enqueues clips that have waited an hour for a worker."""
    now = now or timezone.now()
    days = RetentionSettings.current().days_after_pair_ends
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    removed = 0
    expired = Clip.objects.filter(removed_at__isnull=True, pair__ended_on__isnull=False, pair__ended_on__lte=cutoff)
    for clip_id in expired.values_list("pk", flat=True).iterator():
        removed += clip_remove_files(clip_id=clip_id, reason=f"Video removed under the retention rule ({days} days)")
    stale = ClipUpload.objects.filter(
        status=ClipUpload.Status.OPEN, updated_at__lt=now - datetime.timedelta(days=ABANDONED_UPLOAD_DAYS)
    )
    abandoned = 0
    for upload in stale:
        staging_path(upload).unlink(missing_ok=True)
        abandoned += ClipUpload.objects.filter(pk=upload.pk, status=ClipUpload.Status.OPEN).update(
            status=ClipUpload.Status.ABANDONED, reason="Not finished within a week; share the clip again."
        )
    stale = now - datetime.timedelta(seconds=settings.PAC_CLIP_TRANSCODE_TIMEOUT + 600)
    waiting = Clip.objects.filter(status=Clip.Status.PROCESSING, removed_at__isnull=True).filter(
        Q(processing_started_at__isnull=True, created_at__lt=now - datetime.timedelta(hours=1))
        | Q(processing_started_at__lt=stale)
    )
    requeued = 0
    for clip_id in waiting.values_list("pk", flat=True):
        clip_enqueue(clip_id)
        requeued += 1
    return {"removed": removed, "abandoned": abandoned, "requeued": requeued}


def clip_remove_files(*, clip_id: int, reason: str) -> int:
    """Delete a clip's files (the one place PAC deletes a file on purpose) and mark the clip; the
    row, its comments and ratings stay. The files go first, under the row's lock, and the mark is
    written only when every one is gone: a file that cannot be deleted now (storage briefly away)
    leaves the clip unmarked, so the next sweep tries again; a crash between the two leaves a clip
    whose video answers 404 until the next sweep marks it, never a file nobody will delete."""
    with transaction.atomic():
        clip = Clip.objects.select_for_update().filter(pk=clip_id, removed_at__isnull=True).first()
        if clip is None:
            return 0
        storage = clip_storage()
        for name in [f.name for f in (clip.original, clip.video, clip.poster) if f]:
            try:
                storage.delete(name)
            except OSError:
                logger.warning(
                    "Could not delete %s of clip %s; the next sweep tries again", name, clip_id, exc_info=True
                )
                return 0
        clip.removed_at = timezone.now()
        clip.original = clip.video = clip.poster = ""
        clip.captions = ""  # the children's words, with the video
        clip.library_promoted_at = None
        clip.processing_started_at = None
        clip._change_reason = reason
        clip.save(
            update_fields=[
                "removed_at",
                "original",
                "video",
                "poster",
                "captions",
                "library_promoted_at",
                "processing_started_at",
            ]
        )
    return 1
