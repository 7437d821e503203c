"""Growth charts drawn once per change of their data, then served from the cache.

matplotlib takes about a quarter of a second to draw a chart, the same on every request. A chart
is drawn again only when what it shows may have changed; until then the SVG comes from Django's
cache (Redis), and a browser that already holds it gets 304 Not Modified.

What may change a chart is read in one query of indexed aggregates (``*_chart_version``): how many
rows the chart reads and the newest ``history_date`` of their history (django-simple-history
records every save and delete made through PAC and the admin), the stored results' count and
sum (a correction of a score directly in the database), the reference figures, tools and domains
(titles, thresholds), and today's date (a reference figure applies between dates). The hash of
those values, with the drawing code's own hash, is the chart's version: its cache key and ETag.

The pages embed a chart by a signed address (``signed_url``), minted while the page is answered,
after the page's own permission check: it names the version's cache key and expires within half
an hour. ``views.cached_chart`` serves the cached bytes for a valid address without reading the
session or the database, as a short-lived signed URL to object storage would, so a chart costs
about what a static file does (docs/benchmarks.md). Anything else (an address expired, a chart
not yet drawn or pushed out of the cache, Redis down) is redirected to the chart's own view,
which checks the permission first on every request, draws on a miss and answers 304 to a browser
that holds the version. Its answers are ``private, no-cache``: the browser may keep the chart but
asks each time. A signed address's chart does not change (the version is in it), so the browser
keeps it until the address expires.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache as once
from pathlib import Path
from urllib.parse import urlencode

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from pac import versioned
from pac.models import Person, Program
from pairings.models import Pair

from . import charts, selectors
from .models import Domain, DomainResult, Instrument, Observation, ReferenceFigure

SVG = "image/svg+xml"
TIMEOUT = 60 * 60 * 24  # a day: the version holds the date, so yesterday's charts are not asked for again
PREFIX = "evaluation:chart"


@once
def _drawing_version() -> str:
    """Changes when the drawing code does, so a deploy that restyles the charts draws them anew."""
    return hashlib.sha256(Path(charts.__file__).read_bytes()).hexdigest()[:12]


@dataclass(frozen=True)
class ChartVersion:
    name: str  # which chart: "pair:12:tool:3", "cohort:scores:instrument=pre_k&year=4"
    data: str  # the hash of what may change it (and of the drawing code)
    last_modified: datetime.datetime

    @property
    def key(self) -> str:
        return f"{PREFIX}:{self.name}:{self.data}"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.key.encode()).hexdigest()[:24] + '"'


_table, _history_table, _in_one_query = versioned.table, versioned.history_table, versioned.in_one_query
Value = versioned.Value


def _reference_values() -> list[Value]:
    """Titles, domain codes and reference lines every growth chart draws."""
    values = []
    for model in (ReferenceFigure, Instrument, Domain):
        history = _history_table(model)
        values += [("MAX(history_date)", history, "1 = 1", []), ("COUNT(*)", history, "1 = 1", [])]
    return values


def _version(name: str, values: tuple) -> ChartVersion:
    today = timezone.localdate()
    data = hashlib.sha256(repr((values, today.isoformat(), _drawing_version())).encode()).hexdigest()[:24]
    # a reference figure may start or stop applying at midnight: the chart is never older than today
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    changed = [v for v in values if isinstance(v, datetime.datetime)]
    return ChartVersion(name=name, data=data, last_modified=max([midnight, *changed]))


@dataclass(frozen=True)
class PairChartVersion(ChartVersion):
    pair_id: int = 0
    instrument_id: int = 0  # the tool drawn

    def for_tool(self, instrument_id: int) -> PairChartVersion:
        """The same data's version of the pair's chart on another of its tools."""
        return replace(self, name=f"pair:{self.pair_id}:tool:{instrument_id}", instrument_id=instrument_id)


def pair_chart_version(pair_id: int, instrument_code: str = "") -> PairChartVersion | None:
    """The version of a pair's growth chart on the tool ``instrument_code`` (the first of the
    pair's tools when it has no observation on that one), or None when the pair has no
    observation yet. One query."""
    observations, history = _table(Observation), _history_table(Observation)
    tools = f"{observations} o JOIN {_table(Instrument)} i ON i.id = o.instrument_id"
    results = f"{_table(DomainResult)} r JOIN {observations} o ON o.id = r.observation_id"
    pair = "pair_id = %s"
    row = _in_one_query(
        [
            ("MIN(o.instrument_id)", tools, "o.pair_id = %s AND i.code = %s", [pair_id, instrument_code]),
            ("MIN(instrument_id)", observations, pair, [pair_id]),
            ("COUNT(*)", observations, pair, [pair_id]),
            ("MAX(id)", observations, pair, [pair_id]),
            ("MAX(history_date)", history, pair, [pair_id]),
            ("COUNT(*)", history, pair, [pair_id]),
            ("COUNT(*)", results, "o.pair_id = %s", [pair_id]),
            ("SUM(r.score)", results, "o.pair_id = %s", [pair_id]),
            *_reference_values(),
        ]
    )
    chosen, first, *data = row
    instrument_id = chosen or first
    if instrument_id is None:
        return None
    version = _version(f"pair:{pair_id}:tool:{instrument_id}", tuple(_plain(v) for v in data))
    return PairChartVersion(**version.__dict__, pair_id=pair_id, instrument_id=instrument_id)


def cohort_chart_version(query: dict[str, str], chart: str) -> ChartVersion:
    """The version of a cohort chart (``query``: the filter, ``chart``: "scores" or "effects"). A
    cohort chart reads every observation of the year in scope, and its scope follows pairs,
    mentees and programs: any change to one of them is a new version. One query."""
    return cohort_chart_versions(query, (chart,))[chart]


def cohort_chart_versions(
    query: dict[str, str], names: tuple[str, ...] = ("scores", "effects")
) -> dict[str, ChartVersion]:
    """The versions of several cohort charts of the same filter (the analytics page shows two), in
    one query: they read the same data."""
    values: list[Value] = []
    for model in (Observation, Pair, Person, Program):
        table = _table(model)
        values += [("MAX(id)", table, "1 = 1", []), ("MAX(history_date)", _history_table(model), "1 = 1", [])]
        if model in (Observation, Pair):  # rows removed without history (a bulk delete)
            values.append(("COUNT(*)", table, "1 = 1", []))
    results = _table(DomainResult)
    values += [("COUNT(*)", results, "1 = 1", []), ("MAX(id)", results, "1 = 1", [])]
    row = tuple(_plain(v) for v in _in_one_query([*values, *_reference_values()]))
    scope = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    return {chart: _version(f"cohort:{chart}:{scope}", row) for chart in names}


def _plain(value):
    """The same value from PostgreSQL and SQLite (a date string there, a datetime here)."""
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    if value is not None and not isinstance(value, int | datetime.datetime):
        return str(value)  # a Decimal sum
    return value


_may_store = versioned.may_store  # charts are kept in Redis only (pac.versioned)


def chart_svg(version: ChartVersion, draw: Callable[[], str]) -> str:
    """The chart of this version from the cache, or drawn (and kept) on a miss."""
    svg = cache.get(version.key)
    if svg is None:
        svg = draw()
        if _may_store():
            cache.set(version.key, svg, TIMEOUT)
    return svg


# --- signed addresses: the cached chart without the session ----------------------------------

SIGNING_SALT = "pac.evaluation.chart"
WINDOW = 15 * 60  # seconds: a page made within one window embeds the same address (the browser keeps it)


def _window() -> int:
    """PAC_CHART_ADDRESS_WINDOW (seconds) where set: the benchmark's addresses must outlast its run."""
    from django.conf import settings

    return int(getattr(settings, "PAC_CHART_ADDRESS_WINDOW", WINDOW))


