"""Staff lists: one way to show a filtered, sortable, paginated table and its CSV download.

Every staff list (applications, pairs, 30-day reports, observations, survey rounds, coach reviews)
is a django-filter ``FilterSet`` (``<app>/filters.py``) feeding a django-tables2 ``Table``
(``<app>/tables.py``); the view hands both to :func:`staff_list`, which sorts and pages the table
from the query string and answers ``?_export=csv`` with the filtered, sorted rows. See
docs/staff-lists.md.
"""

from __future__ import annotations

import re

import django_tables2 as tables
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_tables2.export import TableExport
from django_tables2.utils import OrderBy
from tablib import Dataset

PER_PAGE = 50
EXPORT_PARAM = "_export"
# A spreadsheet reads a cell that starts with one of these as a formula: a name typed as
# "=HYPERLINK(...)" must stay text when staff open the CSV.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


class StaffTable(tables.Table):
    """The base of every staff list's table: its caption (what the rows are, for screen readers)
    and Bootstrap's compact table. Cells do not wrap: on a phone the table scrolls inside its own
    region (templates/lists/table.html) and each row stays one line."""

    caption = ""
    noun, noun_plural = "row", "rows"  # "12 applications." above the table

    class Meta:
        attrs = {"class": "table table-sm align-middle text-nowrap"}
        template_name = "lists/table.html"
        order_by_field = "sort"
        page_field = "page"

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if caption:
            self.caption = caption


class EmptyLastDateColumn(tables.DateColumn):
    """A date column whose empty cells (not submitted, not started) sort after the dated ones in
    both directions; left to themselves PostgreSQL and SQLite put NULL at opposite ends."""

    def order(self, queryset, is_descending):
        if not self.order_by:
            return queryset, False
        expressions = []
        for item in self.order_by:
            field = F(OrderBy(item.bare).for_queryset())
            descending = is_descending != item.is_descending
            expressions.append(field.desc(nulls_last=True) if descending else field.asc(nulls_last=True))
        return queryset.order_by(*expressions), True


def _safe_cell(value):
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


class CSVExport(TableExport):
    """django-tables2's export, written as CSV, with cells a spreadsheet would run as formulas
    made text."""

    def __init__(self, table: tables.Table):
        super().__init__(TableExport.CSV, table)

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        rows = table.as_values(exclude_columns=exclude_columns)
        dataset = Dataset(headers=next(rows))
        for row in rows:
            dataset.append([_safe_cell(value) for value in row])
        return dataset


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (a page that has counted them anyway, in an
    aggregate it shows), so it does not count them again."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return super().count if self._known_count is None else self._known_count


def configure(
    request: HttpRequest, table: tables.Table, *, per_page: int = PER_PAGE, count: int | None = None
) -> tables.Table:
    """Sort and page ``table`` from the query string. An unknown column is ignored (django-tables2
    drops it); a page that is not a number or not there shows the first page, with a note. The page
    size is fixed: a ``per_page`` in the address is not read. ``count``, when the view already knows
    how many rows the table has, saves the paginator's count query."""
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    asked = request.GET.get(table.prefixed_page_field, "")
    table.page_note = ""
    try:
        number = int(asked) if asked else 1
    except ValueError:
        number = 1
        table.page_note = "That page number was not understood, so the first page is shown."
    paging = {"paginator_class": CountedPaginator, "count": count}
    try:
        table.paginate(page=number, per_page=per_page, **paging)
    except EmptyPage:
        table.paginate(page=1, per_page=per_page, **paging)
        table.page_note = f"There is no page {number}, so the first page is shown."
    return table


def staff_list(
    request: HttpRequest,
    table: tables.Table,
    *,
    export_name: str,
    may_export: bool,
    per_page: int = PER_PAGE,
) -> HttpResponse | None:
    """Configure ``table`` for the page, or answer its CSV download. Returns the CSV response when
    ``?_export=csv`` was asked (refused with a 403 when ``may_export`` is false), else None and the
    view renders the page. Any other export format is ignored: the page is shown."""
    table.may_export = may_export
    if request.GET.get(EXPORT_PARAM) == TableExport.CSV:
        if not may_export:
            raise PermissionDenied("Only EEC staff download staff lists.")
        table.request = request
        order_by = request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        response = CSVExport(table).response(filename=f"{slugify(export_name)}.csv")
        response["Cache-Control"] = "private, no-store"
        return response
    configure(request, table, per_page=per_page)
    return None
