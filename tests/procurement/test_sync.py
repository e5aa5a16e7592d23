"""`procurement sync` against a stand-in for the community API on 127.0.0.1: every tender a case
names is asked once per run, within the rate limit; a 429 is waited out; a tender the service
cannot answer for is reported and marked while the others are stored; a second run adds nothing."""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.cases import parts, queries
from civic.cases.models import CaseTender, HistoryEntry
from civic.extensions import db
from civic.procurement import cli
from civic.procurement.fetching import Fetcher, FetchError
from civic.procurement.models import Announcement

FIXTURES = Path(__file__).parent / "fixtures"
OPEN = ("3.76.47", "CQ850-2026")  # tender_open.json: 公開招標, 更正, 決標 with one bidder
FAILED = ("A.17.2.1", "nwda1150012")  # tender_failed.json: 招標, two 無法決標, two malformed
QUIET = ("3.76.47", "CQ860-2026")  # a tender the service has nothing on yet


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Answer:
    """What the stand-in answers one request with; ``hang`` waits that long before answering."""

    status: int = 200
    body: bytes = b'{"unit_name": "", "records": []}'
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    hang: float = 0.0


@dataclass
class Stub:
    """The service: answers per tender, in turn (the last one repeats), and remembers each request."""

    url: str = ""
    answers: dict[tuple[str, str], list[Answer]] = field(default_factory=dict)
    requests: list[tuple[float, str, tuple[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, key: tuple[str, str], *answers: Answer) -> None:
        self.answers[key] = list(answers)

    def next_answer(self, path: str, key: tuple[str, str]) -> Answer:
        with self.lock:
            self.requests.append((time.monotonic(), path, key))
            if path != "/api/tender":
                return Answer(status=404, body=b'{"error": "not found"}')
            queue = self.answers.get(key) or [Answer()]
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def asked(self, key: tuple[str, str]) -> list[float]:
        return [at for at, _path, asked in self.requests if asked == key]


def serve(stub: Stub) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            split = urlsplit(self.path)
            query = parse_qs(split.query)
            key = (query.get("unit_id", [""])[0], query.get("job_number", [""])[0])
            answer = stub.next_answer(split.path, key)
            if answer.hang:
                stub.release.wait(answer.hang)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, format, *args) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def stub() -> Iterator[Stub]:
    service = Stub()
    server = serve(service)
    service.url = f"http://127.0.0.1:{server.server_address[1]}/api"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def settings(app, stub, monkeypatch) -> dict:
    """Sync on, pointed at the stand-in, with short waits; a test may change any of them."""
    values = {"PCC_API_URL": stub.url, "PCC_API_TIMEOUT": 2.0, "PCC_API_INTERVAL": 0.0,
              "PCC_API_RETRIES": 2, "PCC_API_BACKOFF": 0.01}
    for name, value in values.items():
        monkeypatch.setitem(app.config, name, value)
    return app.config


@pytest.fixture
def tendered_case(app, staff, published_case) -> str:
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        actor = db.session.get(User, staff.id)
        for unit_id, job_number in (OPEN, FAILED, QUIET):
            parts.add_tender(case, parts.TenderInput(unit_id, job_number), actor=actor)
        db.session.commit()
    return published_case


def sync(app):
    return app.test_cli_runner().invoke(args=["procurement", "sync"])


def stored(app) -> dict[tuple[str, str], list[str]]:
    """The filenames stored under each tender, and each tender's sync mark."""
    with app.app_context():
        rows = db.session.execute(
            select(CaseTender.unit_id, CaseTender.job_number, Announcement.filename)
            .join(Announcement, Announcement.tender_id == CaseTender.id)
            .order_by(Announcement.filename)).all()
    found: dict[tuple[str, str], list[str]] = {}
    for unit_id, job_number, filename in rows:
        found.setdefault((unit_id, job_number), []).append(filename)
    return found


def marks(app) -> dict[tuple[str, str], tuple[bool, str]]:
    with app.app_context():
        return {(t.unit_id, t.job_number): (t.synced_at is not None, t.sync_problem)
                for t in db.session.scalars(select(CaseTender))}


def history_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HistoryEntry))


def serve_fixtures(stub: Stub) -> None:
    stub.answer(OPEN, Answer(body=body("tender_open.json")))
    stub.answer(FAILED, Answer(body=body("tender_failed.json")))


