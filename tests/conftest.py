"""Fixtures shared by every test: people in each role, a program year, Playwright on the system Chromium."""

import datetime
import os
import shutil

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from pac.roles import StaffRole
from pac.services import role_grant
from tests.factories import ParticipationFactory, PersonFactory, ProgramYearFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server with sync Playwright

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, test-only


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code of the current 30-second window (with MFA_TOTP_TOLERANCE the server also accepts
    the neighbouring windows, so a code made just before a boundary is still good when submitted)."""
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and used TOTP codes live in the cache: start every test clean (and the charts
    each process keeps of what it served from it)."""
    from django.core.cache import cache

    from evaluation.chart_cache import recent

    cache.clear()
    recent.items.clear()
    yield
    cache.clear()
    recent.items.clear()


@pytest.fixture(autouse=True)
def _browser_console(request):
    """A browser journey kept beside its app's tests (tests/evaluation/surveys/test_browser.py)
    fails on console errors and CSP violations as those in tests/browser/ do."""
    if request.node.get_closest_marker("browser") is None or "console_problems" in request.fixturenames:
        yield None
        return
    from tests.browser.conftest import watch_console

    yield from watch_console(request.getfixturevalue("browser"), request.getfixturevalue("monkeypatch"))


@pytest.fixture(scope="session")
def clip_file(tmp_path_factory):
    """A 2-second 320x240 H.264/AAC MP4 made by FFmpeg once per test run (no video is committed)."""
    from tests.evidence.clips import make_clip

    return make_clip(tmp_path_factory.mktemp("clips") / "classroom.mp4", seconds=2.0)


@pytest.fixture
def program_year(db):
    """The 2026–27 cohort, taking applications today (the services refuse an applicant's change
    outside the window; tests of a closed window make their own year)."""
    today = datetime.date.today()
    return ProgramYearFactory(
        applications_open_on=today - datetime.timedelta(days=30),
        applications_close_on=today + datetime.timedelta(days=30),
    )


def _staff_like(role: StaffRole, **kwargs):
    user = UserFactory(**kwargs)
    role_grant(user=user, role=role)
    PersonFactory(user=user, email=user.email, program=None)
    return user


@pytest.fixture
def staff_user(db):
    """EEC staff, already enrolled in TOTP two-factor sign-in."""
    user = _staff_like(StaffRole.EEC_STAFF, email="staff@example.org")
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def reviewer(db):
    return _staff_like(StaffRole.REVIEWER)


@pytest.fixture
def evaluator(db):
    return _staff_like(StaffRole.EVALUATOR)


@pytest.fixture
def observer(db):
    return _staff_like(StaffRole.CLASS_OBSERVER)


@pytest.fixture
def facilitator(db):
    return _staff_like(StaffRole.PLC_FACILITATOR)


@pytest.fixture
def mentee(db, program_year):
    return ParticipationFactory(program_year=program_year).person.user


@pytest.fixture
def plain_user(db):
    return UserFactory()


# --- Playwright: the system Chromium; Playwright cannot download its own browsers here


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


SEED_MIGRATIONS = [
    "pac.migrations.0002_seed_regions_age_groups",
    "pac.migrations.0004_seed_tags",
    "applications.migrations.0002_seed_templates_and_rubrics",
    "pairings.migrations.0003_default_confidentiality_text",
    "coaching.migrations.0002_default_report_template",
    "evaluation.migrations.0002_class_instruments",
    "evaluation.migrations.0005_reference_figures_and_coach_survey",
    "evaluation.migrations.0009_seed_interview_protocols",
]


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A committing test's database with the data the migrations seed (regions, age groups, tags,
    MOU templates, rubrics). An earlier committing test ends by flushing the database, which
    removes that data; the migrations' own seed functions put it back."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.sites.models import Site

    from pac.models import AgeGroup, Region, Tag

    if not (Region.objects.exists() and AgeGroup.objects.exists() and Tag.objects.exists()):
        for module in SEED_MIGRATIONS:  # each seed is idempotent (update_or_create)
            import_module(module).seed(apps, None)
    if not Site.objects.filter(name="PAC").exists():  # a flush leaves Django's default, example.com
        import_module("pac.migrations.0008_site_name").name_the_site(apps, None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run tests that commit (browser journeys, the real worker) last, as Django does with
    TransactionTestCase: they end by flushing the database, which would remove the data the
    migrations seed (regions, tags, rubrics) from under the tests that follow. Another plugin's
    ordering (pytest-playwright groups by browser) runs before this one, so it is done again here."""

    def commits(item) -> bool:
        marker = item.get_closest_marker("django_db")
        return bool(marker and marker.kwargs.get("transaction")) or "seeded_transactional_db" in getattr(
            item, "fixturenames", ()
        )

    items.sort(key=commits)


@pytest.fixture
def celery_on_redis():
    """Tasks go to the real Redis instead of running eagerly. The value starts a worker (a context
    manager), so a test can let work queue up first and start the worker when it wants it to run."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from pac.celery import app

    redis_url = settings.PAC_TEST_REDIS_URL

    def reset_connections():
        app._pool = None  # connection pools are built lazily from broker_url
        app.amqp._producer_pool = None

    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    reset_connections()
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # start from an empty queue
    try:
        yield lambda: start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING")
    finally:
        app.conf.update(previous)
        reset_connections()


class RedisServer:
    """A redis-server of the test's own on a free port, so a test can stop it (and start it again)
    without touching the Redis other tests and helpers use."""

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess
        import time

        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603  (our own argument list)
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self, pattern: str = "*") -> list[bytes]:
        import redis

        return redis.Redis.from_url(self.url).keys(pattern)


@pytest.fixture
def redis_cache(settings):
    """The site's cache on a real Redis of this test's own (see RedisServer), falling back to the
    database table as in production; the test may stop and restart the server."""
    from django.core.cache import caches

    from pac.settings.base import redis_caches

    server = RedisServer()
    server.start()
    settings.CACHES = redis_caches(server.url)
    caches["fallback"].clear()
    try:
        yield server
    finally:
        server.stop()
        caches["fallback"].clear()
