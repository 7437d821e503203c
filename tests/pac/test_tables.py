"""The staff lists' shared pieces (pac/tables.py, pac/filters.py): paging from a hostile query
string, the CSV download and its refusal, and spreadsheet formulas kept as text."""

from __future__ import annotations

import django_tables2 as tables
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from pac.tables import StaffTable, configure, staff_list
from tests.lists import csv_rows


class PeopleTable(StaffTable):
    noun, noun_plural = "person", "people"
    name = tables.Column("Name")
    n = tables.Column("Number")


ROWS = [{"name": f"Person {i:03d}", "n": i} for i in range(120)]


def _table(query: str = "") -> PeopleTable:
    request = RequestFactory().get(f"/list/?{query}")
    request.user = AnonymousUser()
    return configure(request, PeopleTable(ROWS))


@pytest.mark.parametrize(
    ("query", "number", "note"),
    [
        ("", 1, ""),
        ("page=2", 2, ""),
        ("page=3", 3, ""),
        ("page=abc", 1, "not understood"),
        ("page=1e309", 1, "not understood"),
        ("page=999999", 1, "There is no page 999999"),
        ("page=99999999999999999999", 1, "There is no page"),
        ("page=0", 1, "There is no page 0"),
        ("page=-1", 1, "There is no page -1"),
        ("page=", 1, ""),
    ],
)
def test_a_bad_page_shows_the_first_page_and_says_why(query, number, note):
    table = _table(query)
    assert table.page.number == number
    assert (note in table.page_note) if note else table.page_note == ""


@pytest.mark.parametrize("query", ["per_page=0", "per_page=-5", "per_page=abc", "per_page=100000"])
def test_the_page_size_is_not_read_from_the_address(query):
    table = _table(query)
    assert len(table.page.object_list) == 50
    assert table.paginator.num_pages == 3


@pytest.mark.parametrize("query", ["sort=nope", "sort=-", "sort=", "sort=name,bogus", "sort=__class__"])
def test_an_unknown_sort_column_is_ignored(query):
    table = _table(query)
    assert [r.record["n"] for r in table.paginated_rows][:3] == [0, 1, 2]


def test_sorting_by_a_column_both_ways():
    assert _table("sort=-n").paginated_rows[0].record["n"] == 119
    assert _table("sort=n").paginated_rows[0].record["n"] == 0


def _request(query: str):
    request = RequestFactory().get(f"/list/?{query}")
    request.user = AnonymousUser()
    return request


def test_the_csv_holds_every_filtered_row_in_the_chosen_order():
    response = staff_list(
        _request("_export=csv&sort=-n&page=2"), PeopleTable(ROWS), export_name="People 2026–27", may_export=True
    )
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Number"]
    assert len(rows) == 121  # every row, not one page
    assert rows[1] == ["Person 119", "119"]
    assert response["Content-Disposition"] == 'attachment; filename="people-202627.csv"'
    assert response["Cache-Control"] == "private, no-store"


def test_the_csv_is_refused_to_someone_who_may_not_download():
    with pytest.raises(PermissionDenied):
        staff_list(_request("_export=csv"), PeopleTable(ROWS), export_name="people", may_export=False)


def test_another_export_format_shows_the_page():
    table = PeopleTable(ROWS)
    assert staff_list(_request("_export=xlsx"), table, export_name="people", may_export=True) is None
    assert table.page.number == 1


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(name):
    response = staff_list(
        _request("_export=csv"), PeopleTable([{"name": name, "n": -1}]), export_name="people", may_export=True
    )
    rows = csv_rows(response)
    assert rows[1][0] == "'" + name
    assert rows[1][1] == "-1"  # a number is a number


@pytest.mark.django_db
def test_a_table_told_its_count_does_not_count_again(django_assert_num_queries):
    from pac.models import Region

    class RegionTable(StaffTable):
        number = tables.Column("Number")

    regions = Region.objects.order_by("number")
    with django_assert_num_queries(1):  # the page's rows, no COUNT
        table = configure(_request("page=1"), RegionTable(regions), count=6)
        assert table.paginator.count == 6 and len(list(table.page.object_list)) == 6
    with django_assert_num_queries(2):  # not told: the paginator counts
        table = configure(_request(""), RegionTable(regions))
        assert table.paginator.count == 6 and len(list(table.page.object_list)) == 6


class RenderedTable(StaffTable):
    name = tables.Column("Name")
    n = tables.Column("Number")

    def render_name(self, value, record):
        return f"{value}!"

    def render_n(self, value):
        return value * 2


def test_cells_render_with_each_render_method_signature_worked_out_once(monkeypatch):
    """django-tables2 asks which arguments a render method takes for every cell; pac.tables works it
    out once per function (issue 14) and cells render as before."""
    from pac import tables as pac_tables

    asked, work_out = [], pac_tables._signature
    monkeypatch.setattr(pac_tables, "_signature", lambda fn: asked.append(fn) or work_out(fn))
    monkeypatch.setattr(pac_tables, "_SIGNATURES", {})
    rows = [
        [cell for _, cell in row.items()] for table in (RenderedTable(ROWS), RenderedTable(ROWS)) for row in table.rows
    ]
    assert rows[0] == ["Person 000!", 0] and rows[121] == ["Person 001!", 2]
    assert len(asked) == 2  # render_name and render_n, each once for 480 cells of two tables
    assert pac_tables._signature_once(lambda value, record: None) == (("value", "record"), None)


class MarkedTable(StaffTable):
    name = tables.Column("Name", attrs={"td": {"class": "fw-bold"}})
    n = tables.Column("Number", attrs={"td": {"data-parity": lambda record: "odd" if record["n"] % 2 else "even"}})


def test_cells_carry_their_columns_attributes_worked_out_once_unless_they_follow_the_record():
    """The table template reads each column's <td> attributes once (pac.tables.StaffTable.page_cells),
    and a column whose attributes depend on the record still gets them per row: the same HTML as
    django-tables2's own per-cell attributes."""
    request = RequestFactory().get("/list/")
    request.user = AnonymousUser()
    table = configure(request, MarkedTable(ROWS[:4]))
    rows = [[td for td, _ in cells] for _, cells in table.page_cells()]
    assert [r[0] for r in rows] == ['class="fw-bold"'] * 4
    assert [r[1] for r in rows] == [f'data-parity="{"odd" if n % 2 else "even"}"' for n in range(4)]
    expected = [[column.attrs["td"].as_html() for column, _ in row.items()] for row in table.paginated_rows]
    assert rows == expected
