"""30-day report drafts exist without any page writing on GET: confirming a pair opens its first
report, the hourly task opens the later ones as their periods start, and the pages only read. A
period the task has not opened yet is shown as "not started" with a POST that starts it."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import ReportTemplate, ThirtyDayReport
from coaching.tasks import reports_open_task
from pairings import services as pairing
from pairings.models import Pair
from tests.coaching.factories import active_pair, backdate, meeting, refused
from tests.factories import UserFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate


def _writes(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_confirming_a_pair_opens_its_first_report(program_year, staff_user):
    coach, mentee = accepted("ct", program_year), accepted("mentee", program_year)
    pair = pairing.pair_propose(coach_application=coach, mentee_application=mentee, actor=staff_user)
    assert not ThirtyDayReport.objects.exists()  # a locked pair has no reports
    pairing.pair_confirm(pair=pair, actor=staff_user)
    report = ThirtyDayReport.objects.get(pair=pair)
    assert (report.period, report.period_start, report.due_on, report.status) == (
        1,
        TODAY(),
        TODAY() + 30 * DAY,
        ThirtyDayReport.Status.DRAFT,
    )
    assert report.answers == {}  # filled from the period's records when the coach opens it


def test_the_hourly_task_opens_started_periods_once(program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 65 * DAY)
    ended = active_pair(program_year, staff_user, started_on=TODAY() - 65 * DAY, ended_on=TODAY() - 50 * DAY)
    Pair.objects.filter(pk=ended.pk).update(status=Pair.Status.ENDED)
    assert reports_open_task() == 3  # periods 1-3 of the active pair; nothing for the ended one
    assert list(pair.reports.values_list("period", flat=True).order_by("period")) == [1, 2, 3]
    assert reports_open_task() == 0
    assert services.reports_open_due(today=TODAY() + 30 * DAY) == 1  # period 4 starts
    assert not ended.reports.exists()


def test_the_task_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["coaching-reports-open"]
    assert entry["task"] == reports_open_task.name and entry["schedule"] <= 24 * 3600


def test_the_workspace_shows_a_period_not_opened_yet_and_writes_nothing(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 35 * DAY)  # period 1 overdue, period 2 runs
    services.reports_open(pair=pair, today=TODAY() - 35 * DAY)  # only period 1 was opened
    client.force_login(pair.coach.user)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode()
    assert _writes(captured) == []
    first = pair.reports.get()
    assert reverse("coaching:report", args=[first.pk]) in html
    assert reverse("coaching:report_for_period", args=[pair.pk, 2]) in html and "Not started yet" in html
    assert "Next: 30-day report 1 was due" in " ".join(html.split())
    assert pair.reports.count() == 1


def test_the_next_report_may_be_one_not_opened_yet(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 35 * DAY)
    client.force_login(pair.coach.user)
    html = " ".join(client.get(reverse("coaching:workspace", args=[pair.pk])).content.decode().split())
    assert "Next: 30-day report 1 was due" in html and "Start it" in html
    assert not ThirtyDayReport.objects.exists()


@pytest.mark.parametrize("who", ["coach", "staff"])
def test_a_period_not_opened_yet_is_started_with_a_post(client, program_year, staff_user, who):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 35 * DAY, with_leader=True)
    meeting(pair, TODAY() - 2 * DAY, notes="Modelled transitions")  # in period 2
    client.force_login(pair.coach.user if who == "coach" else staff_user)
    url = reverse("coaching:report_for_period", args=[pair.pk, 2])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200 and _writes(captured) == []
    assert "Not started yet" in page.content.decode() and not ThirtyDayReport.objects.exists()
    response = client.post(url)
    report = ThirtyDayReport.objects.get(pair=pair, period=2)
    assert response.status_code == 302 and response.url == reverse("coaching:report", args=[report.pk])
    assert "Modelled transitions" in report.answers["actions"]  # started from the period's meetings
    assert pair.reports.count() == 2  # every started period is opened with it
    # a second click (double submit) opens the same draft
    again = client.post(url)
    assert again.url == response.url and pair.reports.count() == 2


@pytest.mark.parametrize("who", ["mentee", "leader", "stranger"])
def test_only_the_coach_and_staff_start_a_report(client, program_year, staff_user, who):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 35 * DAY, with_leader=True)
    user = {"mentee": pair.mentee.user, "leader": pair.leader.user, "stranger": UserFactory()}[who]
    client.force_login(user)
    url = reverse("coaching:report_for_period", args=[pair.pk, 1])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url).status_code in (403, 404)
    assert not ThirtyDayReport.objects.exists()


def test_a_period_that_has_not_started_cannot_be_opened_or_started(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 5 * DAY)
    client.force_login(pair.coach.user)
    for period in (2, 40, 0):
        url = reverse("coaching:report_for_period", args=[pair.pk, period])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not ThirtyDayReport.objects.exists()
    with refused("has not started yet"):
        services.report_start(pair=pair, period=2, actor=pair.coach.user)
    with refused("the coach's reports"):
        services.report_start(pair=pair, period=1, actor=pair.mentee.user)


def test_without_an_active_report_form_starting_says_so(client, program_year, staff_user):
    pair = active_pair(program_year, staff_user, started_on=TODAY() - 5 * DAY)
    ReportTemplate.objects.update(is_active=False)
    client.force_login(pair.coach.user)
    response = client.post(reverse("coaching:report_for_period", args=[pair.pk, 1]), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "No 30-day report form is active; EEC staff set one up in the admin."
    ]
    assert not ThirtyDayReport.objects.exists()


def test_a_backdated_pair_has_no_draft_until_opened(program_year, staff_user):
    pair = active_pair(program_year, staff_user)
    assert pair.reports.count() == 0  # the factory's backdate takes away the draft confirmation made
    assert [r.period for r in services.reports_open(pair=backdate(pair, TODAY() - 31 * DAY))] == [1, 2]
