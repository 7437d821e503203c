"""Benchmark PAC's pages under load, at two scales of demo data, against the framework's own floor.

    .venv/bin/python -m tests.benchmarks.bench_pages            # scales 1 and 20, 3 s per run, 3 rounds
    .venv/bin/python -m tests.benchmarks.bench_pages --quick    # scales 1 and 2, 1 s per run, 1 round
    options: --scales 1,20 --duration 3 --rounds 3 --connections 8 --workers 2 --write docs/benchmarks.md
             --only staff-progress,... (those pages and their yardsticks; writes no report unless --write)
             --keep (keep pac_bench_s<N> at the end) --reuse (use them again: migrated, not reseeded)

Not part of the test suite (its name does not match test_*.py); ``make benchmark`` runs it. In one
run it:

1. creates a PostgreSQL database per scale (``pac_bench_s1``, ``pac_bench_s20``; the server and
   credentials of DATABASE_URL), migrates it and loads ``seed_demo --scale N`` into it;
2. prepares each one in a child process on ``pac.settings.benchmark``: a TOTP authenticator for
   staff (the two-factor middleware would redirect them otherwise), a signed-in session per demo
   login, the address of every page in ``tests/benchmarks/pages.py``, each page's queries (one
   request through the test client) and EXPLAIN of each of them, and the bytes of the two charts,
   copied into static files of the same size;
3. starts gunicorn (2 workers) on each database, checks every page answers 200 as its role (a
   redirect or a 403 is a bug in the benchmark: it stops), warms them up, and runs wrk against
   every page, round-robin over all pages and scales, ``--rounds`` times (the median is kept);
4. writes the table (queries, p50/p95, requests per second, ratios to the bare view and the admin
   changelist, a ✓ or ✗ per target) with the sequential scans EXPLAIN found to docs/benchmarks.md.

Nothing here asserts a time; the tests assert query counts.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "benchmarks.md"
SETTINGS = "pac.settings.benchmark"
BIG_TABLE = 10_000  # rows: a sequential scan on a bigger table is reported

# Targets (issue 14): list and dashboard pages at least as fast as the admin changelist of the same
# records and at least a quarter of the bare view; p95 under 300 ms at the largest scale; a page's
# p50 at the largest scale within 2x its smallest scale's; a bare view behind a staff session within
# 1.5x the anonymous one; a cached chart within 2x a static file of the same size.
MIN_VS_ADMIN = 1.0
MIN_VS_BARE = 0.25
MAX_P95_MS = 300
MAX_GROWTH = 2.0
MIN_SIGNED_IN_VS_ANONYMOUS = 1 / 1.5
MIN_CHART_VS_STATIC = 1 / 2
# A run that answers fewer requests than there are connections is run again this many times longer.
SLOW_RUN = 4

# wrk reports through this script: p95 is not among the percentiles --latency prints, and a response
# other than 200 (a redirect, which wrk does not count as an error) must not pass for a fast page.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("not_ok") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "not_ok": %d, "errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


# --- the child: prepares one seeded database (runs with Django set up on pac.settings.benchmark)


def prepare(files_dir: Path, only: set[str] | None) -> dict:
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.db import connection, transaction
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from applications.models import Application, ReviewAssignment, Score
    from coaching.models import Meeting, ThirtyDayReport
    from evaluation.models import Observation
    from pac.models import User
    from pac.permissions import requires_two_factor
    from pairings.models import Pair
    from tests.benchmarks.pages import CHART, STATIC, selected

    with connection.cursor() as cursor:  # planner statistics as a database in service would have them
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]

    pages = selected(only)
    clients: dict[str | None, Client] = {}
    cookies: dict[str, str] = {}
    for role in sorted({page.role for page in pages if page.role}):
        user = User.objects.get(email=f"{role}@pac.demo")
        if requires_two_factor(user) and not Authenticator.objects.filter(user=user, type="totp").exists():
            TOTP.activate(user, generate_totp_secret())  # in the benchmark's own database only
        client = Client()
        client.force_login(user)
        csrf = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf
        clients[role] = client
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    clients[None] = Client()

    found: dict[str, dict] = {}
    plans: list[dict] = []
    chart_bytes: dict[str, bytes] = {}
    for page in pages:
        if page.kind == STATIC:
            continue
        client = clients[page.role]
        path = page.resolve(client)
        client.get(path, follow=True)  # warm-up: imports, caches, the first chart drawing
        statements: list[tuple[str, tuple]] = []

        def capture(execute, sql, params, many, context, statements=statements):
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            response = client.get(path)
        found[page.key] = {"path": path, "status": response.status_code, "queries": len(statements)}
        if response.status_code != 200:
            found[page.key]["location"] = response.get("Location", "")
            continue
        if page.kind == CHART:
            chart_bytes[page.key] = response.content
        for sql, params in statements:
            plans.extend(_seq_scans(connection, transaction, page.key, sql, params))

    files_dir.mkdir(parents=True, exist_ok=True)
    for page in pages:
        if page.kind == STATIC and page.copy_of in chart_bytes:
            (files_dir / page.path.lstrip("/")).write_bytes(chart_bytes[page.copy_of])
            found[page.key] = {"path": page.path, "status": 200, "queries": 0}

    rows = {
        "users": User.objects.count(),
        "applications": Application.objects.count(),
        "review assignments": ReviewAssignment.objects.count(),
        "scores": Score.objects.count(),
        "pairs": Pair.objects.count(),
        "meetings": Meeting.objects.count(),
        "30-day reports": ThirtyDayReport.objects.count(),
        "observations": Observation.objects.count(),
    }
    return {"pages": found, "cookies": cookies, "rows": rows, "seq_scans": plans, "postgres": server_version}


def _seq_scans(connection, transaction, key: str, sql: str, params) -> list[dict]:
    """Sequential scans in the plan of one of a page's SELECTs, on tables over BIG_TABLE rows."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - a statement EXPLAIN cannot take is reported, not fatal
        return [{"page": key, "table": "(EXPLAIN failed)", "rows": 0, "sql": f"{exc.__class__.__name__}: {sql}"}]
    if isinstance(plan, str):
        plan = json.loads(plan)
    tables = set()

    def walk(node):
        if node.get("Node Type") == "Seq Scan":
            tables.add(node["Relation Name"])
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    found = []
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s AND relkind = 'r'", [table])
            row = cursor.fetchone()
            if row and row[0] > BIG_TABLE:
                found.append({"page": key, "table": table, "rows": row[0], "sql": " ".join(sql.split())})
    return found


