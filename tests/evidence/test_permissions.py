"""Who sees a clip, for every role and every page and file of the clip: a clip a person may not see
is a 404 (never a 403 that confirms it exists), and the list of visible clips agrees with the rule."""

import pytest
from django.urls import reverse

from evidence import services
from evidence.permissions import clips_visible_to
from pac.models import ProgramRole
from tests.coaching.factories import active_pair
from tests.evidence.factories import ready_clip
from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

PAGES = ("evidence:clip", "evidence:clip_video", "evidence:clip_poster")


@pytest.fixture
def world(pair, program_year, staff_user, clip_file, observer, evaluator, facilitator, reviewer):
    other = active_pair(program_year, staff_user, with_leader=True, region=2)
    clip = ready_clip(pair, path=clip_file)
    other_clip = ready_clip(other, path=clip_file)
    stranger = ParticipationFactory(program_year=program_year, role=ProgramRole.MENTEE).person.user
    users = {
        "coach": pair.coach.user,
        "mentee": pair.mentee.user,
        "leader": pair.leader.user,
        "staff": staff_user,
        "other_coach": other.coach.user,
        "other_mentee": other.mentee.user,
        "other_leader": other.leader.user,
        "stranger": stranger,
        "observer": observer,
        "evaluator": evaluator,
        "facilitator": facilitator,
        "reviewer": reviewer,
    }
    return {"clip": clip, "other_clip": other_clip, "pair": pair, "users": users}


SEES_BEFORE_SHARING = {"coach", "mentee"}


def _status(client, user, clip):
    client.force_login(user)
    return {name: client.get(reverse(name, args=[clip.pk])).status_code for name in PAGES}


@pytest.mark.parametrize(
    "role",
    [
        "coach",
        "mentee",
        "leader",
        "staff",
        "other_coach",
        "other_mentee",
        "other_leader",
        "stranger",
        "observer",
        "evaluator",
        "facilitator",
        "reviewer",
    ],
)
def test_matrix_before_and_after_the_mentee_shares(client, world, role):
    clip, user = world["clip"], world["users"][role]
    sees = role in SEES_BEFORE_SHARING
    assert set(_status(client, user, clip).values()) == ({200} if sees else {404}), role
    assert clips_visible_to(user).filter(pk=clip.pk).exists() == sees
    assert user.has_perm("evidence.view_clip", clip) == sees
    # another pair's clip is a 404 for everyone of this pair (and for the roles outside both)
    if role not in ("other_coach", "other_mentee"):
        assert set(_status(client, user, world["other_clip"]).values()) == {404}, role

    mentee = world["users"]["mentee"]
    services.clip_share(clip=clip, actor=mentee, leader=True)
    services.clip_share(clip=clip, actor=mentee, eec=True)
    sees_shared = role in SEES_BEFORE_SHARING | {"leader", "staff"}
    assert set(_status(client, user, clip).values()) == ({200} if sees_shared else {404}), role
    assert clips_visible_to(user).filter(pk=clip.pk).exists() == sees_shared

    services.clip_share(clip=clip, actor=mentee, leader=False)
    services.clip_share(clip=clip, actor=mentee, eec=False)
    assert set(_status(client, user, clip).values()) == ({200} if sees else {404}), role


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(reverse("evidence:clip_video", args=[world["clip"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_mentee_or_uploader_shares_and_only_the_coach_gives_feedback(world):
    from pac.workflow import TransitionError

    clip, users = world["clip"], world["users"]
    with pytest.raises(TransitionError):
        services.clip_share(clip=clip, actor=users["coach"], leader=True)
    with pytest.raises(TransitionError):
        services.comment_add(clip=clip, actor=users["mentee"], text="Great!", kind="strength")
    with pytest.raises(TransitionError):
        services.comment_add(clip=clip, actor=users["leader"], text="Great!", kind="strength")
    assert users["coach"].has_perm("evidence.give_feedback", clip)
    assert not users["mentee"].has_perm("evidence.give_feedback", clip)


def test_library_clips_are_seen_by_the_years_coaches_and_facilitators_until_consent_is_withdrawn(client, world):
    clip, users = world["clip"], world["users"]
    from evaluation.models import Dimension

    with pytest.raises(Exception, match="consented"):
        services.library_promote(clip=clip, actor=users["staff"], dimensions=list(Dimension.objects.all()[:1]))
    services.library_consent(clip=clip, actor=users["mentee"], consent=True)
    # consent lets staff see it to decide; not yet the other coaches
    assert clips_visible_to(users["staff"]).filter(pk=clip.pk).exists()
    assert not clips_visible_to(users["other_coach"]).filter(pk=clip.pk).exists()
    services.library_promote(clip=clip, actor=users["staff"], dimensions=list(Dimension.objects.all()[:2]))
    for role in ("other_coach", "facilitator", "staff"):
        client.force_login(users[role])
        assert client.get(reverse("evidence:clip_video", args=[clip.pk])).status_code == 200, role
        page = client.get(reverse("evidence:library"))
        assert clip.title in page.content.decode(), role
    for role in ("other_mentee", "other_leader", "evaluator", "observer"):
        assert not clips_visible_to(users[role]).filter(pk=clip.pk).exists(), role
    client.force_login(users["other_mentee"])
    assert client.get(reverse("evidence:library")).status_code == 403
    services.library_consent(clip=clip, actor=users["mentee"], consent=False)
    client.force_login(users["other_coach"])
    assert client.get(reverse("evidence:clip", args=[clip.pk])).status_code == 404
    assert not clips_visible_to(users["staff"]).filter(pk=clip.pk).exists()


def test_private_notes_are_seen_by_their_author_only(client, world):
    clip, users = world["clip"], world["users"]
    services.clip_share(clip=clip, actor=users["mentee"], leader=True)
    services.comment_add(clip=clip, actor=users["mentee"], text="Mentee's own reminder", is_private=True, at_ms=500)
    services.comment_add(clip=clip, actor=users["coach"], text="Coach's private thought", is_private=True, at_ms=900)
    services.comment_add(clip=clip, actor=users["leader"], text="Leader's private thought", is_private=True, at_ms=900)
    texts = {
        "mentee": "Mentee's own reminder",
        "coach": "Coach's private thought",
        "leader": "Leader's private thought",
    }
    for role in ("coach", "mentee", "leader"):
        client.force_login(users[role])
        page = client.get(reverse("evidence:clip", args=[clip.pk])).content.decode().replace("&#x27;", "'")
        for owner, text in texts.items():
            assert (text in page) == (owner == role), (role, owner)


def test_staff_figures_show_counts_but_no_clip(client, world):
    client.force_login(world["users"]["staff"])
    page = client.get(reverse("evidence:staff")).content.decode()
    assert world["pair"].mentee.full_name in page
    assert world["clip"].title not in page
    client.force_login(world["users"]["coach"])
    assert client.get(reverse("evidence:staff")).status_code == 403
