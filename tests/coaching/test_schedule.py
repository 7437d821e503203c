"""30-day report periods: pure date arithmetic, checked against hand-computed calendar dates."""

from __future__ import annotations

import datetime

import pytest

from coaching.schedule import PERIOD_DAYS, Period, period_on, periods

D = datetime.date
FAR = D(2030, 12, 31)


def test_period_k_covers_thirty_days_and_is_due_the_day_after():
    start = D(2026, 9, 1)
    got = periods(started_on=start, until=D(2026, 12, 31))
    for p in got:
        k = p.number
        assert p.start == start + datetime.timedelta(days=30 * (k - 1))
        assert p.end == start + datetime.timedelta(days=30 * k - 1)
        assert p.due_on == start + datetime.timedelta(days=30 * k)
        assert (p.end - p.start).days + 1 == PERIOD_DAYS
    # hand-computed
    assert got[:3] == [
        Period(1, D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 1)),
        Period(2, D(2026, 10, 1), D(2026, 10, 30), D(2026, 10, 31)),
        Period(3, D(2026, 10, 31), D(2026, 11, 29), D(2026, 11, 30)),
    ]
    # periods that have started on or before Dec 31: starts Sep 1, Oct 1, Oct 31, Nov 30, Dec 30
    assert [p.number for p in got] == [1, 2, 3, 4, 5]
    assert got[-1].start == D(2026, 12, 30)


def test_periods_are_contiguous():
    got = periods(started_on=D(2026, 9, 17), until=D(2027, 8, 31))
    for before, after in zip(got, got[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)
        assert before.due_on == after.start
        assert after.number == before.number + 1


def test_start_on_january_31_counts_days_not_months():
    got = periods(started_on=D(2026, 1, 31), until=D(2026, 4, 30))
    assert got == [
        # Jan 31 + 29 days = Mar 1 (February 2026 has 28 days)
        Period(1, D(2026, 1, 31), D(2026, 3, 1), D(2026, 3, 2)),
        Period(2, D(2026, 3, 2), D(2026, 3, 31), D(2026, 4, 1)),
        Period(3, D(2026, 4, 1), D(2026, 4, 30), D(2026, 5, 1)),
    ]


@pytest.mark.parametrize(
    ("start", "end1", "due1", "due2"),
    [
        (D(2026, 3, 31), D(2026, 4, 29), D(2026, 4, 30), D(2026, 5, 30)),
        (D(2026, 5, 31), D(2026, 6, 29), D(2026, 6, 30), D(2026, 7, 30)),
        (D(2026, 8, 31), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 30)),
        (D(2026, 10, 31), D(2026, 11, 29), D(2026, 11, 30), D(2026, 12, 30)),
        (D(2026, 12, 31), D(2027, 1, 29), D(2027, 1, 30), D(2027, 3, 1)),  # Jan 30 + 30 = Mar 1 (Feb 2027: 28)
    ],
)
def test_start_on_the_31st_of_other_months(start, end1, due1, due2):
    got = periods(started_on=start, until=due2)
    assert got[0] == Period(1, start, end1, due1)
    assert got[1].start == due1
    assert got[1].due_on == due2


def test_start_on_leap_day():
    got = periods(started_on=D(2028, 2, 29), until=D(2028, 4, 30))
    assert got == [
        Period(1, D(2028, 2, 29), D(2028, 3, 29), D(2028, 3, 30)),
        Period(2, D(2028, 3, 30), D(2028, 4, 28), D(2028, 4, 29)),
        Period(3, D(2028, 4, 29), D(2028, 5, 28), D(2028, 5, 29)),
    ]


def test_a_period_spanning_february_29_counts_that_day():
    leap = periods(started_on=D(2028, 2, 10), until=D(2028, 2, 10))
    assert leap == [Period(1, D(2028, 2, 10), D(2028, 3, 10), D(2028, 3, 11))]
    assert (leap[0].end - leap[0].start).days + 1 == 30
    # the same start in a common year ends a day later in March
    common = periods(started_on=D(2027, 2, 10), until=D(2027, 2, 10))
    assert common == [Period(1, D(2027, 2, 10), D(2027, 3, 11), D(2027, 3, 12))]


def test_a_pair_ended_mid_period_cuts_the_last_period_keeps_its_due_date():
    got = periods(started_on=D(2026, 9, 1), ended_on=D(2026, 10, 15), until=FAR)
    assert got == [
        Period(1, D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 1)),
        Period(2, D(2026, 10, 1), D(2026, 10, 15), D(2026, 10, 31)),
    ]


def test_a_pair_ended_on_the_last_day_of_a_period_has_no_further_period():
    got = periods(started_on=D(2026, 9, 1), ended_on=D(2026, 9, 30), until=FAR)
    assert got == [Period(1, D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 1))]


def test_a_pair_ended_on_the_first_day_of_a_period_reports_on_that_one_day():
    """'No period starts after the end': a period starting on the end date still exists."""
    got = periods(started_on=D(2026, 9, 1), ended_on=D(2026, 10, 1), until=FAR)
    assert got[-1] == Period(2, D(2026, 10, 1), D(2026, 10, 1), D(2026, 10, 31))
    assert len(got) == 2


def test_until_before_the_end_limits_an_ended_pair_too():
    got = periods(started_on=D(2026, 9, 1), ended_on=D(2026, 12, 15), until=D(2026, 10, 5))
    assert [p.number for p in got] == [1, 2]
    assert got[1].end == D(2026, 10, 30)  # not cut: the pair had not ended by then


def test_until_before_the_start_gives_no_periods():
    assert periods(started_on=D(2026, 9, 1), until=D(2026, 8, 31)) == []


def test_until_on_the_start_gives_the_first_period():
    assert [p.number for p in periods(started_on=D(2026, 9, 1), until=D(2026, 9, 1))] == [1]


def test_next_period_appears_on_its_first_day_only():
    start = D(2026, 9, 1)
    assert len(periods(started_on=start, until=D(2026, 9, 30))) == 1
    assert len(periods(started_on=start, until=D(2026, 10, 1))) == 2


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (D(2026, 1, 31), 1),
        (D(2026, 3, 1), 1),
        (D(2026, 3, 2), 2),
        (D(2026, 3, 31), 2),
        (D(2026, 4, 1), 3),
    ],
)
def test_period_on(day, number):
    assert period_on(started_on=D(2026, 1, 31), day=day) == number


def test_period_on_agrees_with_periods():
    start = D(2027, 12, 15)
    for p in periods(started_on=start, until=D(2029, 1, 1)):
        for offset in range((p.end - p.start).days + 1):
            assert period_on(started_on=start, day=p.start + datetime.timedelta(days=offset)) == p.number
