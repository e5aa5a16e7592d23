"""Fixtures of the write API: tokens made through the tokens service, and a client that sends JSON
with a token, a language and, for a POST, an Idempotency-Key."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.agencies import services as agencies
from civic.cases import queries as case_queries
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import services as feedback
from civic.integrations import services as tokens
from civic.integrations.services import TokenInput
from civic.workshops import services as workshops
from tests.cases import factories
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import PASSWORD, Account, SMTPServer

ALL_SCOPES = ("cases:write", "feedback:answer", "workshops:write")


def make_token(app, account: Account, scopes=ALL_SCOPES, *, days: int = 90) -> str:
    """A token of ``account`` made through the service, as /account/tokens makes one: its secret."""
    with app.test_request_context():
        made = tokens.create_token(db.session, TokenInput(name="整合測試", scopes=list(scopes), days=days),
                                   actor=db.session.get(User, account.id))
        db.session.commit()
        return made.secret


@dataclass
class Api:
    """The write API as a client system sees it."""

    client: FlaskClient
    secret: str | None = None
    lang: str = "en"

    def call(self, method: str, path: str, payload: Any = None, *, key: str | None = None, raw: bytes | None = None,
             headers: dict[str, str] | None = None, secret: str | None = None):
        sent = {"Accept-Language": self.lang, **(headers or {})}
        token = secret if secret is not None else self.secret
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if method == "POST" and key is None and "Idempotency-Key" not in sent:
            key = str(uuid.uuid4())
        if key is not None:
            sent["Idempotency-Key"] = key
        data = raw if raw is not None else (json.dumps(payload, ensure_ascii=False).encode() if payload is not None
                                            else None)
        if data is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/json"
        return self.client.open(path, method=method, data=data, headers=sent)

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, payload: Any = None, **kwargs):
        return self.call("POST", path, payload, **kwargs)

    def patch(self, path: str, payload: Any = None, **kwargs):
        return self.call("PATCH", path, payload, **kwargs)

    def delete(self, path: str, payload: Any = None, **kwargs):
        return self.call("DELETE", path, payload, **kwargs)


@pytest.fixture
def staff_api(app, staff) -> Api:
    return Api(app.test_client(), make_token(app, staff))


@pytest.fixture
def admin_api(app, admin) -> Api:
    return Api(app.test_client(), make_token(app, admin))


def add_risk_and_document(app, account: Account, slug: str) -> tuple[int, int]:
    """Give the case a risk and a document through the part services: their ids."""
    from civic.cases import parts, services

    with app.test_request_context():
        actor = db.session.get(User, account.id)
        case = case_queries.get_case_with_parts(db.session, slug)
        risk = parts.add_risk(case, services.RiskInput(stage="award", risk="評選委員利益衝突"), actor=actor)
        document = parts.add_document(case, parts.DocumentInput(title="可行性研究", url="https://example.gov.tw/a"),
                                      actor=actor)
        db.session.commit()
        return risk.id, document.id


def open_item(app, citizen: Account, slug: str, body: str = "請公開分包商名冊。") -> str:
    """A citizen's question on the case: its tracking number."""
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        comment = feedback.submit_comment(db.session, case, feedback.CommentInput(body=body),
                                          author=db.session.get(User, citizen.id))
        number = comment.feedback.tracking_number
        db.session.commit()
        return number


def hold_workshop(app, account: Account, title: str = "萬大線說明會") -> int:
    """A workshop of the account's agency, a month ahead: its id."""
    with app.test_request_context():
        starts = (utcnow() + timedelta(days=30)).replace(microsecond=0)
        workshop = workshops.create_workshop(db.session, workshops.WorkshopInput(
            title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=30, location="區公所"),
            actor=db.session.get(User, account.id))
        db.session.commit()
        return workshop.id


# A database that commits for real, for requests racing each other.


@pytest.fixture(scope="module")
def committing(database_kind: str, smtp_server: SMTPServer,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str, str]]:
    """An application on a database of its own with a published case: (app, its slug, a staff token)."""
    if database_kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('idempotency') / 'civic.sqlite3'}"
        yield from _committing(url, smtp_server)
        return
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin_url) as url:
        yield from _committing(url, smtp_server)


def _committing(url: str, smtp_server: SMTPServer) -> Iterator[tuple[Flask, str, str]]:
    application = make_app(url, smtp_server.port)
    with application.app_context():
        upgrade()
    with application.test_request_context():
        agency = agencies.create_agency(db.session, code="A00000001", name_zh="測試機關", actor=SYSTEM)
        people = {}
        for email, role in (("staff@agency-a.gov.tw", Role.staff), ("admin@example.tw", Role.admin)):
            user = accounts.create_user(db.session, email=email, password=PASSWORD, display_name=email, role=role,
                                        agency=agency if role == Role.staff else None, verified=True)
            people[role] = Account(id=user.id, email=email, role=str(role))
        db.session.commit()
    slug = factories.apply(application, people[Role.staff])
    factories.publish(application, people[Role.admin], slug)
    yield application, slug, make_token(application, people[Role.staff])
    with application.app_context():
        db.engine.dispose()
