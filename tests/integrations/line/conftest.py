"""LINE in tests: the Messaging API stub (stub.py) for the session, the app configured to use it, and
helpers that post signed webhooks, run the sender and link an account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from civic.extensions import db
from civic.integrations.line.delivery import deliver_pending
from civic.notifications.models import OutboxChannel, OutboxMessage
from tests.integrations.line.stub import CHANNEL_SECRET, LINE_USER, LineStub, line_settings, serving, webhook_request


@pytest.fixture(scope="session")
def line_stub() -> Iterator[LineStub]:
    with serving() as stub:
        yield stub


@pytest.fixture
def line(app: Flask, line_stub: LineStub, monkeypatch: pytest.MonkeyPatch) -> LineStub:
    """LINE configured on the test app, talking to the stub (cleared for each test)."""
    for key, value in line_settings(line_stub).items():
        monkeypatch.setitem(app.config, key, value)
    line_stub.reset()
    return line_stub


def post_webhook(client, *events: dict, secret: str = CHANNEL_SECRET, sign: bool = True):
    body, headers = webhook_request(*events, secret=secret, sign=sign)
    return client.post("/line/webhook", data=body, headers=headers)


def send_line(app: Flask):
    """Run the LINE sender once, as `line send` does."""
    with app.app_context():
        return deliver_pending(db.session)


def line_rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.line)
                                       .order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def link_line(app: Flask, account, line_user: str = LINE_USER) -> None:
    """Link ``account`` to ``line_user`` as the webhook does, through the services."""
    from civic.accounts.models import User
    from civic.integrations.line import services

    with app.test_request_context():
        user = db.session.get(User, account.id)
        code = services.issue_code(db.session, actor=user).code
        assert services.link_with_code(db.session, line_user, code) is not None
        db.session.commit()
