"""Helpers for the staff-list tests (django-filter + django-tables2 lists, pac/tables.py)."""

from __future__ import annotations

import csv
import io


def listed(response) -> list:
    """The records on the page's table, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [row.record for row in response.context["table"].paginated_rows]


def csv_rows(response) -> list[list[str]]:
    """The downloaded CSV as rows (the header first)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment; filename="), response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def with_query(url: str, **params) -> str:
    from urllib.parse import urlencode

    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
