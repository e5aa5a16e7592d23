"""Helpers for tests: accounts as plain data, CSRF-aware form posts, a loopback SMTP server, the
site served by gunicorn as in production."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask, template_rendered
from flask.testing import FlaskClient

import config

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    role: str
    password: str = PASSWORD
    agency_code: str | None = None


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Fetch ``path`` and return the CSRF token of its first form."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict, *, form_page: str | None = None,
              **kwargs):
    """POST ``data`` to ``path`` with a valid CSRF token taken from ``form_page``."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def login(client: FlaskClient, account: Account, password: str | None = None):
    return post_form(client, "/login", {"email": account.email,
                                        "password": password or account.password})


def signed_in(app, account: Account) -> FlaskClient:
    """A client of its own, signed in as ``account``."""
    client = app.test_client()
    assert login(client, account).status_code == 302
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """What the loopback SMTP server received, as parsed messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def link(self, message: EmailMessage, path_prefix: str) -> str:
        """The first link in ``message`` whose path starts with ``path_prefix``, as a path."""
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s<>\"]*)",
                          self.text(message))
        assert match, f"no {path_prefix} link in mail"
        return match.group(1)


class SMTPServer:
    """A real SMTP server on loopback for the duration of the test session."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def redis_url_or_skip() -> str:
    """The tests' Redis, once it answers; otherwise skip (or fail, where the run requires Redis)."""
    url = config.test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if config.test_requirements()["redis"]:
            raise RuntimeError(f"Redis is required for this run: {error}") from error
        pytest.skip(f"Redis does not answer at {url}")
    return url


REPO_ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def gunicorn_serving(database_url: str, log: Path, *, workers: int, threads: int = 1, app: str = "wsgi:app",
                     env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the site on ``database_url`` with gunicorn's ``workers`` processes, as in production;
    yield its address once /healthz answers. Its output goes to ``log``, shown when it fails."""
    port = free_port()
    environment = {**os.environ, "CIVIC_ENV": "testing", "DATABASE_URL": database_url, **(env or {})}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "gthread", "--workers", str(workers), "--threads", str(threads),
             "--timeout", "60", "--graceful-timeout", "5", "--bind", f"127.0.0.1:{port}", app],
            cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    # Each worker imports the application on its first request, which takes seconds on a busy machine.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited early:\n{log.read_text(errors='replace')[-3000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def rendered(app: Flask) -> Iterator[list[str]]:
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)
