"""Who sees a clip: its uploader, the pair's coach and mentee; the leader only once the mentee shares
it; EEC staff only once it is shared with EEC (or its educator consents to the library); the
year's coaches and PLC facilitators only while it is in the library. Nobody else: every view
reads clips through ``clips_visible_to``, so a clip of another pair is a 404.

Staff see counts and feedback turnaround for every pair (``evidence.selectors``) without the clips."""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from pac.models import ProgramYear
from pac.permissions import is_eec_staff, is_plc_facilitator
from pairings.models import Pair, person_of

from .models import Clip, Comment

HIDDEN_PAIRS = (Pair.Status.DISCARDED, Pair.Status.PROPOSED)


def _year_coach_or_facilitator(user) -> Q:
    """Library clips of the program years in which the user coaches a pair or facilitates a PLC."""
    if is_eec_staff(user):
        return Q()
    if is_plc_facilitator(user):  # facilitators run the PLC sessions of the current year
        year = ProgramYear.objects.current()
        return Q(pair__program_year=year) if year else Q(pk__in=[])
    coached_years = Pair.objects.filter(coach=person_of(user)).exclude(status__in=HIDDEN_PAIRS).values("program_year")
    return Q(pair__program_year__in=coached_years)


def clips_visible_to(user) -> QuerySet[Clip]:
    if not user.is_authenticated:
        return Clip.objects.none()
    person = person_of(user)
    own_pair = Q(pair__coach=person) | Q(pair__mentee=person)
    mine = Q(uploaded_by=user) | own_pair | (Q(pair__leader=person) & Q(shared_with_leader_at__isnull=False))
    library = Q(library_promoted_at__isnull=False, library_consent_at__isnull=False, library_withdrawn_at__isnull=True)
    if is_eec_staff(user):
        mine |= Q(shared_with_eec_at__isnull=False) | Q(
            library_consent_at__isnull=False, library_withdrawn_at__isnull=True
        )
    visible = mine | (library & _year_coach_or_facilitator(user))
    return Clip.objects.filter(visible).exclude(pair__status__in=HIDDEN_PAIRS)


def library_access(user):
    """Who may open the clip library: EEC staff and PLC facilitators (True), and coaches, as the pairs
    they coach (a queryset, so the menu asks it with its other items in one query)."""
    if is_eec_staff(user) or is_plc_facilitator(user):
        return True
    return Pair.objects.filter(coach=person_of(user)).exclude(status__in=HIDDEN_PAIRS)


def may_use_library(user) -> bool:
    access = library_access(user)
    return access is True or access.exists()


def sees_feedback(clip: Clip, role: str) -> bool:
    """The coach's comments, the observation and its ratings go with the clip to its pair, to the
    leader it is shared with and to EEC staff when shared with EEC; never to those who see it only in
    the library (the educator agreed to share the clip with its tags, not the coaching)."""
    return role in ("coach", "mentee", "leader") or (role == "staff" and clip.shared_with_eec_at is not None)


def role_on(clip: Clip, user) -> str:
    """coach, mentee, leader, staff or library: how the user comes to see the clip (the pair is
    loaded with its people)."""
    pair = clip.pair
    if pair.coach.user_id == user.pk:
        return "coach"
    if pair.mentee.user_id == user.pk:
        return "mentee"
    if pair.leader_id and pair.leader.user_id == user.pk and clip.shared_with_leader_at:
        return "leader"
    if clip.uploaded_by_id == user.pk:
        return "mentee"
    if is_eec_staff(user):
        return "staff"
    return "library"


@rules.predicate
def is_clip_coach(user, clip: Clip | None) -> bool:
    return clip is not None and user.is_authenticated and clip.pair.coach.user_id == user.pk


@rules.predicate
def is_clip_mentee(user, clip: Clip | None) -> bool:
    return clip is not None and user.is_authenticated and clip.pair.mentee.user_id == user.pk


@rules.predicate
def is_uploader(user, clip: Clip | None) -> bool:
    return clip is not None and user.is_authenticated and clip.uploaded_by_id == user.pk


@rules.predicate
def pair_is_active(user, clip: Clip | None) -> bool:
    return clip is not None and clip.pair.status == Pair.Status.ACTIVE


@rules.predicate
def is_clip_visible(user, clip: Clip | None) -> bool:
    return clip is not None and clips_visible_to(user).filter(pk=clip.pk).exists()


@rules.predicate
def wrote_comment(user, comment: Comment | None) -> bool:
    return comment is not None and comment.author_id == user.pk


rules.add_perm("evidence.view_clip", is_clip_visible)
# the coach gives feedback, observes, asks for a new clip; the mentee replies and shares
rules.add_perm("evidence.give_feedback", is_clip_coach & pair_is_active)
rules.add_perm("evidence.reply", (is_clip_coach | is_clip_mentee) & pair_is_active)
rules.add_perm("evidence.share_clip", (is_clip_mentee | is_uploader) & pair_is_active)
# the educator shown: the mentee who recorded their classroom, or the coach their model lesson
rules.add_perm("evidence.library_consent", is_uploader)
rules.add_perm("evidence.promote_clip", is_eec_staff)
rules.add_perm("evidence.withdraw_comment", wrote_comment)
rules.add_perm("evidence.view_clip_counts", is_eec_staff)


def comments_visible_to(user, clip: Clip) -> QuerySet[Comment]:
    """A clip's comments and replies as the user sees them: a private note only for its author;
    withdrawn ones stay on record but are not shown."""
    return clip.comments.filter(withdrawn_at__isnull=True).filter(Q(is_private=False) | Q(author=user))
