"""Growth charts are drawn once per change of their data and served from the cache, with ETag and
Last-Modified for conditional GETs; the permission check still comes first on every request."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from evaluation import chart_cache, charts, pair_report, services
from evaluation.models import DomainResult, Observation
from tests.coaching.factories import active_pair
from tests.evaluation.factories import record
from tests.evaluation.test_permission_matrix import EXPECTED, ROLES
from tests.evaluation.test_permission_matrix import world as world  # noqa: F401  (the matrix's fixture)
from tests.evaluation.test_pre_post_cycle import _record, mixed_cycles, tool
from tests.evaluation.test_pre_post_cycle import fcc_observer as fcc_observer  # noqa: F401
from tests.evaluation.test_pre_post_cycle import fcc_pair as fcc_pair  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program_year, staff_user):
    return active_pair(program_year, staff_user, with_leader=True)


@pytest.fixture
def drawn():
    """Counts the charts matplotlib draws (and still draws them)."""
    with (
        mock.patch.object(charts, "score_bars", wraps=charts.score_bars) as bars,
        mock.patch.object(charts, "effect_sizes", wraps=charts.effect_sizes) as effects,
    ):
        yield lambda: bars.call_count + effects.call_count


def _chart(pair) -> str:
    return reverse("evaluation:pair_growth_chart", args=[pair.pk]) + "?instrument=pre_k"


def _cohort(program_year, chart: str = "") -> str:
    return reverse("evaluation:cohort_chart") + f"?year={program_year.pk}&instrument=pre_k" + chart


def test_a_second_request_draws_nothing(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    first = client.get(_chart(pair))
    assert first.status_code == 200 and drawn() == 1
    second = client.get(_chart(pair))
    assert second.status_code == 200 and drawn() == 1
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "image/svg+xml"
    assert second["Cache-Control"] == "private, no-cache"  # kept, but asked again every time
    assert "Last-Modified" in second


def test_the_chart_changes_when_an_observation_is_added(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    before = client.get(_chart(pair))
    record(pair, "post", 6)
    after = client.get(_chart(pair))
    assert drawn() == 2
    assert after["ETag"] != before["ETag"]
    assert b"6.00" in after.content and b"6.00" not in before.content


def test_the_chart_changes_when_an_observation_is_edited(client, pair, staff_user, drawn):
    observation = record(pair, "pre", 3)
    client.force_login(staff_user)
    before = client.get(_chart(pair))
    # a correction made in the admin or the shell is saved with its history
    observation.time_point = Observation.TimePoint.POST
    observation.save()
    edited = client.get(_chart(pair))
    assert edited["ETag"] != before["ETag"] and drawn() == 2
    # a score corrected directly in the table (no history row) still changes the chart
    DomainResult.objects.filter(observation=observation).update(score=Decimal("5.5"))
    corrected = client.get(_chart(pair))
    assert corrected["ETag"] != edited["ETag"] and drawn() == 3
    assert b"5.50" in corrected.content


def test_a_browser_with_the_current_chart_gets_304(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    first = client.get(_chart(pair))
    again = client.get(_chart(pair), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "private, no-cache"
    since = client.get(_chart(pair), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert drawn() == 1
    record(pair, "post", 5)
    stale = client.get(_chart(pair), HTTP_IF_NONE_MATCH=first["ETag"])
    assert stale.status_code == 200 and stale["ETag"] != first["ETag"]


def test_each_tool_of_a_mixed_age_room_is_its_own_chart(client, fcc_pair, fcc_observer, staff_user, drawn):
    services.pre_post_cycle_set(
        pair=fcc_pair, actor=staff_user, instrument=tool("infant"), second_instrument=tool("toddler")
    )
    _record(fcc_pair, fcc_observer, "pre", mixed_cycles())
    client.force_login(staff_user)
    url = reverse("evaluation:pair_growth_chart", args=[fcc_pair.pk])
    infant, toddler = client.get(url + "?instrument=infant"), client.get(url + "?instrument=toddler")
    assert b"Infant" in infant.content and b"Toddler" in toddler.content
    assert infant["ETag"] != toddler["ETag"] and drawn() == 2
    # a tool the pair has no observation on is its first tool, under that tool's key: nothing drawn again
    for other in ("nope", "pre_k", ""):
        assert client.get(url + f"?instrument={other}")["ETag"] == infant["ETag"]
    assert drawn() == 2


def test_a_pair_without_observations_has_no_chart(client, pair, staff_user, drawn):
    client.force_login(staff_user)
    assert client.get(_chart(pair)).status_code == 404
    assert drawn() == 0


def test_the_cohort_chart_is_cached_until_an_observation_is_added(client, program_year, staff_user, drawn):
    pairs = [active_pair(program_year, staff_user) for _ in range(3)]
    for pair in pairs:
        record(pair, "pre", 3)
        record(pair, "post", 4)
    client.force_login(staff_user)
    scores = client.get(_cohort(program_year))
    effects = client.get(_cohort(program_year, "&chart=effects"))
    assert scores.status_code == effects.status_code == 200 and drawn() == 2
    assert scores["ETag"] != effects["ETag"]
    assert client.get(_cohort(program_year)).content == scores.content and drawn() == 2
    assert client.get(_cohort(program_year), HTTP_IF_NONE_MATCH=scores["ETag"]).status_code == 304
    # another filter is another chart
    client.get(_cohort(program_year, "&region=1"))
    assert drawn() == 3
    late = active_pair(program_year, staff_user)
    record(late, "pre", 2)
    record(late, "post", 6)
    after = client.get(_cohort(program_year), HTTP_IF_NONE_MATCH=scores["ETag"])
    assert after.status_code == 200 and after["ETag"] != scores["ETag"] and drawn() == 4
    assert b"n = 4" in after.content and b"n = 3" in scores.content


def test_the_progress_report_uses_the_growth_pages_chart(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    record(pair, "post", 5)
    client.force_login(staff_user)
    client.get(_chart(pair))
    assert drawn() == 1
    pair_report.pair_progress_report(pair, user=staff_user)
    assert drawn() == 1
    record(pair, "mid", 4)  # a new observation: the report draws the new chart, the page then reuses it
    pair_report.pair_progress_report(pair, user=staff_user)
    assert drawn() == 2
    client.get(_chart(pair))
    assert drawn() == 2


def test_the_cohort_report_uses_the_analytics_pages_charts(client, program_year, staff_user, drawn):
    from evaluation.documents import cohort_report_pdf
    from evaluation.models import Instrument
    from evaluation.selectors import CohortFilter

    for pair in [active_pair(program_year, staff_user) for _ in range(3)]:
        record(pair, "pre", 3)
        record(pair, "post", 5)
    client.force_login(staff_user)
    client.get(_cohort(program_year))
    client.get(_cohort(program_year, "&chart=effects"))
    assert drawn() == 2
    cohort_report_pdf(CohortFilter(program_year=program_year, instrument=Instrument.objects.get(code="pre_k")))
    assert drawn() == 2


@pytest.mark.parametrize("role", ROLES)
def test_a_cached_chart_goes_only_to_those_who_may_see_it(client, world, staff_user, role):
    """The permission matrix holds once staff have had the charts drawn and cached, and a browser
    presenting the cached chart's ETag is refused as well (never a 304)."""
    users, pages = world
    client.force_login(staff_user)
    etags = {name: client.get(pages[name])["ETag"] for name in ("pair growth chart", "cohort chart")}
    client.force_login(users[role])
    for name, etag in etags.items():
        allowed = role in EXPECTED[name]
        plain = client.get(pages[name])
        conditional = client.get(pages[name], HTTP_IF_NONE_MATCH=etag)
        if allowed:
            assert (plain.status_code, conditional.status_code) == (200, 304), name
        else:
            assert plain.status_code in (403, 404) and conditional.status_code in (403, 404), name
            assert b"<svg" not in plain.content + conditional.content


