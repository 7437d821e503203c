"""Issue 14: what the staff lists share for pages at any size (pac/tables.py): ``prepare`` sees only
the rows shown (the page's, or every row of the CSV), a paged list says which rows it shows, and date
cells are drawn without a template but as the template drew them."""

from __future__ import annotations

import datetime
import zoneinfo

import django_tables2 as tables
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone

from pac.tables import DateColumn, EmptyLastDateColumn, StaffTable, staff_list
from tests.lists import csv_rows


class PeopleTable(StaffTable):
    noun, noun_plural = "person", "people"
    name = tables.Column("Name")
    n = tables.Column("Number")


def _request(query: str = ""):
    request = RequestFactory().get(f"/list/?{query}")
    request.user = AnonymousUser()
    return request


def rows(n: int) -> list[dict]:
    return [{"name": f"Person {i:04d}", "n": i} for i in range(n)]


def test_prepare_sees_the_page_and_the_page_shows_what_it_prepared():
    seen = []

    def prepare(records):
        seen.append([r["n"] for r in records])
        for record in records:
            record["name"] = record["name"].upper()

    table = PeopleTable(rows(120))
    assert staff_list(_request("page=2"), table, export_name="p", may_export=True, prepare=prepare) is None
    assert seen == [list(range(50, 100))]
    assert [row.get_cell("name") for row in table.paginated_rows][:1] == ["PERSON 0050"]


def test_prepare_sees_every_row_of_the_csv_in_its_order():
    seen = []
    response = staff_list(
        _request("_export=csv&sort=-n"),
        PeopleTable(rows(120)),
        export_name="p",
        may_export=True,
        prepare=lambda records: seen.append([r["n"] for r in records]),
    )
    assert seen == [list(range(119, -1, -1))]
    assert len(csv_rows(response)) == 121


@pytest.mark.parametrize(
    ("n", "query", "text"),
    [
        (1824, "", "Showing 1–50 of 1,824 people."),
        (1824, "page=37", "Showing 1,801–1,824 of 1,824 people."),
        (12, "", "12 people."),
        (1, "", "1 person."),
    ],
)
def test_a_paged_list_says_which_rows_it_shows(n, query, text):
    table = PeopleTable(rows(n))
    staff_list(_request(query), table, export_name="p", may_export=False)
    html = " ".join(table.as_html(_request(query)).split())
    assert f'data-testid="list-count">{text}</p>' in html


class Dated(tables.Table):
    on = DateColumn(format="M j, Y", default="—")
    at = EmptyLastDateColumn(format="M j, Y H:i", default="not yet")


@override_settings(TIME_ZONE="America/New_York")
def test_a_date_cell_reads_as_the_template_wrote_it():
    late_evening = datetime.datetime(2026, 10, 5, 2, 30, tzinfo=datetime.UTC)  # Oct 4, 22:30 in Boston
    table = Dated([{"on": datetime.date(2026, 10, 5), "at": late_evening}, {"on": None, "at": None}])
    first, second = table.rows
    template = Template('{{ value|date:"M j, Y H:i" }}')
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert first.get_cell("on") == "Oct 5, 2026"
        assert first.get_cell("at") == template.render(Context({"value": late_evening})) == "Oct 4, 2026 22:30"
    assert (second.get_cell("on"), second.get_cell("at")) == ("—", "not yet")
    # the CSV: ISO dates, and an empty cell's default as the template column wrote it
    assert [list(r) for r in table.as_values()][1:] == [["2026-10-05", late_evening.isoformat()], ["—", "not yet"]]
