"""Search latency at 100k cases on PostgreSQL: `make bench-search`.

Loads 100k generated cases (bench/seed.py), indexes them with the application's own
tokenizer (civic.core.fulltext_tokens) straight into search_documents, then runs the
search page's query (civic.search.queries.search: match, counts per kind, ranking, one
page) in-process for a set of queries, common and rare, one word and several, Chinese,
Simplified and mixed, and some of them again with filters and on later pages. Prints p50
and p95 per query and overall against the 200 ms goal and writes bench/SEARCH_RESULTS.md,
keeping the sections of the earlier file that start with a "## " heading (the notes under
the table). Stops by itself and drops its database.

Settings (environment): BENCH_SEARCH_SIZE (100000), BENCH_SEARCH_ROUNDS (30), BENCH_DB (the
database, civic_bench_search from the Makefile), BENCH_KEEP_DB=1 (keep the database afterwards, to
look at query plans), BENCH_REUSE_DB=1 (measure a database kept by an earlier run instead of
loading a new one), BENCH_STRICT=1 (exit 1 when the goal fails).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SIZE = int(os.environ.get("BENCH_SEARCH_SIZE", "100000"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "30"))
KEEP_DB = os.environ.get("BENCH_KEEP_DB") == "1"
REUSE_DB = os.environ.get("BENCH_REUSE_DB") == "1"
GOAL_MS = 200.0
QUERIES = ["捷運", "水庫", "醫院", "臺北市", "軌道與捷運建設計畫", "台北捷运", "project 12345", "第4567案",
           "廉政平臺", "噪音"]
# The same engine with filters and on later pages: (query, filters, page). 廉政平臺 is in every
# generated record, 捷運 and 臺北市 in about one in twelve; A60000000 is one of 30 agencies.
VARIANTS: list[tuple[str, dict, int]] = [
    ("廉政平臺", {}, 2),
    ("廉政平臺", {}, 51),
    ("捷運", {}, 10),
    ("臺北市", {}, 51),
    ("廉政平臺", {"agency": "A60000000"}, 1),
    ("廉政平臺", {"agency": "A60000000", "sector": "rail"}, 1),
    ("廉政平臺", {"procurement_kind": "services"}, 3),
    ("臺北市", {"since": "2020-01-01", "until": "2020-07-01"}, 1),
    ("捷運", {"kind": "comment"}, 1),
    ("project 12345", {"kind": "case"}, 1),
]


def index_cases(engine, batch: int = 2000) -> None:
    from sqlalchemy import MetaData, insert, select

    from civic.core.fulltext_tokens import document_tokens

    meta = MetaData()
    meta.reflect(engine, only=["cases", "search_documents"])
    cases, documents = meta.tables["cases"], meta.tables["search_documents"]
    with engine.begin() as connection:
        last = 0
        while True:
            rows = connection.execute(
                select(cases.c.id, cases.c.title_zh, cases.c.title_en, cases.c.summary_zh, cases.c.summary_en,
                       cases.c.agency_id, cases.c.sector_id, cases.c.procurement_kind, cases.c.published_at)
                .where(cases.c.id > last).order_by(cases.c.id).limit(batch)).all()
            if not rows:
                return
            values = []
            for row in rows:
                title = f"{row.title_zh}\n{row.title_en}"
                body = f"{row.summary_zh}\n{row.summary_en}"
                values.append({
                    "kind": "case", "object_id": row.id, "case_id": row.id, "agency_id": row.agency_id,
                    "sector_id": row.sector_id, "procurement_kind": row.procurement_kind, "title": title,
                    "body": body, "title_tokens": " ".join(document_tokens(title)),
                    "tokens": " ".join(document_tokens(f"{title}\n{body}")), "happened_at": row.published_at})
            connection.execute(insert(documents), values)
            last = rows[-1].id


def cases() -> list[tuple[str, dict, int]]:
    """Every measured query as (label, SearchFilters arguments, page)."""
    measured = [(q, {"q": q}, 1) for q in QUERIES]
    for q, filters, page in VARIANTS:
        shown = ", ".join(f"{name} {value}" for name, value in filters.items())
        label = q + (f", {shown}" if shown else "") + (f", page {page}" if page > 1 else "")
        arguments = {"q": q, **{name: datetime.fromisoformat(value).replace(tzinfo=UTC)
                                if name in ("since", "until") else value for name, value in filters.items()}}
        measured.append((label, arguments, page))
    return measured


def write_report(report: str) -> None:
    """Write the results, keeping the notes (sections under "## " headings) of the earlier file."""
    path = BENCH / "SEARCH_RESULTS.md"
    earlier = path.read_text(encoding="utf-8") if path.exists() else ""
    start = earlier.find("\n## ")
    notes = earlier[start:] if start >= 0 else ""
    path.write_text("# Search latency\n\n`make bench-search`.\n\n" + report + "\n" + notes, encoding="utf-8")


def main() -> int:
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import run
    from seed import Seeder
    from sqlalchemy import create_engine

    os.environ["DATABASE_URL"] = run.DSN
    os.environ.setdefault("CIVIC_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    engine = app = None
    try:
        if not REUSE_DB:
            run.create_database()
        engine = create_engine(run.DSN.replace("postgresql://", "postgresql+psycopg://", 1))
        if not REUSE_DB:
            seeder = Seeder(engine)
            print(f"Loading {SIZE:,} cases ...", flush=True)
            seeder.grow_to(SIZE, log=lambda message: print(message, flush=True))
            print("Indexing ...", flush=True)
            started = time.monotonic()
            index_cases(engine)
            print(f"indexed in {time.monotonic() - started:.0f} s", flush=True)
            run.vacuum_analyze()
        from civic import create_app
        from civic.extensions import db
        from civic.search import queries

        app = create_app()
        timings: dict[str, list[float]] = {}
        found: dict[str, int] = {}
        measured = cases()
        with app.test_request_context():
            for _label, arguments, page in measured:  # warm the caches once
                queries.search(db.session, queries.SearchFilters(**arguments), page=page)
            for _ in range(ROUNDS):
                for label, arguments, page in measured:
                    began = time.perf_counter()
                    result = queries.search(db.session, queries.SearchFilters(**arguments), page=page)
                    timings.setdefault(label, []).append((time.perf_counter() - began) * 1000)
                    found[label] = result.page.total
                db.session.rollback()
        lines = [f"Search at {SIZE:,} cases, PostgreSQL {run.server_version()}, {os.cpu_count()} cores, "
                 f"{ROUNDS} rounds, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
                 "| query | matches | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
        everything: list[float] = []
        for label, _arguments, _page in measured:
            series = sorted(timings[label])
            everything += series
            matches = f"{found[label]:,}" + ("+" if found[label] >= queries.COUNT_CAP else "")
            lines.append(f"| {label} | {matches} | {statistics.median(series):.1f} | "
                         f"{series[int(0.95 * (len(series) - 1))]:.1f} |")
        everything.sort()
        p95 = everything[int(0.95 * (len(everything) - 1))]
        verdict = "PASS" if p95 < GOAL_MS else "FAIL"
        lines += ["", f"All queries: p50 {statistics.median(everything):.1f} ms, p95 {p95:.1f} ms, "
                  f"slowest {everything[-1]:.1f} ms; goal p95 < {GOAL_MS:.0f} ms: {verdict}"]
        report = "\n".join(lines)
        print(report)
        write_report(report)
        return 0 if p95 < GOAL_MS or os.environ.get("BENCH_STRICT") != "1" else 1
    finally:
        if app is not None:
            from civic.extensions import db

            with app.app_context():
                db.engine.dispose()
        if engine is not None:
            engine.dispose()
        if not (KEEP_DB or REUSE_DB):
            run.drop_database()


if __name__ == "__main__":
    sys.exit(main())
