import pytest

from tests.coaching.factories import active_pair


@pytest.fixture
def pair(program_year, staff_user):
    """An active CT–Mentee pair with a leader."""
    return active_pair(program_year, staff_user, with_leader=True)
