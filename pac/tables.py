"""Staff lists: one way to show a filtered, sortable, paginated table and its CSV download.

Every staff list (applications, pairs, 30-day reports, observations, survey rounds, coach reviews)
is a django-filter ``FilterSet`` (``<app>/filters.py``) feeding a django-tables2 ``Table``
(``<app>/tables.py``); the view hands both to :func:`staff_list`, which sorts and pages the table
from the query string and answers ``?_export=csv`` with the filtered, sorted rows. See
docs/staff-lists.md.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import django_tables2 as tables
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.timezone import template_localtime
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


class DateColumn(tables.DateColumn):
    """django-tables2's date column, drawn without a template: its own compiles a one-line template
    for every cell, most of a fifty-row list's rendering time. The same output: a datetime in the
    local time zone, as the ``date`` filter shows it; an empty cell's default, on the page and in the
    CSV; an ISO date in the CSV."""

    def __init__(self, format: str | None = None, short: bool = True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    def render(self, value, bound_column=None, **kwargs) -> str:
        if value in (None, ""):
            return bound_column.default if bound_column is not None else ""
        if isinstance(value, datetime.datetime):
            value = template_localtime(value)
        return date_format(value, self.date_format)


class EmptyLastDateColumn(DateColumn):
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


def configure(request: HttpRequest, table: tables.Table, *, per_page: int = PER_PAGE) -> tables.Table:
    """Sort and page ``table`` from the query string. An unknown column is ignored (django-tables2
    drops it); a page that is not a number or not there shows the first page, with a note. The page
    size is fixed: a ``per_page`` in the address is not read."""
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
    try:
        table.paginate(page=number, per_page=per_page)
    except EmptyPage:
        table.paginate(page=1, per_page=per_page)
        table.page_note = f"There is no page {number}, so the first page is shown."
    return table


def page_records(table: tables.Table) -> list:
    """The records of the rows the table shows (the page's, once paged): a list works out what its
    rows need beyond the query for these only. Read once: the page renders the same objects."""
    return [row.record for row in table.paginated_rows]


def staff_list(
    request: HttpRequest,
    table: tables.Table,
    *,
    export_name: str,
    may_export: bool,
    per_page: int = PER_PAGE,
    prepare: Callable[[list], object] | None = None,
) -> HttpResponse | None:
    """Configure ``table`` for the page, or answer its CSV download. Returns the CSV response when
    ``?_export=csv`` was asked (refused with a 403 when ``may_export`` is false), else None and the
    view renders the page. Any other export format is ignored: the page is shown.

    ``prepare``, when given, is called with the records the response shows (the page's fifty, or
    every filtered row for the CSV), for what a row needs beyond the query (computed in a fixed
    number of queries for the rows given, so a page costs the same at any size)."""
    table.may_export = may_export
    if request.GET.get(EXPORT_PARAM) == TableExport.CSV:
        if not may_export:
            raise PermissionDenied("Only EEC staff download staff lists.")
        table.request = request
        order_by = request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        if prepare is not None:
            prepare(list(table.data))  # the export below reads the same (now loaded) rows
        response = CSVExport(table).response(filename=f"{slugify(export_name)}.csv")
        response["Cache-Control"] = "private, no-store"
        return response
    configure(request, table, per_page=per_page)
    if prepare is not None:
        prepare(page_records(table))
    return None
