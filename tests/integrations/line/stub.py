"""A stub of the LINE Messaging API on loopback that records every reply and push and checks the
bearer token; and webhook bodies signed as LINE signs them. Used by the LINE tests and the browser test."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-channel-access-token"
ADD_FRIEND_URL = "https://line.me/R/ti/p/@civic-test"
LINE_USER = "U" + "a" * 32
OTHER_LINE_USER = "U" + "b" * 32
REPLY_TOKEN = "reply-token-1"
FOLLOW_REPLY_TOKEN = "reply-token-follow"


@dataclass
class Call:
    path: str
    body: dict
    headers: dict[str, str]


@dataclass
class LineStub:
    """What the stub received, and the statuses it will answer with next (200 when none is queued)."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    refused: list[Call] = field(default_factory=list)
    # The statuses to answer with next, each with the error body to send (None: a plain one).
    answers: list[tuple[int, dict | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.refused.clear()
            self.answers.clear()

    def answer(self, *statuses: int, body: dict | None = None) -> None:
        """Answer the next requests with these statuses, in order (an error with ``body``, if given)."""
        with self.lock:
            self.answers.extend((status, body) for status in statuses)

    def next_answer(self) -> tuple[int, dict | None]:
        with self.lock:
            return self.answers.pop(0) if self.answers else (200, None)

    def record(self, call: Call, *, accepted: bool) -> None:
        with self.lock:
            (self.calls if accepted else self.refused).append(call)

    def replies(self) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.path == "/v2/bot/message/reply"]

    def pushes(self) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.path == "/v2/bot/message/push"]

    @staticmethod
    def text(call: Call) -> str:
        [message] = call.body["messages"]
        assert message["type"] == "text"
        return message["text"]


def _handler(stub: LineStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args) -> None:
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            call = Call(path=self.path, body=json.loads(self.rfile.read(length) or b"{}"),
                        headers={key.lower(): value for key, value in self.headers.items()})
            if call.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                stub.record(call, accepted=False)
                self._answer(401, {"message": "Authentication failed. Confirm that the access token in the "
                                              "authorization header is valid."})
                return
            status, body = stub.next_answer()
            stub.record(call, accepted=status < 300)
            if status >= 300:
                self._answer(status, body or {"message": f"stub answers {status}"})
            else:
                self._answer(status, {"sentMessages": [{"id": str(len(stub.calls)), "quoteToken": "q"}]})

    return Handler


@contextlib.contextmanager
def serving() -> Iterator[LineStub]:
    """The stub on a free loopback port, for as long as the block runs."""
    stub = LineStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="line-stub", daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def line_settings(stub: LineStub) -> dict:
    """The configuration that turns LINE notices on, talking to ``stub``."""
    return {"LINE_CHANNEL_SECRET": CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_BASE_URL": stub.url, "LINE_ADD_FRIEND_URL": ADD_FRIEND_URL, "LINE_TIMEOUT": 5.0}


def signature(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _base(kind: str, user: str, **extra) -> dict:
    return {"type": kind, "mode": "active", "timestamp": 1_765_000_000_000,
            "source": {"type": "user", "userId": user}, "webhookEventId": f"01TEST{kind.upper()}{user[-4:]}",
            "deliveryContext": {"isRedelivery": False}, **extra}


def text_event(text: str, user: str = LINE_USER, reply_token: str = REPLY_TOKEN) -> dict:
    return _base("message", user, replyToken=reply_token,
                 message={"id": "100001", "type": "text", "quoteToken": "quote", "text": text})


def follow_event(user: str = LINE_USER, reply_token: str = FOLLOW_REPLY_TOKEN) -> dict:
    return _base("follow", user, replyToken=reply_token, follow={"isUnblocked": False})


def unfollow_event(user: str = LINE_USER) -> dict:
    return _base("unfollow", user)


def webhook_request(*events: dict, secret: str = CHANNEL_SECRET, sign: bool = True) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook request carrying ``events``, signed with ``secret``."""
    body = json.dumps({"destination": "U" + "0" * 32, "events": list(events)}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if sign:
        headers["X-Line-Signature"] = signature(body, secret)
    return body, headers
