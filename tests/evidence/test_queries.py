"""The clip page and the pair's clip list make the same number of queries with 5 comments and with
500 (and the list with 1 clip and with 30)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services
from evidence.models import Comment
from tests.evidence.factories import ready_clip

pytestmark = pytest.mark.django_db


# session and user, the pair and clip, comments with replies, the observation, the breakdown, the forms' choices
EXPECTED_COACH, EXPECTED_MENTEE, EXPECTED_LIST = 19, 12, 12


def _comments(clip, pair, n):
    dims = services.pair_dimensions(pair)
    coach, mentee = pair.coach.user, pair.mentee.user
    made = Comment.objects.bulk_create(
        Comment(
            clip=clip,
            author=coach,
            at_ms=i * 10,
            kind=Comment.Kind.choices[i % 4][0],
            text=f"Comment {i}",
            dimension=dims[i % len(dims)] if i % 2 else None,
        )
        for i in range(n)
    )
    Comment.objects.bulk_create(
        Comment(clip=clip, author=mentee, parent=c, at_ms=c.at_ms, text="Reply") for c in made[::3]
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["coach", "mentee"])
def test_clip_page_queries_do_not_grow_with_comments(client, pair, clip_file, role):
    clip = ready_clip(pair, path=clip_file)
    services.comment_add(clip=clip, actor=pair.coach.user, text="first", kind="strength", at_ms=1)  # feedback exists
    client.force_login(getattr(pair, role).user)
    url = reverse("evidence:clip", args=[clip.pk])
    _comments(clip, pair, 5)
    small = _count(client, url)
    _comments(clip, pair, 495)
    large = _count(client, url)
    assert small == large == {"coach": EXPECTED_COACH, "mentee": EXPECTED_MENTEE}[role], (small, large)


def test_clip_list_queries_do_not_grow_with_clips_or_comments(client, pair, clip_file):
    client.force_login(pair.coach.user)
    first = ready_clip(pair, path=clip_file)
    _comments(first, pair, 5)
    url = reverse("evidence:clips", args=[pair.pk])
    small = _count(client, url)
    for i in range(4):
        _comments(ready_clip(pair, path=clip_file, title=f"Clip {i}"), pair, 120)
    large = _count(client, url)
    assert small == large == EXPECTED_LIST, (small, large)
