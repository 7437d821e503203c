"""Staff's list of 30-day reports on django-filter and django-tables2: filter, sort, page, download
as CSV (staff only, never the answers), bad input, and a query budget that does not grow."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import ThirtyDayReport
from pac.models import Person
from tests.coaching.factories import active_pair
from tests.coaching.test_scale import bulk_pairs
from tests.factories import UserFactory
from tests.lists import csv_rows, listed, with_query

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _named(pair, coach, mentee):
    for person, name in ((pair.coach, coach), (pair.mentee, mentee)):
        first, last = name.split()
        Person.objects.filter(pk=person.pk).update(first_name=first, last_name=last)
    return pair


@pytest.fixture
def reports(program_year, staff_user):
    """Two pairs started 45 days ago: two periods each. Zed's first report is submitted late and
    carries an answer no list may show; Amy's first is returned; the seconds are drafts."""
    started = TODAY() - datetime.timedelta(days=45)
    zed = _named(active_pair(program_year, staff_user, started_on=started, region=1), "Zed Zimmer", "Ann Ames")
    amy = _named(active_pair(program_year, staff_user, started_on=started, region=4), "Amy Ash", "Bob Burr")
    services.reports_ensure(pair=zed)
    services.reports_ensure(pair=amy)
    z1, z2 = zed.reports.order_by("period")
    a1, a2 = amy.reports.order_by("period")
    ThirtyDayReport.objects.filter(pk=z1.pk).update(
        status="submitted", submitted_at=timezone.now(), was_late=True, answers={"q": "SECRET ANSWER"}
    )
    ThirtyDayReport.objects.filter(pk=a1.pk).update(status="returned")
    return {"z1": z1, "z2": z2, "a1": a1, "a2": a2}


@pytest.fixture
def url(program_year):
    return f"{reverse('coaching:reports')}?year={program_year.pk}"


def test_filters_narrow_the_list(client, staff_user, reports, url):
    client.force_login(staff_user)
    assert listed(client.get(with_query(url, status="submitted"))) == [reports["z1"]]
    assert listed(client.get(with_query(url, was_late="true"))) == [reports["z1"]]
    assert set(listed(client.get(with_query(url, region=4)))) == {reports["a1"], reports["a2"]}
    assert set(listed(client.get(with_query(url, q="amy")))) == {reports["a1"], reports["a2"]}
    overdue = {r for r in reports.values() if r.due_on < TODAY() and r.pk != reports["z1"].pk}
    assert set(listed(client.get(with_query(url, overdue="true")))) == overdue
    assert reports["z1"] in listed(client.get(with_query(url, overdue="false")))
    due = reports["z2"].due_on.isoformat()
    assert set(listed(client.get(with_query(url, due_after=due, due_before=due)))) == {reports["z2"], reports["a2"]}


def test_columns_sort_both_ways(client, staff_user, reports, url):
    client.force_login(staff_user)
    by_coach = listed(client.get(with_query(url, sort="coach")))
    assert [r.pair.coach.last_name for r in by_coach] == ["Ash", "Ash", "Zimmer", "Zimmer"]
    assert [r.period for r in by_coach] == [1, 2, 1, 2]
    # the one report submitted comes first both ways: a report not submitted has no date to sort by
    assert listed(client.get(with_query(url, sort="-submitted_at")))[0] == reports["z1"]
    assert listed(client.get(with_query(url, sort="submitted_at")))[0] == reports["z1"]


@pytest.mark.parametrize(
    "query", ["due_after=2024-02-30", "due_before=tomorrow", "overdue=maybe", "sort=answers", "page=0", "region=7"]
)
def test_bad_input_shows_the_list(client, staff_user, reports, url, query):
    client.force_login(staff_user)
    response = client.get(f"{url}&{query}")
    assert len(listed(response)) == 4
    if not query.startswith(("sort", "page", "overdue")):
        assert "Not understood, so not applied" in response.content.decode()


def test_the_csv_lists_the_reports_never_their_answers(client, staff_user, reports, url):
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "Download CSV" in page and "SECRET ANSWER" not in page
    response = client.get(with_query(url, sort="coach", _export="csv"))
    rows = csv_rows(response)
    assert rows[0] == ["Report", "Coach", "Mentee", "Region", "Due", "Status", "Submitted", "Late"]
    assert [r[:3] for r in rows[1:]] == [
        ["Report 1", "Amy Ash", "Bob Burr"],
        ["Report 2", "Amy Ash", "Bob Burr"],
        ["Report 1", "Zed Zimmer", "Ann Ames"],
        ["Report 2", "Zed Zimmer", "Ann Ames"],
    ]
    assert rows[3][4] == reports["z1"].due_on.isoformat() and rows[3][5:] == ["Submitted", TODAY().isoformat(), "Yes"]
    assert "SECRET ANSWER" not in response.content.decode()


def test_the_overview_links_to_the_list(client, staff_user, reports, program_year):
    client.force_login(staff_user)
    page = client.get(reverse("coaching:overview") + f"?year={program_year.pk}").content.decode()
    assert f"{reverse('coaching:reports')}?year={program_year.pk}&amp;status=submitted" in page


@pytest.mark.parametrize("who", ["coach", "mentee", "nobody"])
def test_only_staff_open_or_download_the_list(client, reports, url, who):
    pair = reports["z1"].pair
    client.force_login({"coach": pair.coach.user, "mentee": pair.mentee.user, "nobody": UserFactory()}[who])
    assert client.get(url).status_code == 403
    assert client.get(with_query(url, _export="csv")).status_code == 403


def test_pages_of_fifty(client, staff_user, program_year, url):
    bulk_pairs(program_year, 30, started_days_ago=45)  # two reports each
    client.force_login(staff_user)
    assert len(listed(client.get(url))) == 50
    assert len(listed(client.get(with_query(url, page=2)))) == 10


@pytest.mark.parametrize(
    "query", ["", "sort=-coach", "status=draft&region=3&q=p&due_after=2020-01-01", "sort=due_on&_export=csv"]
)
def test_the_list_and_its_csv_make_the_same_number_of_queries_at_any_size(
    client, staff_user, program_year, url, query, django_assert_max_num_queries
):
    bulk_pairs(program_year, 10)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as small:
        assert client.get(f"{url}&{query}").status_code == 200
    bulk_pairs(program_year, 490)
    with django_assert_max_num_queries(20) as large:
        assert client.get(f"{url}&{query}").status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
