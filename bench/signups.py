"""Workshop sign-ups at a steady rate, as people send them, while the case pages are read.

A few workshops are added to cases that the readers also read. Each sign-up is the form's POST
through the app (a fresh name and email, its own client address in X-Forwarded-For as the reverse
proxy would send, so the per-address limit of the form does not refuse it). The form page is read
once per sender for its session cookie and CSRF token, which every POST then reuses.

    with SignUps(port, workshop_ids, rate=20):
        load.run(...)
"""

from __future__ import annotations

import http.client
import itertools
import re
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import Engine, select

HOST = "127.0.0.1"
TITLE = "效能測試工作坊"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def ensure_workshops(engine: Engine, slugs: list[str]) -> list[int]:
    """One workshop about each of the cases ``slugs``, open for sign-up with seats to spare; their ids."""
    from civic.cases.models import Case
    from civic.workshops.models import Workshop

    table = Workshop.__table__
    with engine.begin() as connection:
        cases = connection.execute(select(Case.id, Case.agency_id).where(Case.slug.in_(slugs))).all()
        have = set(connection.scalars(select(table.c.case_id).where(table.c.title == TITLE)))
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        rows = [{"agency_id": agency_id, "case_id": case_id, "title": TITLE, "starts_at": start,
                 "ends_at": start + timedelta(hours=2), "signup_deadline_at": start - timedelta(days=1),
                 "location": "臺北市中正區", "capacity": 1_000_000, "questions": []}
                for case_id, agency_id in cases if case_id not in have]
        if rows:
            connection.execute(table.insert(), rows)
        return list(connection.scalars(select(table.c.id).where(table.c.title == TITLE).order_by(table.c.id)))


class SignUps:
    """``rate`` sign-ups a second spread over ``workshop_ids``, sent by ``senders`` threads."""

    def __init__(self, port: int, workshop_ids: list[int], *, rate: float, senders: int = 4) -> None:
        self.port, self.workshop_ids, self.rate, self.senders = port, workshop_ids, rate, senders
        self.numbers = itertools.count()
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.sent = self.failed = 0
        self.started = self.stopped = 0.0
        self.threads = [threading.Thread(target=self._send, args=(index,), daemon=True) for index in range(senders)]

    def __enter__(self) -> SignUps:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)
        self.stopped = time.monotonic()

    @property
    def achieved_rate(self) -> float:
        return self.sent / (self.stopped - self.started) if self.stopped > self.started else 0.0

    def _form(self, connection: http.client.HTTPConnection, workshop_id: int) -> tuple[str, str]:
        connection.request("GET", f"/workshops/{workshop_id}", headers={"Accept-Language": "zh-TW"})
        response = connection.getresponse()
        body = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
        match = TOKEN.search(body)
        if response.status != 200 or not cookie or not match:
            raise RuntimeError(f"the sign-up form of workshop {workshop_id} answered {response.status}")
        return cookie, match.group(1)

    def _send(self, index: int) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        forms = {workshop_id: self._form(connection, workshop_id) for workshop_id in self.workshop_ids}
        while not self.stop_event.is_set():
            with self.lock:
                number = next(self.numbers)
            # Each sign-up has its moment on one clock shared by the senders: ``rate`` a second.
            delay = self.started + number / self.rate - time.monotonic()
            if delay > 0 and self.stop_event.wait(delay):
                return
            workshop_id = self.workshop_ids[number % len(self.workshop_ids)]
            cookie, token = forms[workshop_id]
            body = urlencode({"csrf_token": token, "name": f"參加者{number}",
                              "email": f"bench-{uuid.uuid4().hex[:12]}@example.tw", "phone": "0912-345-678",
                              "consent": "y"})
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                       "X-Forwarded-For": f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}",
                       "Accept-Language": "zh-TW"}
            try:
                # The answer's cookie (with the flashed message) is not kept: the next POST uses the
                # form's, so the session never grows.
                connection.request("POST", f"/workshops/{workshop_id}", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 302
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                ok = False
            with self.lock:
                if ok:
                    self.sent += 1
                else:
                    self.failed += 1
        connection.close()