ALL_STORED = {
    OPEN: ["BDM-1-71000003", "TIQ-1-71000001", "TIQ-2-71000002"],
    FAILED: ["BDM-3-72000002", "BDM-3-72000003", "TIQ-1-72000001"],
}


def test_sync_stores_every_linked_tender_and_reports_bad_records(app, settings, stub, tendered_case):
    serve_fixtures(stub)

    result = sync(app)

    assert result.exit_code == 0, result.output
    assert stored(app) == ALL_STORED
    assert sorted(key for _at, _path, key in stub.requests) == sorted([OPEN, FAILED, QUIET])
    assert all(path == "/api/tender" for _at, path, _key in stub.requests)
    assert "3 tenders asked, 0 failed; 6 announcements added, 0 already stored, 2 skipped" in result.output
    assert "A.17.2.1 nwda1150012: record 3 (TIQ-1-72000004) skipped: date is not YYYYMMDD" in result.output
    assert "A.17.2.1 nwda1150012: record 4 (no filename) skipped: no filename" in result.output
    assert marks(app) == {OPEN: (True, ""), FAILED: (True, ""), QUIET: (True, "")}
    with app.app_context():
        sources = set(db.session.scalars(select(Announcement.source)))
    assert sources == {f"{stub.url}/tender?unit_id=3.76.47&job_number=CQ850-2026",
                       f"{stub.url}/tender?unit_id=A.17.2.1&job_number=nwda1150012"}


def test_a_second_sync_adds_nothing(app, settings, stub, tendered_case):
    serve_fixtures(stub)
    assert sync(app).exit_code == 0
    entries = history_count(app)

    result = sync(app)

    assert result.exit_code == 0, result.output
    assert "6 announcements added" not in result.output
    assert "0 announcements added, 6 already stored, 2 skipped" in result.output
    assert stored(app) == ALL_STORED
    assert history_count(app) == entries
    assert len(stub.requests) == 6


def test_a_429_is_waited_out_as_retry_after_asks(app, settings, stub, tendered_case):
    serve_fixtures(stub)
    stub.answer(OPEN, Answer(status=429, body=b'{"error": "too many requests"}', headers={"Retry-After": "1"}),
                Answer(body=body("tender_open.json")))

    result = sync(app)

    assert result.exit_code == 0, result.output
    assert stored(app) == ALL_STORED
    first, second = stub.asked(OPEN)
    assert second - first >= 0.9  # the backoff alone would be 0.01 s
    assert marks(app)[OPEN] == (True, "")


def test_a_server_error_is_retried_with_backoff(app, settings, stub, tendered_case):
    serve_fixtures(stub)
    settings["PCC_API_BACKOFF"] = 0.2
    stub.answer(OPEN, Answer(status=503), Answer(status=502), Answer(body=body("tender_open.json")))

    result = sync(app)

    assert result.exit_code == 0, result.output
    assert stored(app) == ALL_STORED
    _first, second, third = stub.asked(OPEN)
    assert third - second >= 0.35  # urllib3: no wait before the first retry, then backoff × 2


@pytest.mark.parametrize(("answers", "problem"), [
    pytest.param([Answer(status=500, body=b"oops", content_type="text/plain")],
                 "the service answered 500", id="server-error"),
    pytest.param([Answer(status=429, headers={"Retry-After": "0"})], "the service answered 429", id="rate-limited"),
    pytest.param([Answer(body=b"<html>maintenance</html>", content_type="text/html")],
                 "the service's answer is not JSON", id="not-json"),
    pytest.param([Answer(body=b"[1, 2]")], "the service's answer is not a tender response", id="json-list"),
    pytest.param([Answer(body=b'{"error": "no such tender"}')], 'not a tender response: expected {"records": [...]}',
                 id="no-records"),
    pytest.param([Answer(hang=10.0)], "the service did not answer within 0.3 s", id="hangs"),
])
def test_a_failing_tender_is_reported_and_marked_and_the_others_stored(
        app, settings, stub, tendered_case, answers, problem):
    serve_fixtures(stub)
    settings["PCC_API_TIMEOUT"] = 0.3
    settings["PCC_API_RETRIES"] = 1
    stub.answer(FAILED, *answers)

    started = time.monotonic()
    result = sync(app)

    assert result.exit_code == 1, result.output
    assert time.monotonic() - started < 5  # the hanging answer would take 10 s
    assert f"procurement: A.17.2.1 nwda1150012: {problem}" in result.output
    assert "3 tenders asked, 1 failed; 3 announcements added" in result.output
    assert stored(app) == {OPEN: ALL_STORED[OPEN]}
    assert marks(app) == {OPEN: (True, ""), FAILED: (True, problem), QUIET: (True, "")}
    assert len(stub.asked(FAILED)) == (1 if answers[0].status == 200 and not answers[0].hang else 2)