# --- the parent: databases, servers, wrk, the report (no Django here)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,20", help="comma-separated seed_demo scales (default 1,20)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is kept (default 3)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="scales 1,2; 1 s per run; 1 round")
    parser.add_argument("--only", default="", help="comma-separated page keys (the yardsticks are always timed)")
    parser.add_argument("--db-prefix", default="pac_bench")
    parser.add_argument("--reuse", action="store_true", help="reuse a database left by --keep (migrated, not reseeded)")
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    parser.add_argument(
        "--write", type=Path, help="where the report goes (default docs/benchmarks.md; with --only, nowhere)"
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    only = {key for key in args.only.split(",") if key} or None
    if args.write is None and not only:
        args.write = OUTPUT

    if args.prepare:  # the child
        args.out.write_text(json.dumps(prepare(args.files, only)))
        return 0

    if args.quick:
        args.scales, args.duration, args.rounds = "1,2", 1, 1
    scales = sorted({int(s) for s in args.scales.split(",")})
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    if not os.access(wrk, os.X_OK):
        sys.exit("wrk is needed (Debian/Ubuntu: sudo apt-get install wrk)")
    base_url = _database_url()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

    from tests.benchmarks.pages import selected  # plain data: the parent needs no Django

    pages = selected(only)
    started = datetime.datetime.now()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="pac-bench-"))
    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    servers: list[subprocess.Popen] = []
    databases: dict[int, str] = {}
    try:
        prepared: dict[int, dict] = {}
        seeded_in: dict[int, float | None] = {}
        for scale in scales:
            name = f"{args.db_prefix}_s{scale}"
            databases[scale] = name
            url = _with_database(base_url, name)
            seeded_in[scale] = _create_and_seed(base_url, name, url, scale, reuse=args.reuse)
            print(f"[s{scale}] preparing {name}", flush=True)
            out = work / f"s{scale}.json"
            command = [sys.executable, "-m", "tests.benchmarks.bench_pages", "--prepare", "--out", str(out)]
            command += ["--files", str(work / f"s{scale}")]
            if only:
                command += ["--only", ",".join(sorted(only))]
            _run(command, _env(url, redis_url))
            prepared[scale] = json.loads(out.read_text())
            wrong = {k: v for k, v in prepared[scale]["pages"].items() if v["status"] != 200}
            if wrong:
                raise SystemExit(f"Pages that do not answer 200 for their role at scale {scale}: {wrong}")
        _collect_static(_env(_with_database(base_url, databases[scales[0]]), redis_url))

        ports: dict[int, int] = {}
        for scale in scales:
            ports[scale] = _free_port()
            env = _env(_with_database(base_url, databases[scale]), redis_url)
            env["PAC_BENCHMARK_FILES"] = str(work / f"s{scale}")
            servers.append(_gunicorn(ports[scale], args.workers, env))
        for scale in scales:
            _wait_for(ports[scale])
            _check_and_warm(pages, prepared[scale], ports[scale], scale)

        runs: dict[tuple[int, str], list[dict]] = {}
        for round_number in range(1, args.rounds + 1):
            for scale in scales:
                for page in pages:
                    path = prepared[scale]["pages"][page.key]["path"]
                    cookie = prepared[scale]["cookies"].get(page.role, "") if page.role else ""
                    result = _wrk(wrk, script, ports[scale], path, cookie, args, args.duration)
                    _drain(ports[scale], args.workers)
                    if result["requests"] < args.connections:  # too few answers to tell: a longer run
                        result = _wrk(wrk, script, ports[scale], path, cookie, args, args.duration * SLOW_RUN)
                        _drain(ports[scale], args.workers)
                    runs.setdefault((scale, page.key), []).append(result)
                    print(
                        f"[round {round_number}/{args.rounds} s{scale}] {page.key:<24} {result['duration']:3d} s "
                        f"{result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms"
                        + (
                            f"  FAILED: {result['requests']} answered, {result['not_ok']} not 200, "
                            f"{result['errors']} errors"
                            if _failed(result)
                            else ""
                        ),
                        flush=True,
                    )
        load_after = os.getloadavg()
    finally:
        for server in servers:
            _stop(server)
        if not args.keep and not args.reuse:
            for name in databases.values():
                _drop(base_url, name)
        shutil.rmtree(work, ignore_errors=True)

    report = _report(
        pages=pages,
        scales=scales,
        prepared=prepared,
        runs=runs,
        seeded_in=seeded_in,
        args=args,
        started=started,
        load=(load_before, load_after),
    )
    print(report)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report)
        print(f"Written to {args.write}")
    _write_registry_doc()
    errors = sorted({key for (_, key), results in runs.items() if any(r["not_ok"] or r["errors"] for r in results)})
    if errors:
        print(f"Pages that failed under load: {', '.join(errors)}", file=sys.stderr)
        return 1
    return 0


