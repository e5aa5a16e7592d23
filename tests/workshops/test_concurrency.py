"""Seats under concurrency: many people signing up for the last seats at the same moment.

On PostgreSQL the site runs as it does in production: gunicorn with three worker processes of
four threads each, against a database made for this module. On SQLite, threads go through the
in-process application. Every simulated person fetches the form first and sends its real CSRF
token with its own cookie, from its own loopback address (127.0.0.0/8 all reaches the server),
so the per-address sign-up limit applies as it would to real visitors and never to the test as
a whole (gunicorn's workers each count in their own memory, which cannot be reset from here).

None of these tests uses the ``app`` fixture: its rolled-back transaction would hide what the
server commits. Everything is bounded in time.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.agencies import services as agencies
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.models import OutboxMessage
from civic.workshops import queries, services
from civic.workshops.models import Registration, Workshop
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import PASSWORD, gunicorn_serving

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SEATS = 10
CROWD = 60
# Seconds any one request, the start of a crowd, or a whole crowd may take.
REQUEST_TIMEOUT = 30
CROWD_TIMEOUT = 120


@dataclass
class Reply:
    status: int
    location: str
    body: str


class Visitor:
    """One person's browser against a real server: its own address and cookies."""

    def __init__(self, base_url: str, address: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT,
                                                source_address=(self.address, 0))
        headers = {"Accept-Language": "zh-TW"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Reply(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form)


class InProcessVisitor:
    """The same through the in-process application's test client, with its own address."""

    def __init__(self, app: Flask, address: str) -> None:
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address

    def get(self, path: str) -> Reply:
        response = self.client.get(path, headers={"Accept-Language": "zh-TW"})
        return Reply(response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True))

    def post(self, path: str, form: dict) -> Reply:
        response = self.client.post(path, data=form, headers={"Accept-Language": "zh-TW"})
        return Reply(response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True))


def token_of(reply: Reply) -> str:
    assert reply.status == 200, reply.status
    match = _CSRF.search(reply.body)
    assert match, "no csrf_token in the form"
    return match.group(1)


def together(actions: list[Callable[[Callable[[], None]], Reply]]) -> list[Reply]:
    """Run each action in its own thread; each prepares, then waits at the gate, then acts at once."""
    gate = threading.Barrier(len(actions))
    replies: list[Reply | BaseException | None] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            replies[index] = actions[index](lambda: gate.wait(timeout=REQUEST_TIMEOUT * 2))
        except BaseException as error:  # reported below, with the others
            gate.abort()
            replies[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + CROWD_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.1))
    assert not any(thread.is_alive() for thread in threads), "the crowd did not finish in time"
    failures = [reply for reply in replies if not isinstance(reply, Reply)]
    assert not failures, failures[:3]
    return replies  # type: ignore[return-value]


def sign_up_action(visitor, workshop_id: int, email: str, name: str = "參加者"):
    def act(wait: Callable[[], None]) -> Reply:
        token = token_of(visitor.get(f"/workshops/{workshop_id}"))
        wait()
        return visitor.post(f"/workshops/{workshop_id}", {
            "name": name, "email": email, "phone": "0912345678", "consent": "y", "csrf_token": token})
    return act


def cancel_action(visitor, token: str):
    def act(wait: Callable[[], None]) -> Reply:
        csrf = token_of(visitor.get(f"/workshops/registrations/{token}/cancel"))
        wait()
        return visitor.post(f"/workshops/registrations/{token}/cancel", {"csrf_token": csrf})
    return act


# The data behind the server, made and read in-process.


def make_staff(app: Flask) -> int:
    with app.test_request_context():
        agency = agencies.create_agency(db.session, code="C00000001", name_zh="併發測試機關", actor=SYSTEM)
        user = accounts.create_user(db.session, email="staff@concurrency.gov.tw", password=PASSWORD,
                                    display_name="承辦人", role=Role.staff, agency=agency, verified=True)
        db.session.commit()
        return user.id


def new_workshop(app: Flask, staff_id: int, title: str, capacity: int = SEATS) -> int:
    start = utcnow() + timedelta(days=5)
    with app.test_request_context():
        workshop = services.create_workshop(db.session, services.WorkshopInput(
            title=title, starts_at=start, ends_at=start + timedelta(hours=2), capacity=capacity,
            location="臺北市"), actor=db.session.get(User, staff_id))
        db.session.commit()
        return workshop.id


@dataclass
class Seats:
    confirmed_count: int
    waitlisted_count: int
    by_status: Counter
    positions: list[int]
    rows: int


def seats_of(app: Flask, workshop_id: int) -> Seats:
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        rows = db.session.scalars(select(Registration).where(Registration.workshop_id == workshop_id)).all()
        seats = Seats(workshop.confirmed_count, workshop.waitlisted_count, Counter(r.status for r in rows),
                      sorted(r.position for r in rows if r.status == "waitlisted"), len(rows))
        db.session.remove()
        return seats


def assert_round(app: Flask, workshop_id: int, replies: list[Reply]) -> None:
    statuses = Counter(reply.status for reply in replies)
    assert statuses == {302: CROWD}, statuses
    seats = seats_of(app, workshop_id)
    assert seats.by_status == {"confirmed": SEATS, "waitlisted": CROWD - SEATS}, seats.by_status
    assert (seats.confirmed_count, seats.waitlisted_count) == (SEATS, CROWD - SEATS)
    assert seats.positions == list(range(1, CROWD - SEATS + 1))


