"""Views never write on GET: for each role, every URL pattern of the site (and, for staff, the
admin's pages) is opened with GET, with its parameters filled from real rows and from hostile
values, and no INSERT, UPDATE or DELETE may run while it answers.

The walk reuses the fuzz test's world, URL walk and roles (tests/test_fuzz.py). Signing in is not
part of it: each role is signed in with ``force_login`` before the walk starts, so the session row
and ``last_login`` written by signing in are outside what is measured, and nothing here has to be
excused. A page that needs a row that is not there yet shows that state and offers a POST to make
it (the 30-day report of a period the daily task has not opened yet: coaching.views.report_for_period).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching.services import reports_open_due
from tests.test_fuzz import ROLES, _admin_urls, _fill, _real, _site_patterns, _template, _world

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)
# A NUL and friends are answered 400 at the edge; one hostile value that reaches the views is enough.
HOSTILE_VALUE = "99999999999999999999"


def _writes(captured) -> list[str]:
    return [q["sql"] for q in captured if WRITE.match(q["sql"])]


def _urls(role: str, world) -> list[str]:
    """Each pattern with its two newest real rows and with a hostile value (or, without
    parameters, with hostile query values); the admin's pages for staff."""
    urls = []
    for parts, name in _site_patterns():
        template = _template(parts)
        params = re.findall(r"{(\w+)}", template)
        real = {p: _real(name, p, world) for p in params}
        for i in (0, 1):
            url = _fill(template, {p: values[i % len(values)] for p, values in real.items()})
            if url not in urls:
                urls.append(url)
        if params:
            urls.append(_fill(template, dict.fromkeys(params, HOSTILE_VALUE)))
        else:
            urls.append(_fill(template, {}) + "?year=99999999999&page=-1")
    if role == "staff":
        urls += _admin_urls()
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_to_the_database(
    client, program_year, staff_user, reviewer, observer, evaluator, facilitator, role, clip_file
):
    world = _world(program_year, staff_user, reviewer, observer, evaluator, facilitator, clip_file)
    reports_open_due()  # the drafts the hourly task opens, so the report pages are walked with real rows
    client.raise_request_exception = False
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    found = []
    for url in _urls(role, world):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        found += [f"GET {url} ({response.status_code}): {sql[:200]}" for sql in _writes(captured)]
    assert not found, "\n".join(found)


def test_the_check_tells_a_write_from_a_read(staff_user):
    from django.db import transaction

    from pac.models import Tag

    with CaptureQueriesContext(connection) as captured:
        tag = Tag.objects.create(kind="class", code="written-on-get", name="Written on GET")
        Tag.objects.filter(pk=tag.pk).update(name="Changed")
        with transaction.atomic():
            list(Tag.objects.select_for_update().filter(pk=tag.pk))
        Tag.objects.filter(pk=tag.pk).delete()
    # the row and its history row are written; the locking read is not a write
    assert {sql.split()[0].upper() for sql in _writes(captured)} == {"INSERT", "UPDATE", "DELETE"}
    assert len(_writes(captured)) < len(captured)
