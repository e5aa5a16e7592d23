"""Where a page's time goes, measured inside one process with the Flask test client.

For each page: the SQL statements of one request (counted with a ``before_cursor_execute``
listener on the app's engine), the time spent in SQL and in the whole request, an EXPLAIN
ANALYZE of every statement, and a cProfile of a few requests. The app must be created with
the benchmark's environment (production settings, the bench database).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from dataclasses import dataclass, field

import psycopg
from flask import Flask
from sqlalchemy import event

REPEATS = 20


@dataclass
class Statement:
    sql: str
    parameters: object
    ms: float


@dataclass
class PageCost:
    path: str
    status: int
    bytes: int
    queries: int
    sql_ms: float  # mean over REPEATS requests
    total_ms: float  # mean over REPEATS requests
    statements: list[Statement] = field(default_factory=list)


class _Recorder:
    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self._started: float = 0.0

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(Statement(statement, parameters, 1000 * (time.perf_counter() - self._started)))


def measure(app: Flask, paths: list[str]) -> list[PageCost]:
    from civic.extensions import db

    recorder = _Recorder()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    client = app.test_client()
    headers = {"Accept-Language": "zh-TW"}
    costs = []
    try:
        for path in paths:
            client.get(path, headers=headers)  # warm-up: pool, templates, caches
            recorder.statements.clear()
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} in-process; see the log above")
            statements = list(recorder.statements)
            sql_total = 0.0
            started = time.perf_counter()
            for _ in range(REPEATS):
                recorder.statements.clear()
                client.get(path, headers=headers)
                sql_total += sum(s.ms for s in recorder.statements)
            total_ms = 1000 * (time.perf_counter() - started) / REPEATS
            costs.append(PageCost(path=path, status=response.status_code, bytes=len(response.data),
                                  queries=len(statements), sql_ms=sql_total / REPEATS,
                                  total_ms=total_ms, statements=statements))
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)
    return costs


def profile(app: Flask, path: str, repeats: int = REPEATS, top: int = 30) -> str:
    """cProfile of ``repeats`` requests of ``path``, the functions with most cumulative time."""
    client = app.test_client()
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        client.get(path, headers={"Accept-Language": "zh-TW"})
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def explain(dsn: str, statement: Statement) -> tuple[str, float]:
    """EXPLAIN (ANALYZE, BUFFERS) of one recorded statement; returns the plan and execution ms."""
    with psycopg.connect(dsn) as connection:
        cursor = psycopg.ClientCursor(connection)  # parameters inlined, as psql would show them
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
        lines = [row[0] for row in cursor.fetchall()]
        connection.rollback()
    execution = next((float(line.split(":")[1].split()[0]) for line in lines
                      if line.startswith("Execution Time")), float("nan"))
    return "\n".join(lines), execution