def run_crowds(app: Flask, staff_id: int, visitor: Callable[[str], object], rounds: int) -> None:
    for round_number in range(rounds):
        workshop_id = new_workshop(app, staff_id, f"第 {round_number + 1} 輪")
        actions = [sign_up_action(visitor(f"127.0.{round_number + 10}.{i + 1}"), workshop_id,
                                  f"round{round_number}.person{i}@example.tw") for i in range(CROWD)]
        assert_round(app, workshop_id, together(actions))


def run_twins(app: Flask, staff_id: int, visitor: Callable[[str], object]) -> None:
    workshop_id = new_workshop(app, staff_id, "同一人連按二十次")
    replies = together([sign_up_action(visitor("127.0.200.1"), workshop_id, "Twin@Example.tw")
                        for _ in range(20)])
    assert sorted(reply.status for reply in replies) == [302] + [409] * 19
    seats = seats_of(app, workshop_id)
    assert seats.rows == 1 and (seats.confirmed_count, seats.waitlisted_count) == (1, 0)


def run_cancellations_racing_sign_ups(app: Flask, staff_id: int, visitor: Callable[[str], object]) -> None:
    workshop_id = new_workshop(app, staff_id, "取消與報名同時發生")
    with app.test_request_context():
        tokens = []
        for number in range(15):
            workshop = queries.get_workshop(db.session, workshop_id)
            result = services.sign_up(db.session, workshop, services.SignupInput(
                name="早到者", email=f"early{number}@example.tw", phone="0912345678", consent=True))
            tokens.append(result.registration.cancel_token)
            db.session.commit()
        db.session.remove()
    # Five seated people cancel (one of them twice at once) while ten newcomers sign up.
    cancels = [cancel_action(visitor(f"127.0.201.{i + 1}"), tokens[i]) for i in range(5)]
    cancels.append(cancel_action(visitor("127.0.201.100"), tokens[0]))
    newcomers = [sign_up_action(visitor(f"127.0.202.{i + 1}"), workshop_id, f"late{i}@example.tw")
                 for i in range(10)]
    replies = together(cancels + newcomers)
    assert sorted(reply.status for reply in replies[:6]) == [302] * 5 + [409]
    assert [reply.status for reply in replies[6:]] == [302] * 10
    seats = seats_of(app, workshop_id)
    assert seats.by_status == {"confirmed": SEATS, "waitlisted": 10, "cancelled": 5}, seats.by_status
    assert (seats.confirmed_count, seats.waitlisted_count) == (SEATS, 10)
    with app.app_context():
        promoted = db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.event == "workshops.promoted", OutboxMessage.context["workshop_id"].as_integer()
            == workshop_id))
        db.session.remove()
    assert promoted == 5


# PostgreSQL behind gunicorn


@dataclass
class Server:
    url: str
    app: Flask
    log: Path


@pytest.fixture(scope="module")
def gunicorn_server(smtp_server, tmp_path_factory) -> Iterator[Server]:
    admin = postgres_admin_url()  # raises when PostgreSQL is required (CIVIC_REQUIRE_POSTGRES) but absent
    if admin is None:
        pytest.skip("PostgreSQL does not answer (TEST_DATABASE_URL, or 127.0.0.1:5432 with database test), so "
                    "the multi-process test cannot run; set CIVIC_REQUIRE_POSTGRES=1 to make this a failure")
    with fresh_postgres_database(admin) as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade()
        log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
        try:
            with gunicorn_serving(url, log, workers=3, threads=4, env={"SITE_URL": "http://civic.test"}) as base:
                yield Server(base, app, log)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="module")
def server_staff(gunicorn_server: Server) -> int:
    return make_staff(gunicorn_server.app)


def test_sixty_at_once_for_ten_seats_ten_rounds_through_three_processes(gunicorn_server, server_staff):
    run_crowds(gunicorn_server.app, server_staff, lambda address: Visitor(gunicorn_server.url, address), rounds=10)


def test_twenty_identical_sign_ups_make_one_registration_across_processes(gunicorn_server, server_staff):
    run_twins(gunicorn_server.app, server_staff, lambda address: Visitor(gunicorn_server.url, address))


def test_cancellations_racing_sign_ups_keep_the_counts_right_across_processes(gunicorn_server, server_staff):
    run_cancellations_racing_sign_ups(gunicorn_server.app, server_staff,
                                      lambda address: Visitor(gunicorn_server.url, address))


def test_the_server_log_names_no_one(gunicorn_server, server_staff):
    log = gunicorn_server.log.read_text(errors="replace")
    assert "Traceback" not in log
    for secret in ("@example.tw", "0912345678", "+886912345678", "/workshops/registrations/"):
        assert secret not in log


# SQLite, threads through the in-process application


@pytest.fixture(scope="module")
def sqlite_app(smtp_server, tmp_path_factory) -> Iterator[Flask]:
    database = tmp_path_factory.mktemp("concurrency") / "civic.sqlite3"
    app = make_app(f"sqlite:///{database}", smtp_server.port, WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_sixty_threads_for_ten_seats_on_sqlite(sqlite_app):
    staff_id = make_staff(sqlite_app)
    visitor = lambda address: InProcessVisitor(sqlite_app, address)  # noqa: E731
    run_crowds(sqlite_app, staff_id, visitor, rounds=3)
    run_twins(sqlite_app, staff_id, visitor)
    run_cancellations_racing_sign_ups(sqlite_app, staff_id, visitor)
