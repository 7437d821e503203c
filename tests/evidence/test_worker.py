"""A real Celery worker on Redis transcodes a clip end to end (eager mode would hide serialization
and retry bugs): the upload's last piece enqueues the task on commit, the worker prepares the clip
and the coach is told."""

import time

import pytest

from coaching.models import Reminder
from evidence.models import Clip
from tests.coaching.factories import active_pair
from tests.evidence.factories import upload
from tests.pac.test_celery_worker import REDIS_URL, redis_reachable

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
    pytest.mark.skipif(not redis_reachable(REDIS_URL), reason="no Redis reachable at REDIS_URL (set REDIS_URL to run)"),
]


def test_a_worker_on_redis_prepares_an_uploaded_clip(celery_on_redis, program_year, staff_user, clip_file):
    pair = active_pair(program_year, staff_user)
    with celery_on_redis():
        done = upload(pair, pair.mentee.user, clip_file)
        deadline = time.monotonic() + 60
        clip = Clip.objects.get(pk=done.clip_id)
        while time.monotonic() < deadline and clip.status == Clip.Status.PROCESSING:
            time.sleep(0.2)
            clip.refresh_from_db()
    assert clip.status == Clip.Status.READY, clip.error
    assert clip.video and clip.poster and not clip.original
    assert Reminder.objects.filter(recipient=pair.coach, stage=Reminder.Stage.CLIP_SHARED).exists()