def signed_url(version: ChartVersion, fallback: str) -> str:
    """The address a page embeds for a chart the person may see (the page checked): the version's
    key and ``fallback``, the chart's own (permission-checked) address, signed; it is valid for
    one to two windows from now."""
    window = _window()
    expires = (int(time.time()) // window + 2) * window
    token = signing.dumps({"k": version.key, "f": fallback, "e": expires}, salt=SIGNING_SALT)
    return reverse("evaluation:cached_chart", args=[token])


def pair_chart_urls(pair_id: int, tools) -> dict[str, str]:
    """{tool code: the signed address of the pair's chart on it}, for the growth page (which has
    checked the person may see the pair): one query for the version."""
    version = pair_chart_version(pair_id) if tools else None
    if version is None:
        return {}
    base = reverse("evaluation:pair_growth_chart", args=[pair_id])
    return {
        tool.instrument.code: signed_url(
            version.for_tool(tool.instrument.pk), f"{base}?{urlencode({'instrument': tool.instrument.code})}"
        )
        for tool in tools
    }


def cohort_chart_urls(query: dict[str, str]) -> dict[str, str]:
    """{"scores", "effects": the signed address of that cohort chart}, for the analytics page (which
    has checked the person may see it): one query for both versions."""
    base = f"{reverse('evaluation:cohort_chart')}?{urlencode(query)}"
    return {
        name: signed_url(version, base + ("&chart=effects" if name == "effects" else ""))
        for name, version in cohort_chart_versions(query).items()
    }


@dataclass(frozen=True)
class SignedChart:
    key: str
    fallback: str
    expires: int

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires


def read_signed(token: str) -> SignedChart | None:
    """What a signed address names, or None when it was not signed here (forged, cut short, edited)."""
    from django.conf import settings

    return _read_signed(token, settings.SECRET_KEY)


@functools.lru_cache(maxsize=1024)
def _read_signed(token: str, secret: str) -> SignedChart | None:
    """A token checked once per process (and per key): the same address comes with every view of the page."""
    try:
        payload = signing.loads(token, key=secret, salt=SIGNING_SALT)
        signed = SignedChart(key=str(payload["k"]), fallback=str(payload["f"]), expires=int(payload["e"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if (
        not signed.key.startswith(PREFIX + ":")
        or not signed.fallback.startswith("/")
        or signed.fallback.startswith("//")
    ):
        return None
    return signed


class _Recent:
    """The charts a process served last, as bytes, by cache key. A key names one version of one chart,
    whose bytes never change: kept here, a signed address asks Redis nothing, and nothing here can
    be stale. At most ``size`` charts (about 80 KB each)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


recent = _Recent(64)


def signed_svg_response(signed: SignedChart) -> HttpResponse | None:
    """The cached chart a valid, unexpired address names, or None (expired, or not in the cache)."""
    if signed.expired:
        return None
    svg = recent.get(signed.key)
    if svg is None:
        cached = cache.get(signed.key)
        if cached is None:
            return None
        svg = cached.encode()
        recent.put(signed.key, svg)
    response = HttpResponse(svg, content_type=SVG)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    # the address holds the version: what it answers never changes, and it is good until it expires
    response["Cache-Control"] = f"private, max-age={max(0, signed.expires - int(time.time()))}, immutable"
    return response


def svg_response(request: HttpRequest, version: ChartVersion, draw: Callable[[], str]) -> HttpResponse:
    """200 with the chart, or 304 when the browser's copy (If-None-Match / If-Modified-Since) is
    this version. Call only once the person's permission has been checked."""
    response = get_conditional_response(
        request, etag=version.etag, last_modified=int(version.last_modified.timestamp())
    )
    if response is None:
        response = HttpResponse(chart_svg(version, draw), content_type=SVG)
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["ETag"] = version.etag
    response["Last-Modified"] = http_date(version.last_modified.timestamp())
    # the browser may keep the chart but asks every time: the permission check runs on each request
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the drawings --------------------------------------------------------------------------------


def pair_chart_draw(tool: selectors.InstrumentGrowth) -> str:
    """A pair's domain scores on one tool at each time point, with the thresholds that apply."""
    _, thresholds = selectors.reference_figures(tool.instrument)
    return charts.score_bars(
        tool.chart_bars(),
        title=f"{tool.instrument.name}: domain scores by time point",
        thresholds=selectors.chart_thresholds(thresholds),
    )


def pair_chart_svg(tool: selectors.InstrumentGrowth, version: PairChartVersion | None) -> str:
    """The growth chart of one of a pair's tools, from the cache under the growth page's key
    (``version``: the pair's, from ``pair_chart_version``), or drawn."""
    if version is None:  # the observations changed while the report was put together
        return pair_chart_draw(tool)
    return chart_svg(version.for_tool(tool.instrument.pk), lambda: pair_chart_draw(tool))
