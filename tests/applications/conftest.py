"""Application tests work in a year that is taking applications (the shared factory's 2026–27
window closed on June 30, and the services refuse an applicant's change outside the window).
Tests of a closed window make their own year."""

from __future__ import annotations

import pytest

from tests.applications.factories import open_window
from tests.factories import ProgramYearFactory


@pytest.fixture
def program_year(db):
    return ProgramYearFactory(**open_window())
