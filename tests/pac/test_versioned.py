"""Whole-year figures are computed once per change of the rows they read (pac.versioned): staff's
coaching flags on My work follow every meeting, report and pair saved, bulk-loaded or removed."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import selectors as coaching_selectors
from coaching.models import Meeting, ThirtyDayReport
from pac import versioned
from pairings.models import Pair
from tests.coaching.factories import active_pair, meeting
from tests.coaching.test_documents import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed():
    calls = []

    def compute():
        calls.append(1)
        return {"n": Meeting.objects.count()}

    return calls, compute


def _figures(compute):
    return versioned.figures("test.meetings", [Pair, Meeting], compute, scope=1)


def test_a_second_read_is_one_query_and_computes_nothing(computed, program_year, staff_user, django_assert_num_queries):
    calls, compute = computed
    pair = active_pair(program_year, staff_user)
    meeting(pair, timezone.localdate())
    assert _figures(compute) == {"n": 1} and len(calls) == 1
    with django_assert_num_queries(1):  # the version; the figures come from the cache
        assert _figures(compute) == {"n": 1}
    assert len(calls) == 1


def test_saving_adding_bulk_loading_or_removing_a_row_is_a_new_version(computed, program_year, staff_user):
    calls, compute = computed
    pair = active_pair(program_year, staff_user)
    first = meeting(pair, timezone.localdate())
    _figures(compute)
    first.notes = "Edited in the admin"
    first.save()  # a history row
    _figures(compute)
    assert len(calls) == 2
    second = meeting(pair, timezone.localdate() - datetime.timedelta(days=3))
    assert _figures(compute) == {"n": 2} and len(calls) == 3
    Meeting.objects.bulk_create(  # no history: the table's own count and highest id
        [Meeting(pair=pair, held_on=timezone.localdate(), duration_minutes=60, logged_by=pair.coach.user)]
    )
    assert _figures(compute) == {"n": 3} and len(calls) == 4
    Meeting.objects.filter(pk=second.pk).delete()  # a queryset delete: no history either
    assert _figures(compute) == {"n": 2} and len(calls) == 5
    assert _figures(compute) == {"n": 2} and len(calls) == 5


def test_another_scope_or_another_day_is_computed_anew(computed):
    calls, compute = computed
    versioned.figures("test.meetings", [Meeting], compute, scope=1)
    versioned.figures("test.meetings", [Meeting], compute, scope=2)
    assert len(calls) == 2
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch.object(versioned.timezone, "localdate", return_value=tomorrow):
        versioned.figures("test.meetings", [Meeting], compute, scope=1)
    assert len(calls) == 3


def test_staff_my_work_counts_a_report_as_soon_as_it_is_submitted(client, program_year, staff_user):
    """The flags are cached, and still follow the data from one view of My work to the next."""
    pair = active_pair(program_year, staff_user)
    report = make_report(pair, 1, start=pair.started_on or timezone.localdate(), status="draft")
    client.force_login(staff_user)
    with mock.patch.object(
        coaching_selectors, "staff_coaching_flags", wraps=coaching_selectors.staff_coaching_flags
    ) as flags:
        before = client.get(reverse("pac:my_work")).context
        client.get(reverse("pac:my_work"))
        assert flags.call_count == 1
        report.status = ThirtyDayReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.save()
        after = client.get(reverse("pac:my_work")).context
        assert flags.call_count == 2
    [panel_before] = [p for p in before["panels"] if p.title == "Coaching"]
    [panel_after] = [p for p in after["panels"] if p.title == "Coaching"]
    assert panel_after.context["to_review"] == panel_before.context["to_review"] + 1


@pytest.mark.redis
def test_while_redis_is_down_figures_are_computed_but_not_kept_in_the_database(computed, redis_cache):
    from django.db import connection

    calls, compute = computed
    redis_cache.stop()
    try:
        _figures(compute)
        _figures(compute)
        assert len(calls) == 2
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pac_cache_fallback WHERE cache_key LIKE %s", [f"%{versioned.PREFIX}%"])
            assert cursor.fetchone()[0] == 0
    finally:
        redis_cache.start()
