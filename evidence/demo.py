"""Demo video evidence: a few of this year's pairs share classroom clips through the real upload
and processing path, with the coach's time-stamped feedback, replies, a private note, two video
observations (one logged as a meeting), a clip returned for a new recording, one still waiting for
feedback after more than a week, clips shared with the leader and with EEC, and one clip in the
exemplar library.

The video is made here, at seed time, by the bundled FFmpeg (colour bars and a tone), once; the
same bytes are uploaded for every clip, then processed directly so the demo needs no worker.
"""

from __future__ import annotations

import datetime
import io
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
from django.utils import timezone

from coaching.models import Goal
from evaluation.models import Dimension
from pac.demo import DemoContext
from pac.models import AgeGroup, User
from pairings.models import Kind, Pair

from . import media, services
from .models import Clip, ClipUpload, Comment, VideoObservation
from .selectors import pair_dimensions

# long enough for comments at several times. Still colour bars rather than a moving pattern: each
# clip's processing (the real transcode) takes about a third less, and the demo makes eight clips.
SECONDS = 6
CHUNKS = 2  # sent in pieces, as the browser does

STRENGTH, GROWTH, QUESTION, NOTE = Comment.Kind.STRENGTH, Comment.Kind.GROWTH, Comment.Kind.QUESTION, Comment.Kind.NOTE

CAPTIONS = """WEBVTT

00:00.000 --> 00:02.500
Good morning, friends! Let's sing our hello song.

00:02.500 --> 00:05.000
Who is here today? Let's look around the circle.

00:05.000 --> 00:06.000
Maya, can you tell us how you are feeling this morning?
"""


def make_demo_video(directory: Path) -> bytes:
    """An H.264/AAC MP4 of SMPTE colour bars and a 440 Hz tone, SECONDS long (a fraction of a second to make)."""
    path = Path(directory) / "classroom.mp4"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-f", "lavfi", "-i", "smptebars=size=640x360:rate=25"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"),
        *("-t", str(SECONDS)),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", "64k", "-ac", "2", "-movflags", "+faststart"),
        *("-f", "mp4", str(path)),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603
    return path.read_bytes()


@dataclass
class DemoPair:
    pair: Pair
    coach: User
    mentee: User
    dimensions: list[Dimension]
    goals: list[Goal] = field(default_factory=list)

    def dims(self, *codes: str) -> list[Dimension]:
        """The pair's own dimensions with these codes, in this order (missing ones skipped)."""
        found = []
        for code in codes:
            match = next((d for d in self.dimensions if d.code == code and d not in found), None)
            if match is not None:
                found.append(match)
        return found

    def dim(self, *codes: str) -> Dimension | None:
        """The first of these codes the pair's tool has (else its first dimension)."""
        found = self.dims(*codes)
        return found[0] if found else (self.dimensions[0] if self.dimensions else None)

    def goal(self, index: int = 0) -> Goal | None:
        return self.goals[index % len(self.goals)] if self.goals else None


def _pick_pairs(ctx: DemoContext) -> tuple[list[Pair], Pair | None]:
    """About four active CT–Mentee pairs (mentee1's with ct1 first, if it exists) and one CA–MA pair
    (ma1's, if it exists); pairs already scheduled to end are left out."""
    active = (
        Pair.objects.filter(program_year=ctx.program_year, status=Pair.Status.ACTIVE, end_scheduled_on__isnull=True)
        .filter(coach__user__isnull=False, mentee__user__isnull=False)
        .select_related("coach__user", "mentee__user", "mentee__program", "leader")
        .order_by("pk")
    )
    first = ctx.email("mentee1")
    ct_pairs = sorted(active.filter(kind=Kind.CT_MENTEE)[:12], key=lambda p: p.mentee.email != first)[:4]
    ma_pairs = sorted(active.filter(kind=Kind.CA_MA)[:6], key=lambda p: p.mentee.email != ctx.email("ma1"))
    return ct_pairs, (ma_pairs[0] if ma_pairs else None)


def _demo_pair(pair: Pair) -> DemoPair:
    return DemoPair(
        pair=pair,
        coach=pair.coach.user,
        mentee=pair.mentee.user,
        dimensions=pair_dimensions(pair),
        goals=list(Goal.objects.filter(pair=pair).order_by("pk")),
    )


