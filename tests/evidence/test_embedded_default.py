"""The embedded default (no Redis: Celery eager) prepares a shared clip outside the request, in the
web process's own "pac-clips" thread, as a worker would: the upload's last piece answers at once."""

import pytest

from evidence import services
from evidence.models import Clip
from tests.coaching.factories import active_pair
from tests.evidence.factories import upload
from tests.pac.test_document_background import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_transactional_db")]


def test_a_clip_is_prepared_in_the_background_thread(settings, program_year, staff_user, clip_file, monkeypatch):
    import threading

    settings.PAC_DOCUMENT_JOBS_IN_THREAD = True  # as in local settings without REDIS_URL
    threads = []
    real = services.clip_process

    def recording(*, clip_id):
        threads.append(threading.current_thread().name)
        return real(clip_id=clip_id)

    monkeypatch.setattr(services, "clip_process", recording)
    pair = active_pair(program_year, staff_user)
    done = upload(pair, pair.mentee.user, clip_file)
    wait_for(lambda: Clip.objects.get(pk=done.clip_id).status == Clip.Status.READY)
    assert threads and threads[0].startswith("pac-clips")
