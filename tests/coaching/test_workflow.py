"""The 30-day report's declared workflow (ThirtyDayReport.workflow): every status change the
services make is an arrow of the table, every arrow is taken, and a step from the wrong status is
refused."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from coaching import services
from coaching.models import ThirtyDayReport
from pac.workflow import TransitionError
from tests.coaching.factories import active_pair
from tests.coaching.test_services import full_answers
from tests.workflows import assert_follows, changes_of

pytestmark = pytest.mark.django_db

flow = ThirtyDayReport.workflow
Status = ThirtyDayReport.Status


@pytest.fixture
def pair(program_year, staff_user):
    """A pair that started 70 days ago: its first two reports' periods have ended."""
    return active_pair(program_year, staff_user, started_on=timezone.localdate() - datetime.timedelta(days=70))


def test_every_status_change_the_services_make_is_an_arrow_of_the_table(pair, staff_user):
    coach = pair.coach.user
    first, second = services.reports_ensure(pair=pair)[:2]
    with changes_of(ThirtyDayReport, "status") as seen:
        services.report_submit(report=first, actor=coach, answers=full_answers())
        services.report_return(report=first, actor=staff_user, comment="Say more about the observation.")
        services.report_submit(report=first, actor=coach, answers=full_answers())
        services.report_acknowledge(report=first, actor=staff_user)
        services.report_submit(report=second, actor=coach, answers=full_answers())
    assert_follows(flow, seen)
    assert seen[:4] == [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.RETURNED),
        (Status.RETURNED, Status.SUBMITTED),
        (Status.SUBMITTED, Status.ACKNOWLEDGED),
    ]


def test_a_step_the_table_does_not_allow_is_refused(pair, staff_user):
    report = services.reports_ensure(pair=pair)[0]
    assert not flow.can("acknowledge", Status.DRAFT)
    for review in (
        lambda: services.report_acknowledge(report=report, actor=staff_user),
        lambda: services.report_return(report=report, actor=staff_user, comment="More, please."),
    ):
        with pytest.raises(TransitionError, match="This report is draft; only a submitted report is reviewed."):
            review()
    services.report_submit(report=report, actor=pair.coach.user, answers=full_answers())
    services.report_acknowledge(report=report, actor=staff_user)
    with pytest.raises(TransitionError, match="This report is acknowledged; it can no longer be edited."):
        services.report_submit(report=report, actor=pair.coach.user)
    report.refresh_from_db()
    assert report.status == Status.ACKNOWLEDGED


def test_a_report_is_editable_exactly_while_it_can_be_submitted():
    for status in Status.values:
        assert ThirtyDayReport(status=status).is_editable is flow.can("submit", status)
    assert [s for s in Status.values if flow.can("submit", s)] == [Status.DRAFT, Status.RETURNED]