def _database_url() -> str:
    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://user:password@host:port/any")
    return url


def _with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _connect(base_url: str):
    import psycopg

    return psycopg.connect(_with_database(base_url, "postgres"), autocommit=True)


def _exists(base_url: str, name: str) -> bool:
    with _connect(base_url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _drop(base_url: str, name: str) -> None:
    from psycopg import sql

    with _connect(base_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _create_and_seed(base_url: str, name: str, url: str, scale: int, *, reuse: bool) -> float | None:
    """Seconds seed_demo took, or None for a database reused from an earlier run."""
    from psycopg import sql

    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "pac.settings.local", "DEBUG": "0"}
    env["REDIS_URL"] = ""  # seed as `make demo` does: tasks and document jobs in the process
    if reuse and _exists(base_url, name):
        print(f"[s{scale}] reusing {name}", flush=True)
        _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        return None
    _drop(base_url, name)
    with _connect(base_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"[s{scale}] migrating and seeding {name} (seed_demo --scale {scale})", flush=True)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    began = time.perf_counter()
    _run([sys.executable, "manage.py", "seed_demo", "--scale", str(scale), "--quiet-logins"], env)
    return time.perf_counter() - began


def _env(url: str, redis_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": SETTINGS}


def _run(command: list[str], env: dict) -> None:
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603 (our own commands)
    if completed.returncode:
        raise SystemExit(f"Failed ({completed.returncode}): {' '.join(command)}")


def _collect_static(env: dict) -> None:
    """WhiteNoise serves the collected files with DEBUG off; collect them once if they are missing."""
    static_root = Path(os.environ.get("STATIC_ROOT", ROOT / "staticfiles"))
    if not (static_root / "staticfiles.json").exists():
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "pac.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "120", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 (our own command)


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn's own process group (start_new_session)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if _get(port, "/bench/ok")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def _check_and_warm(pages, prepared: dict, port: int, scale: int) -> None:
    """Each page answers 200 as its role (else stop: the benchmark would time a redirect), then a few
    requests two at a time, so each worker has loaded it once."""
    wrong = []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for page in pages:
            path = prepared["pages"][page.key]["path"]
            cookie = prepared["cookies"].get(page.role, "") if page.role else ""
            for status, location in pool.map(lambda _, path=path, cookie=cookie: _get(port, path, cookie), range(4)):
                if status != 200:
                    wrong.append(f"{page.key} {path} as {page.role or 'anonymous'}: {status} {location}")
                    break
    if wrong:
        raise SystemExit(f"Pages that do not answer 200 under gunicorn at scale {scale}:\n  " + "\n  ".join(wrong))
    print(f"[s{scale}] all {len(pages)} pages answer 200 under gunicorn", flush=True)


def _drain(port: int, workers: int) -> None:
    """Wait until the workers are idle: wrk stops with requests still queued (a slow page's backlog
    would otherwise be served during the next page's run). Idle means a bare request per worker,
    sent together, all come back quickly."""
    deadline = time.monotonic() + 120
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        while time.monotonic() < deadline:
            began = time.perf_counter()
            list(pool.map(lambda _: _get(port, "/bench/ok"), range(workers)))
            if time.perf_counter() - began < 0.1:
                return


def _wrk(wrk: str, script: Path, port: int, path: str, cookie: str, args, duration: int) -> dict:
    command = [wrk, "-c", str(args.connections), "-t", str(args.threads), "-d", f"{duration}s"]
    command += ["--timeout", "30s", "--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 (wrk)
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result for {path}:\n{output}")
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "requests": raw["requests"],
        "duration": duration,
        "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "not_ok": raw["not_ok"],
        "errors": raw["errors"] + raw["timeouts"],
    }


def _failed(result: dict) -> bool:
    return bool(result["not_ok"] or result["errors"] or not result["requests"])


# --- the report


def _median(results: list[dict], field: str) -> float:
    return statistics.median(result[field] for result in results)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _report(*, pages, scales, prepared, runs, seeded_in, args, started, load) -> str:
    from tests.benchmarks.pages import ADMIN, BY_KEY, CHART, DETAIL, FLOOR, STATIC, TARGETED

    top, low = scales[-1], scales[0]
    figure: dict[tuple[int, str], dict | None] = {}
    for (scale, key), results in runs.items():
        # a run with no answer counts as 0 requests per second; its latencies are unknown (over its length)
        answered = [result for result in results if result["requests"]]
        figure[(scale, key)] = {
            "rps": _median(results, "rps"),
            "p50": _median(answered, "p50") if answered else None,
            "p95": _median(answered, "p95") if answered else None,
            "longest": max(result["duration"] for result in results) * 1000,
        }
    failed = {key for (_, key), results in runs.items() if any(r["not_ok"] or r["errors"] for r in results)}
    empty = {key for (_, key), results in runs.items() if any(not r["requests"] for r in results)}
    longer = {key for (_, key), results in runs.items() if any(r["duration"] > args.duration for r in results)}
    # target -> [(page, figure)] that miss it, and how many pages it was checked on
    misses: dict[str, list[str]] = {}
    checked: dict[str, int] = {}

    def check(target: str, ok: bool, what: str) -> str:
        checked[target] = checked.get(target, 0) + 1
        if not ok:
            misses.setdefault(target, []).append(what)
        return _mark(ok)

    def value(scale: int, key: str, field: str) -> float | None:
        found = figure.get((scale, key))
        return found[field] if found else None

    def ratio(key: str, other: str, minimum: float | None = None, target: str = "") -> str:
        mine, theirs = value(top, key, "rps"), value(top, other, "rps")
        if not theirs:
            return "—"
        result = round(mine / theirs, 2)  # compared as shown: the noise is far above the third digit
        if minimum is None:
            return f"{result:.2f}"
        return f"{result:.2f} " + check(target, result >= minimum, f"{BY_KEY[key].label} {result:.2f}×")

    def per_scale(key: str, field: str, digits: int) -> str:
        cells = []
        for scale in scales:
            found = value(scale, key, field)
            cells.append(f"> {value(scale, key, 'longest'):.0f}" if found is None else f"{found:.{digits}f}")
        return " / ".join(cells)

    def queries(key: str) -> str:
        return " / ".join(str(prepared[scale]["pages"][key]["queries"]) for scale in scales)

    lines = [
        "# Page benchmark",
        "",
        f"Written by `make benchmark` (`python -m tests.benchmarks.bench_pages"
        f"{' --quick' if args.quick else ''}`) on {started:%Y-%m-%d %H:%M}. Do not edit by hand; run it again.",
        "",
        f"- Machine: {_cpu_model()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; PostgreSQL {prepared[top]['postgres']}",
        f"- Load average (1 min) before / after the run: {load[0][0]:.2f} / {load[1][0]:.2f} "
        "(the targets assume a quiet machine: figures taken while other work runs are slower)",
        f"- Scales: {', '.join(str(s) for s in scales)} (`seed_demo --scale N`"
        + "".join(
            f"; scale {s} seeded in {seeded_in[s]:.0f} s" if seeded_in[s] is not None else f"; scale {s} reused"
            for s in scales
        )
        + ")",
        f"- Load: gunicorn, {args.workers} sync workers, `pac.settings.benchmark` (DEBUG off, persistent "
        f"connections, Redis cache); wrk, {args.connections} connections, {args.threads} threads, "
        f"{args.duration} s per run; {args.rounds} interleaved round{'s' if args.rounds > 1 else ''} "
        "over every page and scale, median kept",
        "",
        "## Rows in the main tables",
        "",
        "| table | " + " | ".join(f"scale {s}" for s in scales) + " |",
        "|---|" + "---:|" * len(scales),
    ]
    for table in prepared[top]["rows"]:
        lines.append(f"| {table} | " + " | ".join(f"{prepared[s]['rows'][table]:,}" for s in scales) + " |")

    p95_target = f"p95 under {MAX_P95_MS} ms at scale {top}"
    growth_target = f"p50 at scale {top} within {MAX_GROWTH:.0f}× scale {low}'s"
    bare_target = f"≥ {MIN_VS_BARE}× the bare view"
    admin_target = f"≥ {MIN_VS_ADMIN:.1f}× the admin changelist"
    scale_names = " / ".join(f"s{scale}" for scale in scales)
    lines += [
        "",
        "## Pages",
        "",
        f"Figures at each scale ({scale_names}). Ratios are requests per second at scale {top} against the "
        "anonymous bare view (the framework's floor) and the admin changelist of the same records, timed in the "
        f"same run. Targets: list and dashboard pages {admin_target} and {bare_target}; every page's "
        f"{p95_target}" + (" (the target is set at scale 20)" if top < 20 else "") + f"; {growth_target} (growth).",
        "",
        "| page | as | kind | queries | p50 ms | p95 ms | req/s | × bare | × admin | growth |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        if page.kind in (FLOOR, STATIC):
            continue
        key, regular, targeted = page.key, page.kind != ADMIN, page.kind in TARGETED
        p95 = per_scale(key, "p95", 0)
        top_p95 = value(top, key, "p95")
        if regular:
            shown = f"{top_p95:.0f} ms" if top_p95 is not None else "no answer"
            p95 += " " + check(p95_target, top_p95 is not None and top_p95 < MAX_P95_MS, f"{page.label} {shown}")
        vs_bare = ratio(key, "bare", MIN_VS_BARE if targeted else None, bare_target)
        vs_admin = ratio(key, page.anchor, MIN_VS_ADMIN, admin_target) if page.anchor else ""
        growth = ""
        first, last = value(low, key, "p50"), value(top, key, "p50")
        if len(scales) > 1 and first and last is not None:
            grown = round(last / first, 1)  # compared as shown
            growth = f"{grown:.1f}×"
            if regular:
                growth += " " + check(growth_target, grown <= MAX_GROWTH, f"{page.label} {grown:.1f}×")
        label = page.label + (" ⚠ errors under load" if key in failed else "")
        label += " ⚠ a run with no answer in time" if key in empty else ""
        lines.append(
            f"| {label} | {page.role or 'anonymous'} | {page.kind} | {queries(key)} | {per_scale(key, 'p50', 0)} "
            f"| {p95} | {per_scale(key, 'rps', 1)} | {vs_bare} | {vs_admin} | {growth} |"
        )

    signed_in_target = "a bare view behind a staff session within 1.5× the anonymous one"
    chart_target = "a chart within 2× a static file of the same bytes"
    lines += [
        "",
        "## Yardsticks",
        "",
        f"Targets: {signed_in_target} (≥ {MIN_SIGNED_IN_VS_ANONYMOUS:.2f}× its requests per second); "
        f"{chart_target}, served by WhiteNoise (≥ {MIN_CHART_VS_STATIC:.2f}×).",
        "",
        f"| what | as | queries | p50 ms | p95 ms | req/s | ratio at scale {top} |",
        "|---|---|---:|---:|---:|---:|---|",
    ]

    def yardstick(key: str, other: str | None = None, minimum: float = 0, target: str = "") -> None:
        cell = f"{ratio(key, other, minimum, target)} of {BY_KEY[other].label}" if other else ""
        lines.append(
            f"| {BY_KEY[key].label} | {BY_KEY[key].role or 'anonymous'} | {queries(key)} | {per_scale(key, 'p50', 1)} "
            f"| {per_scale(key, 'p95', 1)} | {per_scale(key, 'rps', 0)} | {cell} |"
        )

    keys = {page.key for page in pages}
    yardstick("bare")
    yardstick("bare-signed-in", "bare", MIN_SIGNED_IN_VS_ANONYMOUS, signed_in_target)
    for page in pages:
        if page.kind == STATIC:
            yardstick(page.key)
            if page.copy_of in keys:
                yardstick(page.copy_of, page.key, MIN_CHART_VS_STATIC, chart_target)

    lines += [
        "",
        f"## Sequential scans on tables over {BIG_TABLE:,} rows",
        "",
        "EXPLAIN (FORMAT JSON) of every SELECT each page makes (captured through the test client), on each "
        "scale's database after VACUUM ANALYZE; a table's rows are PostgreSQL's estimate (reltuples).",
        "",
    ]
    scans = [(scale, scan) for scale in scales for scan in prepared[scale]["seq_scans"]]
    if scans:
        lines += ["| scale | page | table | rows | query |", "|---:|---|---|---:|---|"]
        seen = set()
        for scale, scan in scans:
            sql = scan["sql"]
            if (scale, scan["page"], scan["table"], sql) in seen:
                continue
            seen.add((scale, scan["page"], scan["table"], sql))
            short = (sql[:160] + "…") if len(sql) > 160 else sql
            lines.append(
                f"| {scale} | {BY_KEY[scan['page']].label} | `{scan['table']}` | {scan['rows']:,} "
                f"| `{short.replace('|', '¦')}` |"
            )
    else:
        lines.append("None.")

    lines += ["", "## Summary", ""]
    for target, count in checked.items():
        missed = misses.get(target, [])
        line = f"- {target}: met by {count - len(missed)} of {count} {_mark(not missed)}"
        lines.append(line + (f"; missed by {'; '.join(missed)}" if missed else ""))
    if failed:
        lines.append(f"- Pages that answered other than 200 or failed under load: {', '.join(sorted(failed))}")
    if longer:
        lines.append(
            f"- Run {SLOW_RUN}× longer (fewer answers than connections in {args.duration} s): "
            + ", ".join(sorted(longer))
        )
    if empty:
        lines.append(f"- Runs in which no request finished in time: {', '.join(sorted(empty))}")
    details = [page for page in pages if page.kind in (DETAIL, CHART)]
    lines += [
        "",
        f"Pages timed: {len([p for p in pages if p.kind not in (FLOOR, STATIC, ADMIN)])} "
        f"({len(details)} detail pages and charts) and {len([p for p in pages if p.kind == ADMIN])} admin "
        "changelists; the list is `tests/benchmarks/pages.py` (also in docs/performance.md).",
    ]
    return "\n".join(lines) + "\n"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _write_registry_doc() -> None:
    """Refresh the table of benchmarked pages in docs/performance.md from the registry."""
    from tests.benchmarks.pages import DOC_END, DOC_START, registry_markdown

    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    if DOC_START in text and DOC_END in text:
        before, rest = text.split(DOC_START, 1)
        after = rest.split(DOC_END, 1)[1]
        path.write_text(before + registry_markdown() + after)


if __name__ == "__main__":
    sys.exit(main())