def test_anonymous_visitors_with_a_cached_etag_are_sent_to_sign_in(client, world, staff_user):
    users, pages = world
    client.force_login(staff_user)
    etag = client.get(pages["pair growth chart"])["ETag"]
    client.logout()
    response = client.get(pages["pair growth chart"], HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_version_is_one_query(pair, django_assert_num_queries):
    record(pair, "pre", 3)
    with django_assert_num_queries(1):
        version = chart_cache.pair_chart_version(pair.pk, "pre_k")
    assert version is not None and version.key.startswith("evaluation:chart:pair:")
    with django_assert_num_queries(1):
        chart_cache.cohort_chart_version({"year": "1", "instrument": "pre_k"}, "scores")


@pytest.mark.redis
def test_while_redis_is_down_charts_are_drawn_but_not_kept_in_the_database(
    client, pair, staff_user, redis_cache, drawn
):
    """The database fallback culls by key order when full: charts must not push out rate limits
    and used two-factor codes, so they are kept in Redis only."""
    from django.core.cache import caches

    record(pair, "pre", 3)
    client.force_login(staff_user)
    assert client.get(_chart(pair)).status_code == 200
    assert redis_cache.keys("*evaluation:chart*")
    redis_cache.stop()
    try:
        assert client.get(_chart(pair)).status_code == 200  # drawn again, not stored
        assert client.get(_chart(pair)).status_code == 200
        assert drawn() == 3
        fallback = caches["fallback"]
        version = chart_cache.pair_chart_version(pair.pk, "pre_k")
        assert fallback.get(version.key) is None
    finally:
        redis_cache.start()