def test_a_tender_that_recovers_loses_its_problem(app, settings, stub, tendered_case):
    serve_fixtures(stub)
    settings["PCC_API_RETRIES"] = 0
    stub.answer(FAILED, Answer(status=500), Answer(body=body("tender_failed.json")))
    assert sync(app).exit_code == 1
    assert marks(app)[FAILED] == (True, "the service answered 500")

    result = sync(app)

    assert result.exit_code == 0, result.output
    assert marks(app)[FAILED] == (True, "")
    assert stored(app) == ALL_STORED


def test_without_pcc_api_url_nothing_is_fetched(app, settings, stub, tendered_case):
    settings["PCC_API_URL"] = ""

    result = sync(app)

    assert result.exit_code == 0
    assert "PCC_API_URL is not set; nothing fetched" in result.output
    assert stub.requests == []
    assert stored(app) == {}
    assert marks(app) == {OPEN: (False, ""), FAILED: (False, ""), QUIET: (False, "")}


def test_no_tenders_no_requests(app, settings, stub, published_case):
    result = sync(app)
    assert result.exit_code == 0, result.output
    assert "0 tenders asked, 0 failed" in result.output
    assert stub.requests == []


def test_requests_are_spaced_by_the_interval(app, settings, stub, tendered_case, monkeypatch):
    serve_fixtures(stub)
    settings["PCC_API_INTERVAL"] = 0.2
    # The fetcher's clock (its own seam, here the real one read aloud) at each request it sends: the
    # moment it let that request go. A loaded machine can only stretch these gaps, whereas the times
    # the stub reads the requests bunch up when its thread gets the processor late.
    readings: list[float] = []
    sent: list[float] = []

    def clock() -> float:
        readings.append(time.monotonic())
        return readings[-1]

    get = requests.Session.get

    def sending(session, url, *args, **kwargs):
        if url.startswith(stub.url):
            sent.append(readings[-1])
        return get(session, url, *args, **kwargs)

    monkeypatch.setattr(cli, "Fetcher", functools.partial(Fetcher, clock=clock))
    monkeypatch.setattr(requests.Session, "get", sending)

    assert sync(app).exit_code == 0

    assert len(stub.requests) == len(sent) == 3
    assert all(later - earlier >= 0.2 - 1e-9 for earlier, later in itertools.pairwise(sent))


# The Fetcher on its own: the spacing with a fake clock, the address it asks.


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_fetcher_waits_only_what_is_left_of_the_interval(stub):
    clock = FakeClock()
    fetcher = Fetcher(stub.url, timeout=2, min_interval=1.0, retries=0, sleep=clock.sleep, clock=clock)
    try:
        fetcher.tender(*OPEN)
        clock.now += 0.25  # the work between two requests
        fetcher.tender(*OPEN)
        fetcher.tender(*OPEN)
        clock.now += 5  # long after: no wait
        fetcher.tender(*OPEN)
    finally:
        fetcher.close()
    assert clock.slept == [0.75, 1.0]
    assert len(stub.requests) == 4


def test_the_fetcher_asks_the_tender_url_with_the_numbers_encoded(stub):
    fetcher = Fetcher(stub.url + "/", retries=0, min_interval=0)
    try:
        assert fetcher.url("3.76.47", "B054-1150121-1B&x=1") == (
            f"{stub.url}/tender?unit_id=3.76.47&job_number=B054-1150121-1B%26x%3D1")
        assert fetcher.tender("3.76.47", "B054 1150121/1B&x=1") == {"unit_name": "", "records": []}
    finally:
        fetcher.close()
    assert [key for _at, _path, key in stub.requests] == [("3.76.47", "B054 1150121/1B&x=1")]


def test_the_fetcher_says_why_it_could_not_reach_the_service():
    fetcher = Fetcher("http://127.0.0.1:9/api", timeout=1, retries=0, min_interval=0)
    try:
        with pytest.raises(FetchError, match="could not reach the service: NewConnectionError"):
            fetcher.tender(*OPEN)
    finally:
        fetcher.close()
