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
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.timezone import template_localtime
from django_tables2 import utils as tables_utils
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

    def count_text(self) -> str:
        """ "Showing 1–50 of 1,824 applications." on a page of many, else "12 applications."."""
        count = self.paginator.count
        noun = self.noun if count == 1 else self.noun_plural
        if getattr(self, "page", None) and self.paginator.num_pages > 1:
            return f"Showing {intcomma(self.page.start_index())}–{intcomma(self.page.end_index())} of {intcomma(count)} {noun}."
        return f"{intcomma(count)} {noun}."

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if caption:
            self.caption = caption

    def page_cells(self):
        """The page's rows as (row, [(the cell's <td> attributes, the cell), ...]), each cell as
        django-tables2's ``BoundRow.items`` renders it, with two of its costs paid once per page
        rather than once per cell: the columns (``items`` looks each one up again by name, walking
        them all) and a column's attributes (a dozen dict merges each), unless the column computes
        them from the record. (django-tables2 3.0: ``_get_and_render_with`` and ``_call_render``
        are what ``BoundRow.get_cell`` calls.)"""
        columns = list(self.columns)
        by_column: dict[str, str] = {}
        for row in self.paginated_rows:
            cells = []
            for column in columns:
                cell = row._get_and_render_with(column, render_func=row._call_render, default=column.default)
                # as BoundRow.items: a callable attribute reads the cell's value and record
                column.current_value, column.current_record = cell, row.record
                attrs = by_column.get(column.name)
                if attrs is None:
                    attrs = column.attrs["td"].as_html()
                    if not _per_record(column):
                        by_column[column.name] = attrs
                cells.append((attrs, cell))
            yield row, cells


def _per_record(column) -> bool:
    """Whether a column's <td> attributes may differ from row to row (a callable among them)."""
    declared = {
        **column._table.attrs.get("td", {}),
        **column.column.attrs.get("td", {}),
        **column.column.attrs.get("cell", {}),
    }
    return any(callable(value) for value in declared.values())


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


# django-tables2 asks ``inspect.signature`` which arguments a column's ``render_<name>``, ``value_<name>``
# or ``linkify`` callable takes, for every cell it renders: a third of a fifty-row page's time. A
# function's signature does not change, so it is worked out once per function (a bound method by its
# function, as bound).
_SIGNATURES: dict = {}
_MAX_SIGNATURES = 4096
_signature = tables_utils.signature


def _signature_once(fn):
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _SIGNATURES[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable
        return _signature(fn)
    if len(_SIGNATURES) >= _MAX_SIGNATURES:
        _SIGNATURES.clear()
    found = _SIGNATURES[key] = _signature(fn)
    return found


tables_utils.signature = _signature_once
