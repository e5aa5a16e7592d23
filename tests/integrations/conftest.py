"""Webhook fixtures: a receiver on loopback, the settings that let the sender reach it, a resolver the
test controls, and hooks registered through the page as a person would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.integrations import sender
from civic.integrations.models import Webhook, WebhookDelivery
from tests.integrations.receivers import Receiver, serving
from tests.support import post_form

PAGE = "/account/webhooks"
SECRET = re.compile(r"<code data-webhook-secret>([^<]+)</code>")
# An address of the public internet (one of example.com's), for names that must pass the guard.
PUBLIC_ADDRESS = "93.184.215.14"


@dataclass
class FakeResolver:
    """Host names the test decides on: each name answers with its list, in turn if several are given
    (the last one repeats); every question is recorded."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def set(self, host: str, *answers: list[str]) -> None:
        self.answers[host] = list(answers)

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        queue = self.answers.get(host)
        if not queue:
            raise OSError(f"unknown host {host}")
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def resolver(app, monkeypatch) -> FakeResolver:
    fake = FakeResolver()
    monkeypatch.setitem(app.config, "WEBHOOKS_RESOLVER", fake)
    return fake


@pytest.fixture
def loopback(app, monkeypatch) -> None:
    """Let hooks send to a receiver on this machine over plain http, as in development."""
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving() as running:
        yield running


def register(client, url: str, events=("answer.published",), *, case: str = "", agency: str = "",
             lang: str | None = None):
    path = PAGE + (f"?lang={lang}" if lang else "")
    return post_form(client, path, {"url": url, "events": list(events), "case": case, "agency": agency})


def secret_of(response) -> str:
    [secret] = SECRET.findall(response.get_data(as_text=True))
    return secret


def send(app, now: datetime | None = None) -> sender.SendReport:
    """Run the sender once, as ``flask webhooks send`` does."""
    with app.app_context():
        return sender.send_due(db.session, now=now)


def hooks(app) -> list[Webhook]:
    with app.app_context():
        return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def deliveries(app, hook_id: int | None = None) -> list[WebhookDelivery]:
    with app.app_context():
        statement = select(WebhookDelivery).order_by(WebhookDelivery.id)
        if hook_id is not None:
            statement = statement.where(WebhookDelivery.webhook_id == hook_id)
        return list(db.session.scalars(statement))
