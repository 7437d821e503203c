import pytest

from tests.coaching.factories import active_pair
from tests.evidence.clips import make_clip


@pytest.fixture(scope="session")
def clip_file(tmp_path_factory):
    """A 2-second 320x240 H.264/AAC MP4, made once per test run."""
    return make_clip(tmp_path_factory.mktemp("clips") / "classroom.mp4", seconds=2.0)


@pytest.fixture
def pair(program_year, staff_user):
    """An active CT–Mentee pair with a leader."""
    return active_pair(program_year, staff_user, with_leader=True)
