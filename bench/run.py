"""The case pages under load, at 10k and 100k cases, next to a bare Flask page: `make bench`.

Steps: create the database civic_bench on PostgreSQL and migrate it; load 10k cases; measure;
add 90k more; measure again; drop the database. Each measurement serves the app with gunicorn
as in production (gthread, 2 workers x 4 threads), and beside it a bare Flask page of the same
byte size under the same gunicorn settings, and loads each page in turn with bench/load.py.
Queries per request come from one in-process request with the Flask test client.

Settings (environment): BENCH_SIZES (10000,100000), BENCH_SECONDS (10), BENCH_CLIENTS (8),
BENCH_PROCESSES (1), BENCH_DB (civic_bench), BENCH_PG (postgresql://postgres@127.0.0.1:5432),
BENCH_REDIS (redis://127.0.0.1:6379/1; rate limits), BENCH_CACHE (redis://127.0.0.1:6379/2; the shared
copies of public pages, emptied before each size; BENCH_CACHE=off serves every request fresh),
BENCH_PORT (18080; the bare page uses the next port), BENCH_SIGNUPS (20; workshop sign-ups a second
while the case pages are read, 0 skips that measurement),
BENCH_BULK (1; 0 skips building the bulk files and downloading them, see bench/bulk.py),
BENCH_KEEP_DB=1 (keep the database), BENCH_STRICT=1 (exit 1 when a goal fails), BENCH_APP (the
Flask app to measure, module:attribute importable from the repository root or PYTHONPATH; wsgi:app),
which lets a candidate fix be measured without touching the app.
Output: the table on stdout; results.md, results.json, EXPLAIN plans and profiles in bench/out/.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "1"))
DB_NAME = os.environ.get("BENCH_DB", "civic_bench")
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
PORT = int(os.environ.get("BENCH_PORT", "18080"))
DSN = f"{PG}/{DB_NAME}"
GUNICORN = ["-k", "gthread", "--workers", "2", "--threads", "4"]
APP_TARGET = os.environ.get("BENCH_APP", "wsgi:app")

# The app reads its settings from the environment when config is imported: set them first.
APP_ENV = {
    "DATABASE_URL": DSN,
    "CIVIC_ENV": "production",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
    "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/1"),
    # Where `flask exports build` writes the bulk files and the app under gunicorn sends them from.
    "EXPORTS_DIR": str(OUT / "exports"),
}
PAGE_CACHE = os.environ.get("BENCH_CACHE", "redis://127.0.0.1:6379/2")
if PAGE_CACHE == "off":
    APP_ENV["PAGE_CACHE_SECONDS"] = "0"
else:
    APP_ENV["CACHE_REDIS_URL"] = PAGE_CACHE
os.environ.update(APP_ENV)

# Paths are filled in per size (the detail page is a case from the middle of the data).
FILTERED = "/cases?sector=rail&status=implementation&sort=budget"
GOAL_RATIO = 0.5
# Pages made anew (a request with a cookie, or the page cache off) against the bare ceiling.
GOAL_MADE_ANEW = 0.1
# Any cookie but the session's: the app serves no shared copy and signs nobody in.
MADE_ANEW_COOKIE = "civic_bench=1"
GOAL_GROWTH = 1.5
# Reads of case pages while people sign up for workshops about some of those cases: the case pages
# read (spread over the data), the cases among them with a workshop, and the goal against read-only.
SIGNUPS = float(os.environ.get("BENCH_SIGNUPS", "20"))
READ_CASES = 50
WORKSHOP_CASES = 5
GOAL_DURING_SIGNUPS = 0.5
# The bulk files: built ahead at each size, and their first byte over HTTP within this many ms.
BULK = os.environ.get("BENCH_BULK", "1") != "0"
GOAL_FIRST_BYTE_MS = 1000.0


def log(message: str) -> None:
    print(message, flush=True)


def pages_for(size: int) -> list[tuple[str, str]]:
    return [("/cases", "/cases"), ("/cases filtered", FILTERED),
            ("/cases/<slug>", f"/cases/bench-{size // 2:06d}")]


def read_cases(size: int) -> list[str]:
    """READ_CASES case slugs spread evenly over the data; every tenth gets a workshop."""
    return [f"bench-{(number * size) // READ_CASES:06d}" for number in range(1, READ_CASES + 1)]


# --- database ----------------------------------------------------------------------------

def admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def create_database() -> None:
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB_NAME}"')
    done = subprocess.run([str(BIN / "flask"), "--app", "civic", "db", "upgrade"], cwd=ROOT,  # noqa: S603
                          env=os.environ, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def drop_database() -> None:
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def vacuum_analyze() -> None:
    import psycopg

    with psycopg.connect(DSN, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def server_version() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres") as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


# --- servers -----------------------------------------------------------------------------

class Server:
    """One gunicorn, in its own process group so it can be stopped with all its workers."""

    def __init__(self, name: str, port: int, target: str, env: dict[str, str], chdir: Path) -> None:
        self.name, self.port = name, port
        self.log_path = OUT / f"gunicorn-{name}.log"
        command = [str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}",
                   "--chdir", str(chdir), target]
        self.process = subprocess.Popen(command, cwd=chdir, env=os.environ | env,  # noqa: S603 - our venv
                                        start_new_session=True,
                                        stdout=self.log_path.open("a"), stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log_path}")
            with suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}",
                                                           timeout=5) as response:
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.name} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def fetch(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


# --- one data size -----------------------------------------------------------------------

def measure_size(app, size: int, servers: list[Server], engine) -> tuple[list[dict], list[dict], dict]:
    import inprocess
    import load

    pages = pages_for(size)
    if PAGE_CACHE != "off":
        import redis

        # The seeder writes behind the app's back: copies of the smaller size's pages must go.
        redis.Redis.from_url(PAGE_CACHE).flushdb()
    costs = {cost.path: cost for cost in inprocess.measure(app, [path for _, path in pages])}
    for cost in costs.values():
        if cost.status != 200:
            raise RuntimeError(f"{cost.path} answered {cost.status} in-process")
    write_explains(size, costs)
    for label, path in pages:
        slug = label.replace("/", "").replace("<", "").replace(">", "").replace(" ", "-") or "root"
        (OUT / f"profile-{size}-{slug}.txt").write_text(inprocess.profile(app, path))

    app_server = Server(f"civic-{size}", PORT, APP_TARGET, {}, ROOT)
    servers.append(app_server)
    app_server.wait_ready("/healthz")
    cases_bytes = len(fetch(PORT, "/cases"))
    bare = Server(f"bare-{size}", PORT + 1, "bare:app", {"BENCH_BARE_BYTES": str(cases_bytes)}, BENCH)
    servers.append(bare)
    bare.wait_ready("/")

    threads = max(1, CLIENTS // PROCESSES)
    rows = []
    # With the page cache on, each page is loaded twice: without a cookie (shared copies) and with
    # one, as a signed-in visitor gets it: made anew, reusing the fragments kept for everyone.
    with_cookie = [(f"{label} with a cookie", PORT, path, MADE_ANEW_COOKIE) for label, path in pages] \
        if PAGE_CACHE != "off" else []
    for label, port, path, cookie in [("bare Flask page", PORT + 1, "/", None),
                                      *[(label, PORT, path, None) for label, path in pages], *with_cookie]:
        result = load.run(port, path, processes=PROCESSES, threads=threads, seconds=SECONDS, cookie=cookie)
        cost = costs.get(path) if port == PORT else None
        rows.append({"page": label, "path": path, "cases": size, **asdict(result),
                     "made_anew": port == PORT and (cookie is not None or PAGE_CACHE == "off"),
                     "queries": cost.queries if cost else 0,
                     "sql_ms": cost.sql_ms if cost else 0.0,
                     "inprocess_ms": cost.total_ms if cost else 0.0,
                     "bytes": cost.bytes if cost else cases_bytes})
        log(f"  {label:<16} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
            f"  errors {result.errors}")
    bare.stop()
    during = reads_during_signups(size, engine, threads) if SIGNUPS > 0 else []
    bulk_files = {}
    if BULK:
        import bulk

        build_seconds, downloads = bulk.measure(PORT, ROOT, size, log=log)
        bulk_files = {"cases": size, "build_seconds": build_seconds, "downloads": downloads}
    app_server.stop()
    ceiling = rows[0]["rps"]
    for row in rows:
        row["ratio"] = row["rps"] / ceiling if ceiling else float("nan")
    return rows, during, bulk_files


def reads_during_signups(size: int, engine, threads: int) -> list[dict]:
    """Anonymous reads of READ_CASES case pages, alone and then while SIGNUPS workshop sign-ups a
    second go to workshops about WORKSHOP_CASES of them (each sign-up drops its case's copies)."""
    import load
    import signups

    slugs = read_cases(size)
    workshop_ids = signups.ensure_workshops(engine, slugs[::READ_CASES // WORKSHOP_CASES])
    paths = [f"/cases/{slug}" for slug in slugs]
    alone = load.run(PORT, paths, processes=PROCESSES, threads=threads, seconds=SECONDS)
    with signups.SignUps(PORT, workshop_ids, rate=SIGNUPS) as running:
        during = load.run(PORT, paths, processes=PROCESSES, threads=threads, seconds=SECONDS)
    rows = [{"page": "case pages, read only", "cases": size, **asdict(alone), "signups": 0, "signup_errors": 0,
             "signup_rate": 0.0},
            {"page": f"case pages, {SIGNUPS:g} sign-ups/s", "cases": size, **asdict(during),
             "signups": running.sent, "signup_errors": running.failed, "signup_rate": running.achieved_rate}]
    for row in rows:
        log(f"  {row['page']:<28} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
            f"p95 {row['p95_ms']:7.1f} ms  errors {row['errors']}  sign-ups {row['signups']} "
            f"({row['signup_rate']:.1f}/s, {row['signup_errors']} failed)")
    for row in rows:
        row["ratio"] = row["rps"] / rows[0]["rps"] if rows[0]["rps"] else float("nan")
    return rows


def write_explains(size: int, costs) -> None:
    import inprocess

    chunks = []
    for cost in costs.values():
        chunks.append(f"#### {cost.path} - {cost.queries} queries\n")
        for number, statement in enumerate(cost.statements, 1):
            plan, execution = inprocess.explain(DSN, statement)
            chunks.append(f"-- {number}. {execution:.2f} ms\n{statement.sql}\n-- parameters: "
                          f"{statement.parameters!r}\n{plan}\n")
    (OUT / f"explain-{size}.txt").write_text("\n".join(chunks))


# --- report ------------------------------------------------------------------------------

def table(rows: list[dict]) -> str:
    lines = ["| page | cases | KB | req/s | p50 ms | p95 ms | queries/req | x bare | in-process ms (SQL ms) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        is_bare = row["page"].startswith("bare")
        queries = "0" if is_bare else str(row["queries"])
        inproc = "-" if is_bare else f"{row['inprocess_ms']:.1f} ({row['sql_ms']:.1f})"
        lines.append(f"| {row['page']} | {row['cases']:,} | {row['bytes'] / 1000:.1f} | {row['rps']:.0f} | "
                     f"{row['p50_ms']:.1f} | "
                     f"{row['p95_ms']:.1f} | {queries} | {row['ratio']:.2f} | {inproc} |")
    return "\n".join(lines)


def signup_table(rows: list[dict]) -> str:
    lines = ["| reads of case pages | cases | req/s | p50 ms | p95 ms | x read only | sign-ups done (per s, failed) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        done = f"{row['signups']} ({row['signup_rate']:.1f}/s, {row['signup_errors']})" if row["signups"] else "-"
        lines.append(f"| {row['page']} | {row['cases']:,} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
                     f"{row['p95_ms']:.1f} | {row['ratio']:.2f} | {done} |")
    return "\n".join(lines)


def signup_goal(rows: list[dict]) -> tuple[list[str], dict[str, bool]]:
    during = [row for row in rows if not row["page"].endswith("read only")]
    if not during:
        return [], {}
    worst = min(during, key=lambda row: row["ratio"])
    # The sign-ups must really have run at (nearly) the rate asked for, or the reads proved nothing.
    met = all(row["ratio"] >= GOAL_DURING_SIGNUPS and row["signup_rate"] >= 0.9 * SIGNUPS for row in during)
    line = (f"Goal 3, case pages during {SIGNUPS:g} workshop sign-ups/s >= {GOAL_DURING_SIGNUPS} x read only: "
            f"{'PASS' if met else 'FAIL'} (lowest {worst['ratio']:.2f} x at {worst['cases']:,} cases, "
            f"sign-ups at {min(row['signup_rate'] for row in during):.1f}/s or more)")
    return [line], {"signups": met}


def bulk_table(sizes: list[dict]) -> str:
    lines = ["| bulk file | cases | built (all files) s | MB | first byte ms | whole file s | served from |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for measured in sizes:
        for row in measured["downloads"]:
            megabytes = "-" if row["bytes"] is None else f"{row['bytes'] / 1e6:.1f}"
            whole = "-" if row["seconds"] is None else f"{row['seconds']:.2f}"
            lines.append(f"| {row['path']} | {row['cases']:,} | {measured['build_seconds']:.1f} | {megabytes} | "
                         f"{row['first_byte_ms']:.1f} | {whole} | {row['served']} |")
    return "\n".join(lines)


def bulk_goal(sizes: list[dict]) -> tuple[list[str], dict[str, bool]]:
    built = [row for measured in sizes for row in measured["downloads"] if row["served"] == "file"]
    if not built:
        return [], {}
    slowest = max(built, key=lambda row: row["first_byte_ms"])
    met = all(row["first_byte_ms"] < GOAL_FIRST_BYTE_MS for row in built)
    line = (f"Goal 4, first byte of a built bulk file < {GOAL_FIRST_BYTE_MS:.0f} ms: {'PASS' if met else 'FAIL'} "
            f"(slowest {slowest['first_byte_ms']:.1f} ms: {slowest['path']} at {slowest['cases']:,} cases)")
    return [line], {"bulk_first_byte": met}


def goals(rows: list[dict]) -> tuple[list[str], dict[str, bool]]:
    lines, verdict = [], {}
    pages = [r for r in rows if not r["page"].startswith("bare")]
    for name, what, goal, measured in [
            ("ratio", "Goal 1, case pages from shared copies", GOAL_RATIO, [r for r in pages if not r["made_anew"]]),
            ("made_anew", "Goal 1b, case pages made anew (with a cookie)", GOAL_MADE_ANEW,
             [r for r in pages if r["made_anew"]])]:
        if not measured:
            continue
        worst = min(measured, key=lambda r: r["ratio"])
        verdict[name] = all(r["ratio"] >= goal for r in measured)
        lines.append(f"{what} >= {goal} x bare ceiling: {'PASS' if verdict[name] else 'FAIL'} "
                     f"(lowest {worst['ratio']:.2f} x: {worst['page']} at {worst['cases']:,} cases)")
    small, large = min(SIZES), max(SIZES)
    growth = []
    for label in dict.fromkeys(r["page"] for r in pages):
        a = next(r for r in pages if r["page"] == label and r["cases"] == small)
        b = next(r for r in pages if r["page"] == label and r["cases"] == large)
        growth.append((label, b["p95_ms"] / a["p95_ms"], a["p95_ms"], b["p95_ms"]))
    if len(SIZES) < 2:
        lines.append("Goal 2, p95 growth with data size: not measured (one size only)")
        return lines, verdict
    verdict["growth"] = all(g[1] <= GOAL_GROWTH for g in growth)
    detail = ", ".join(f"{label} {a:.1f} -> {b:.1f} ms ({ratio:.2f} x)" for label, ratio, a, b in growth)
    lines.append(f"Goal 2, p95 at {large:,} <= {GOAL_GROWTH} x p95 at {small:,}: "
                 f"{'PASS' if verdict['growth'] else 'FAIL'} ({detail})")
    return lines, verdict


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("gunicorn-*.log"):
        old.unlink()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    from seed import Seeder
    from sqlalchemy import create_engine

    started = time.monotonic()
    servers: list[Server] = []
    rows: list[dict] = []
    during: list[dict] = []
    bulk_sizes: list[dict] = []
    app = None
    engine = None
    load_before = os.getloadavg()[0]
    log(f"civic benchmark: {os.cpu_count()} cores, PostgreSQL {server_version()}, database {DB_NAME}, "
        f"{CLIENTS} clients x {SECONDS:.0f} s per page, load average {load_before:.2f} before starting")
    if load_before > 0.5:
        log("WARNING: something else is using the CPU; the numbers will be lower than on an idle machine.")
    try:
        create_database()
        engine = create_engine(DSN.replace("postgresql://", "postgresql+psycopg://", 1))
        seeder = Seeder(engine)
        module, attribute = APP_TARGET.split(":")
        app = getattr(importlib.import_module(module), attribute)  # as gunicorn imports it
        from civic.extensions import cache

        # The in-process column is the cost of making a page, so it never reads a shared copy.
        cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})
        for size in sorted(SIZES):
            log(f"Loading {size:,} cases ...")
            seeder.grow_to(size, log=log)
            vacuum_analyze()
            log(f"Measuring at {size:,} cases ...")
            size_rows, size_during, size_bulk = measure_size(app, size, servers, engine)
            rows += size_rows
            during += size_during
            if size_bulk:
                bulk_sizes.append(size_bulk)
    finally:
        for server in servers:
            server.stop()
        if app is not None:
            from civic.extensions import db

            with app.app_context():
                db.engine.dispose()
        if engine is not None:
            engine.dispose()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database()
    report, verdict = goals(rows)
    signup_report, signup_verdict = signup_goal(during)
    bulk_report, bulk_verdict = bulk_goal(bulk_sizes)
    report += signup_report + bulk_report
    verdict |= signup_verdict | bulk_verdict
    text = (table(rows) + ("\n\n" + signup_table(during) if during else "")
            + ("\n\n" + bulk_table(bulk_sizes) if bulk_sizes else ""))
    cached = "off" if PAGE_CACHE == "off" else f"shared page copies in {PAGE_CACHE}"
    header = (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, PostgreSQL {server_version()}, "
              f"gunicorn {' '.join(GUNICORN)}, {CLIENTS} keep-alive clients, {SECONDS:.0f} s per row, "
              f"page cache {cached}, load average {load_before:.2f} before the run")
    log("\n" + header + "\n\n" + text + "\n\n" + "\n".join(report))
    log(f"\nTook {time.monotonic() - started:.0f} s. Plans and profiles: {OUT.relative_to(ROOT)}/")
    (OUT / "results.md").write_text(header + "\n\n" + text + "\n\n" + "\n".join(report) + "\n")
    (OUT / "results.json").write_text(json.dumps({"header": header, "rows": rows, "during_signups": during,
                                                  "bulk_files": bulk_sizes,
                                                  "goals": verdict}, indent=2))
    # A measurement, not a test: FAIL is reported, and only fails the command when asked to.
    return 1 if os.environ.get("BENCH_STRICT") == "1" and not all(verdict.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
