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


# --- the signed addresses the pages embed -------------------------------------------------------


def _embedded(client, url: str) -> list[str]:
    """The chart addresses (img src) of a page, as a browser reads them."""
    import re
    from html import unescape

    page = client.get(url)
    assert page.status_code == 200
    return [unescape(src) for src in re.findall(r'<img[^>]* src="([^"]+)"', page.content.decode())]


def test_the_growth_page_embeds_a_signed_address_served_without_the_session(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    [src] = _embedded(client, reverse("evaluation:pair_growth", args=[pair.pk]))
    assert src.startswith("/evaluation/charts/") and src.endswith(".svg")
    # not drawn yet: sent on to the chart's own view, which checks the permission and draws
    first = client.get(src)
    assert first.status_code == 302 and first.url == _chart(pair)
    drawn_chart = client.get(first.url)
    assert drawn() == 1
    # from now on the address is the cached chart, for as long as it is valid, whoever holds it
    client.logout()
    cached = client.get(src)
    assert cached.status_code == 200 and cached.content == drawn_chart.content and drawn() == 1
    assert cached["Content-Type"] == "image/svg+xml"
    assert cached["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    max_age = int(cached["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert cached["Cache-Control"].startswith("private, ") and "immutable" in cached["Cache-Control"]
    assert chart_cache.WINDOW <= max_age <= 2 * chart_cache.WINDOW
    assert "sessionid" not in cached.cookies


def test_a_signed_chart_asks_nothing_of_the_database_or_the_session(
    client, pair, staff_user, django_assert_num_queries
):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    [src] = _embedded(client, reverse("evaluation:pair_growth", args=[pair.pk]))
    client.get(client.get(src).url)  # drawn and cached
    with (
        mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=AssertionError("session read")),
        django_assert_num_queries(0),
    ):
        assert client.get(src).status_code == 200


def test_new_data_means_a_new_address(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    page = reverse("evaluation:pair_growth", args=[pair.pk])
    [before] = _embedded(client, page)
    assert _embedded(client, page) == [before]  # the same window, the same data: the browser's copy holds
    record(pair, "post", 6)
    [after] = _embedded(client, page)
    assert after != before
    chart = client.get(client.get(after).url)
    assert b"6.00" in chart.content


def test_an_expired_address_goes_back_through_the_permission_check(client, pair, staff_user, drawn):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    [src] = _embedded(client, reverse("evaluation:pair_growth", args=[pair.pk]))
    client.get(client.get(src).url)
    later = chart_cache.time.time() + 2 * chart_cache.WINDOW + 1
    with mock.patch.object(chart_cache.time, "time", return_value=later):
        expired = client.get(src)
    assert expired.status_code == 302 and expired.url == _chart(pair)
    client.logout()  # and that view asks who is asking
    with mock.patch.object(chart_cache.time, "time", return_value=later):
        assert client.get(expired.url).status_code == 302
        assert "/accounts/login/" in client.get(expired.url).url


@pytest.mark.parametrize(
    "token",
    ["nope", "", "a" * 300, "eyJrIjoiZXZhbHVhdGlvbjpjaGFydDp4In0:1abc:forged", "%00", "..%2F..%2Fetc"],
)
def test_an_address_not_signed_here_is_a_404(client, token):
    response = client.get(f"/evaluation/charts/{token}.svg")
    assert response.status_code == (400 if token == "%00" else 404)  # a NUL byte is refused at the edge
    assert b"<svg" not in response.content


def test_a_signed_address_cannot_send_elsewhere_or_read_other_keys(client):
    from django.core import signing

    def token(payload):
        return signing.dumps(payload, salt=chart_cache.SIGNING_SALT)

    later = int(chart_cache.time.time()) + 600
    for payload in (
        {"k": "evaluation:chart:x", "f": "//evil.example/", "e": later},
        {"k": "evaluation:chart:x", "f": "https://evil.example/", "e": later},
        {"k": "pac.signed-in.1:generation", "f": "/", "e": later},  # another of the cache's entries
        {"k": "evaluation:chart:x", "f": "/"},
        ["evaluation:chart:x", "/", later],
    ):
        assert client.get(reverse("evaluation:cached_chart", args=[token(payload)])).status_code == 404, payload
    # a token signed for something else (another salt) is not a chart address
    other = signing.dumps({"k": "evaluation:chart:x", "f": "/", "e": later}, salt="pac.calendar")
    assert client.get(reverse("evaluation:cached_chart", args=[other])).status_code == 404


def test_the_analytics_page_embeds_both_charts_signed_with_one_query_for_their_versions(
    client, program_year, staff_user, drawn
):
    for pair in [active_pair(program_year, staff_user) for _ in range(3)]:
        record(pair, "pre", 3)
        record(pair, "post", 4)
    client.force_login(staff_user)
    scores, effects = _embedded(client, reverse("evaluation:cohort") + f"?year={program_year.pk}")
    assert scores != effects
    for src, kind in ((scores, b"n = 3"), (effects, b"d_z")):
        fallback = client.get(src)
        assert fallback.status_code == 302 and fallback.url.startswith(reverse("evaluation:cohort_chart"))
        client.get(fallback.url)
        served = client.get(src)
        assert served.status_code == 200 and kind in served.content
    assert drawn() == 2


def test_a_staff_member_without_two_factor_is_still_sent_to_enrol_from_the_chart_view(client, pair, staff_user):
    """The two-factor rule now runs per view: the signed view is exempt, every other page is not."""
    from allauth.mfa.models import Authenticator

    record(pair, "pre", 3)
    Authenticator.objects.filter(user=staff_user).delete()
    client.force_login(staff_user)
    response = client.get(_chart(pair))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))


def test_a_process_keeps_the_charts_it_served_and_asks_redis_nothing_for_them(client, pair, staff_user):
    record(pair, "pre", 3)
    client.force_login(staff_user)
    [src] = _embedded(client, reverse("evaluation:pair_growth", args=[pair.pk]))
    client.get(client.get(src).url)  # drawn and cached
    first = client.get(src)
    with mock.patch.object(chart_cache.cache, "get", side_effect=AssertionError("asked the cache")):
        again = client.get(src)
    assert again.status_code == 200 and again.content == first.content
    # bounded: the oldest charts make way
    small = chart_cache._Recent(2)
    for n in range(3):
        small.put(f"k{n}", b"x")
    assert list(small.items) == ["k1", "k2"] and small.get("k0") is None