class Uploader:
    """Uploads the one demo video for each clip, as a person would: in pieces, then processed."""

    def __init__(self, video: bytes, today: datetime.date):
        self.video = video
        self.today = today
        self.ages = {a.code: a.pk for a in AgeGroup.objects.order_by("order")}

    def age_group(self, pair: Pair, *codes: str) -> int:
        """The first of these age groups the mentee's program serves (else the program's youngest)."""
        program = pair.mentee.program
        served = set(program.age_groups.values_list("code", flat=True)) if program else set()
        for code in codes:
            if code in self.ages and (code in served or not served):
                return self.ages[code]
        return next((pk for code, pk in self.ages.items() if code in served), next(iter(self.ages.values())))

    def share(
        self,
        dp: DemoPair,
        *,
        by: User,
        title: str,
        setting: str,
        ages: tuple[str, ...],
        days_ago: int,
        goal: Goal | None = None,
        captions: str = "",
    ) -> Clip:
        pair = dp.pair
        recorded_on = max(pair.started_on or self.today, self.today - datetime.timedelta(days=days_ago))
        details = {
            "title": title,
            "recorded_on": recorded_on.isoformat(),
            "setting": setting,
            "age_group": self.age_group(pair, *ages),
            "goal": goal.pk if goal else None,
            "captions": media.check_webvtt(captions.encode()) if captions else "",
            "replaces": None,
            "consent": True,
        }
        filename = f"{title.split(':')[0].lower().replace(' ', '-')}.mp4"
        upload = services.upload_start(pair=pair, actor=by, details=details, filename=filename, size=len(self.video))
        step = -(-len(self.video) // CHUNKS)
        for offset in range(0, len(self.video), step):
            piece = self.video[offset : offset + step]
            upload = services.upload_chunk(
                upload=upload, actor=by, offset=offset, stream=io.BytesIO(piece), length=len(piece)
            )
        if upload.status != ClipUpload.Status.COMPLETE or not upload.clip_id:
            raise RuntimeError(f"The demo clip {title!r} was not accepted: {upload.reason}")
        services.clip_process(clip_id=upload.clip_id)
        clip = Clip.objects.select_related("pair__coach", "pair__mentee", "pair__leader").get(pk=upload.clip_id)
        if clip.status != Clip.Status.READY:
            raise RuntimeError(f"The demo clip {title!r} could not be prepared: {clip.error}")
        return clip


def _comment(clip: Clip, dp: DemoPair, at: float, kind: str, text: str, *codes: str, goal: Goal | None = None):
    return services.comment_add(
        clip=clip,
        actor=dp.coach,
        at_ms=int(at * 1000),
        kind=kind,
        text=text,
        dimension=dp.dim(*codes) if codes else None,
        goal=goal,
    )


def _ratings(dp: DemoPair, values: dict[str, int]) -> dict[int, int]:
    by_code = {d.code: d for d in reversed(dp.dimensions)}  # the first dimension of a code wins
    return {by_code[code].pk: value for code, value in values.items() if code in by_code}


def _date_back(clip: Clip, *, shared_days_ago: float, feedback_after_days: float | None = None) -> None:
    """Dates the clip (and its upload) as shared some days ago and, if the coach answered, its feedback
    some days after that: the services stamp everything with now, and the demo needs a history."""
    now = timezone.now()
    shared = max(
        now - datetime.timedelta(days=shared_days_ago),
        timezone.make_aware(datetime.datetime.combine(clip.recorded_on, datetime.time(16))),
    )
    shared = min(shared, now)
    Clip.objects.filter(pk=clip.pk).update(created_at=shared, consent_confirmed_at=shared, processed_at=shared)
    Clip.objects.filter(pk=clip.pk, shared_with_leader_at__isnull=False).update(shared_with_leader_at=shared)
    Clip.objects.filter(pk=clip.pk, shared_with_eec_at__isnull=False).update(shared_with_eec_at=shared)
    ClipUpload.objects.filter(clip=clip).update(created_at=shared, consent_confirmed_at=shared)
    if feedback_after_days is None:
        return
    feedback = min(shared + datetime.timedelta(days=feedback_after_days), now)
    Clip.objects.filter(pk=clip.pk, first_feedback_at__isnull=False).update(
        first_feedback_at=feedback, last_feedback_at=feedback
    )
    Comment.objects.filter(clip=clip, parent__isnull=True).update(created_at=feedback)
    VideoObservation.objects.filter(clip=clip).update(completed_at=feedback)
    later = min(feedback + datetime.timedelta(days=1), now)
    Comment.objects.filter(clip=clip, parent__isnull=False).update(created_at=later)


def seed(ctx: DemoContext) -> None:
    if ctx.program_year is None or Clip.objects.filter(pair__program_year=ctx.program_year).exists():
        return
    ct_pairs, ma_pair = _pick_pairs(ctx)
    if not ct_pairs:
        return
    today = timezone.localdate()
    staff = ctx.people["staff"][0].user if ctx.people.get("staff") else User.objects.get(email=ctx.email("staff"))
    with tempfile.TemporaryDirectory(prefix="pac-demo-clip-") as work:
        video = make_demo_video(Path(work))
    uploader = Uploader(video, today)
    chosen = [*ct_pairs, *([ma_pair] if ma_pair else [])]
    fresh = Pair.objects.select_related("coach__user", "mentee__user", "mentee__program", "leader").in_bulk(
        [p.pk for p in chosen]
    )
    pairs = [_demo_pair(fresh[p.pk]) for p in ct_pairs]
    _seed_first_pair(uploader, pairs[0], today)
    if len(pairs) > 1:
        _seed_library_pair(uploader, pairs[1], staff)
    if len(pairs) > 2:
        _seed_blocks_clip(uploader, pairs[2])
    if len(pairs) > 3:
        _seed_eec_clip(uploader, pairs[3])
    if ma_pair is not None:
        _seed_ma_clip(uploader, _demo_pair(fresh[ma_pair.pk]))


def _seed_first_pair(uploader: Uploader, dp: DemoPair, today: datetime.date) -> None:
    """mentee1 and ct1: a captioned morning meeting with a full conversation, a video observation
    logged as a meeting and shared with the leader; a clip waiting nine days for feedback; one the
    coach asked to be recorded again; ct1's model lesson."""
    clip = uploader.share(
        dp,
        by=dp.mentee,
        title="Morning meeting: hello song and feelings check-in",
        setting="Family child care, whole group on the rug",
        ages=("toddler", "preschool"),
        days_ago=24,
        goal=dp.goal(1),
        captions=CAPTIONS,
    )
    if dp.pair.leader_id:  # shared as it was uploaded (clip_share saves the whole clip: before the feedback)
        clip = services.clip_share(clip=clip, actor=dp.mentee, leader=True)
    _comment(
        clip,
        dp,
        0.8,
        STRENGTH,
        "Warm greeting: you got down at the children's eye level and smiled at each child.",
        "PC",
        "RC",
    )
    _comment(
        clip,
        dp,
        2.6,
        GROWTH,
        "Here is a chance to extend Leo's answer: repeat it back and add a describing word.",
        "LM",
        "ELS",
        goal=dp.goal(1),
    )
    question = _comment(
        clip, dp, 4.2, QUESTION, "What did you notice about the children at the back of the circle here?", "TS"
    )
    note = _comment(
        clip,
        dp,
        5.2,
        NOTE,
        "Open-ended question at 0:05 — this is exactly the move from our goal.",
        "QF",
        "FE",
        goal=dp.goal(0),
    )
    services.comment_add(
        clip=clip,
        actor=dp.mentee,
        text="Two of them were still putting their shoes away; I could have waited for them before starting.",
        parent=question,
    )
    services.comment_add(
        clip=clip,
        actor=dp.coach,
        text="Yes, a short wait would bring everyone in. Let's try it this week.",
        parent=question,
    )
    services.comment_add(clip=clip, actor=dp.mentee, text="Thank you! I'll keep asking these.", parent=note)
    services.comment_add(
        clip=clip,
        actor=dp.mentee,
        at_ms=2600,
        text="Remember to use Leo's words back to him tomorrow.",
        is_private=True,
    )
    observation = services.observation_save(
        clip=clip,
        actor=dp.coach,
        summary=(
            "A warm, predictable morning meeting: children know the song and join in. Questions were mostly "
            "yes/no; the one open-ended question drew the longest answers."
        ),
        next_steps="Plan two open-ended questions for tomorrow's meeting and repeat children's answers back.",
        ratings=_ratings(dp, {"PC": 6, "RC": 6, "TS": 5, "QF": 3, "FE": 4, "LM": 3, "ELS": 3}),
    )
    held_on = max(dp.pair.started_on or today, today - datetime.timedelta(days=20))
    services.observation_log_meeting(
        observation=observation, actor=dp.coach, held_on=min(held_on, today), duration_minutes=60
    )
    _date_back(clip, shared_days_ago=23, feedback_after_days=2)

    waiting = uploader.share(
        dp,
        by=dp.mentee,
        title="Transition to outdoor play",
        setting="Family child care, hallway and cubbies",
        ages=("toddler", "preschool"),
        days_ago=10,
        goal=dp.goal(0),
    )
    _date_back(waiting, shared_days_ago=9)

    returned = uploader.share(
        dp,
        by=dp.mentee,
        title="Clean-up time",
        setting="Family child care, play room",
        ages=("toddler", "preschool"),
        days_ago=8,
    )
    services.clip_return(
        clip=returned,
        actor=dp.coach,
        reason="The camera faced the window, so the children are hard to see and the sound is faint. "
        "Could you record clean-up again from the block shelf, closer to the children?",
    )
    _date_back(returned, shared_days_ago=5)  # returned, so not among those waiting

    lesson = uploader.share(
        dp,
        by=dp.coach,
        title="Model lesson: open-ended questions at the art table",
        setting="Family child care, art table with four children",
        ages=("toddler", "preschool"),
        days_ago=15,
        goal=dp.goal(0),
    )
    _comment(
        lesson,
        dp,
        3.0,
        NOTE,
        "Watch how I wait after asking — about five seconds — before saying anything else.",
        "CD",
        "FLD",
        goal=dp.goal(0),
    )
    _date_back(lesson, shared_days_ago=14, feedback_after_days=0)


def _seed_library_pair(uploader: Uploader, dp: DemoPair, staff: User) -> None:
    """A read-aloud with a second video observation; its educator agrees to the library and EEC staff
    promote it, tagged with two dimensions."""
    clip = uploader.share(
        dp,
        by=dp.mentee,
        title="Small-group read-aloud: The Snowy Day",
        setting="Preschool classroom, reading corner with five children",
        ages=("preschool",),
        days_ago=18,
        goal=dp.goal(0),
    )
    _comment(clip, dp, 1.5, STRENGTH, "Lovely prediction question before turning the page.", "CD", goal=dp.goal(0))
    _comment(clip, dp, 3.5, STRENGTH, "You named the feeling ('you look surprised!') — rich language modeling.", "LM")
    _comment(clip, dp, 4.4, GROWTH, "Ama tried to join in here; invite her to point at the picture.", "RSP", "TS")
    question = _comment(
        clip, dp, 5.4, QUESTION, "How might you link the story to the snow outside tomorrow?", "CD", "ILF"
    )
    services.comment_add(
        clip=clip,
        actor=dp.mentee,
        text="We could bring some snow inside in a tub and draw our footprints.",
        parent=question,
    )
    services.observation_save(
        clip=clip,
        actor=dp.coach,
        summary="Engaged small group; questions invite thinking and children's ideas shape the reading.",
        next_steps="Add one 'why do you think...' question per book; connect to outdoor play.",
        ratings=_ratings(dp, {"CD": 5, "LM": 6, "RSP": 4, "ILF": 5}),
    )
    _date_back(clip, shared_days_ago=17, feedback_after_days=3)
    clip.refresh_from_db()
    services.library_consent(clip=clip, actor=dp.mentee, consent=True)
    services.library_promote(
        clip=clip, actor=staff, dimensions=dp.dims("CD", "LM", "QF", "PC")[:2] or dp.dimensions[:2]
    )


def _seed_blocks_clip(uploader: Uploader, dp: DemoPair) -> None:
    """A block-area clip with the coach's feedback."""
    blocks = uploader.share(
        dp,
        by=dp.mentee,
        title="Block area: building a bridge",
        setting="Preschool classroom, block area with three children",
        ages=("preschool",),
        days_ago=12,
        goal=dp.goal(0),
    )
    _comment(blocks, dp, 2.0, STRENGTH, "You let them test their own idea first.", "RSP", "CD")
    _comment(blocks, dp, 5.5, GROWTH, "Ask what would make the bridge stronger.", "CD", goal=dp.goal(0))
    _date_back(blocks, shared_days_ago=11, feedback_after_days=4)


def _seed_eec_clip(uploader: Uploader, dp: DemoPair) -> None:
    clip = uploader.share(
        dp,
        by=dp.mentee,
        title="Snack time conversation",
        setting="Head Start classroom, snack table",
        ages=("preschool",),
        days_ago=6,
    )
    clip = services.clip_share(clip=clip, actor=dp.mentee, eec=True)
    _comment(clip, dp, 1.0, STRENGTH, "Sitting with the children made this a real conversation.", "PC")
    _comment(clip, dp, 4.5, QUESTION, "What else could you ask about the apples?", "LM", "CD")
    _date_back(clip, shared_days_ago=5, feedback_after_days=1)


def _seed_ma_clip(uploader: Uploader, dp: DemoPair) -> None:
    """An MA's clip of a planning meeting with the educators of the room in their plan."""
    clip = uploader.share(
        dp,
        by=dp.mentee,
        title="Planning meeting with the after-school team",
        setting="Staff room, weekly planning meeting",
        ages=("school_age", "k3"),
        days_ago=9,
        goal=dp.goal(0),
    )
    _comment(
        clip,
        dp,
        2.0,
        STRENGTH,
        "You opened by asking the team what went well this week.",
        "PC",
        goal=dp.goal(0),
    )
    _comment(
        clip,
        dp,
        5.0,
        GROWTH,
        "Try closing with one concrete step each educator will try with the children.",
        "ILF",
    )
    _date_back(clip, shared_days_ago=8, feedback_after_days=2)
