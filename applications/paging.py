"""Pages of a list that is not a staff table (the Reviews page, the interview slots): 50 rows a
page, the page number from ``?page=``, a page that is not a number or past the end showing the
first page with a note, as the staff lists do (pac/tables.py).

The rows of a page and the list's counts come in one query: the counts are window aggregates over
the whole list (``COUNT(*) OVER ()``), computed before the page is cut, so a page needs no count
query of its own.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.http import HttpRequest

from pac.tables import CountedPaginator

PER_PAGE = 50
MAX_PAGE = 10**6  # past this the offset is no page of any list, and could overflow the database's integer
_TOTAL = "paging_total"


def _asked(asked: str) -> tuple[int, str]:
    """The page number asked for, and a note when the first page is shown instead."""
    number, note = 1, ""
    if asked:
        try:
            number = int(asked)
        except ValueError:
            note = "That page number was not understood, so the first page is shown."
        if not 1 <= number <= MAX_PAGE:
            number, note = 1, f"There is no page {asked}, so the first page is shown."
    return number, note


def page_of(request: HttpRequest, queryset: QuerySet, *, per_page: int = PER_PAGE, **counts: Q) -> Page:
    """The page ``?page=`` asks for, in one query. ``page.note`` says why the first page is shown
    instead of the one asked; ``page.counts`` holds, for each keyword given, how many rows of the
    whole list match its condition (``open=Q(status="assigned")``)."""
    asked = request.GET.get("page", "")
    number, note = _asked(asked)
    queryset = queryset.annotate(
        **{_TOTAL: Window(Count("pk"))},
        **{f"paging_{name}": Window(Count("pk", filter=condition)) for name, condition in counts.items()},
    )
    rows = list(queryset[(number - 1) * per_page : number * per_page])
    if not rows and number > 1:
        note = f"There is no page {asked}, so the first page is shown."
        number, rows = 1, list(queryset[:per_page])
    first = rows[0] if rows else None
    paginator = CountedPaginator(queryset, per_page, count=getattr(first, _TOTAL, 0))
    page = Page(rows, number, paginator)
    page.note = note
    page.counts = {name: getattr(first, f"paging_{name}", 0) for name in counts}
    page.numbers = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page


def page_counted(request: HttpRequest, queryset: QuerySet, *, per_page: int = PER_PAGE) -> Page:
    """The page ``?page=`` asks for, as ``page_of`` gives it (``note``, ``numbers``), in two queries:
    a count, and the page's rows. For a list whose order an index gives (the stored Tier 2
    results, ``Standing``): the page reads its fifty rows and their joins, where the window count
    of ``page_of`` would read every row of the list first."""
    asked = request.GET.get("page", "")
    number, note = _asked(asked)
    paginator = Paginator(queryset, per_page)
    if number > paginator.num_pages:
        number, note = 1, f"There is no page {asked}, so the first page is shown."
    page = paginator.page(number)
    page.note = note
    page.numbers = list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
    return page
