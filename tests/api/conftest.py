"""Fixtures for the open data API: an application on a database of its own, holding the demo data
and some private data (notes, an assignee, hidden and deleted comments, contact addresses,
subscription tokens) that must never come out. Both are built once per database and committed;
each test still runs in a SAVEPOINT that is rolled back.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

import civic.accounts.passwords
from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.cases.models import Case
from civic.cases.queries import get_case_with_parts
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.demo import loader as demo
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import services as feedback
from civic.feedback.models import Subscription
from civic.feedback.queries import get_feedback
from civic.workshops import services as workshops
from civic.workshops.models import Registration, Workshop
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import PASSWORD, SMTPServer

NOTE = "內部備註-NOTE-SENTINEL，請回電 0912-345-678"
HIDDEN_TEXT = "HIDDEN-COMMENT-SENTINEL 這則會被隱藏"
DELETED_TEXT = "DELETED-COMMENT-SENTINEL 這則會被刪除"
ASSIGNEE = "ASSIGNEE-SENTINEL 承辦人"
CONTACT = "contact-sentinel@agency.example.gov.tw"
ATTENDEE = "ATTENDEE-SENTINEL 報名者"
ATTENDEE_EMAIL = "attendee.sentinel@example.tw"
ATTENDEE_PHONE = "0912 345 678"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Taiwanese mobile number standing on its own, as typed or stored (+886...): not ten digits that
# happen to sit inside a hex hash.
PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:\+886[- ]?|0)9\d{2}[- ]?\d{3}[- ]?\d{3}(?![0-9A-Za-z])")
DEMO_CASE = "taipei-mrt-wanda-line"
DEMO_AGENCY = "379130000"


@dataclass(frozen=True)
class Seeded:
    """What the shared data set holds beyond the demo data."""

    tracking_number: str  # an item with an internal note and an assignee
    hidden_comment_id: int
    deleted_comment_id: int
    workshop_id: int  # a workshop with a planted sign-up (name, email, phone, answer, token)
    secrets: tuple[str, ...]  # texts that must never appear in public data


def register_open_data(app: Flask) -> None:
    """Register the API and the feeds until civic.create_app does."""
    from civic.api.feeds import feeds_bp
    from civic.api.views import bp

    for blueprint in (bp, feeds_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


@contextlib.contextmanager
def cheap_passwords() -> Iterator[None]:
    """argon2 at its cheapest while the demo accounts are made: nobody signs in with them here."""
    original = civic.accounts.passwords._hasher
    civic.accounts.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        yield
    finally:
        civic.accounts.passwords._hasher = original


@contextlib.contextmanager
def _database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('api-db') / 'civic.sqlite3'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin) as url:
        yield url


def _seed(app: Flask) -> Seeded:
    with app.test_request_context(), cheap_passwords():
        session = db.session
        demo.load(session)
        agency = get_agency_by_code(session, DEMO_AGENCY)
        agency.contact_email = CONTACT
        citizen = session.scalar(select(User).where(User.email == "citizen@demo.civic.tw"))
        moderator = session.scalar(select(User).where(User.email == "moderator@demo.civic.tw"))
        staff = session.scalar(select(User).where(User.email == demo.staff_email(DEMO_AGENCY)))
        assignee = accounts.create_user(session, email="assignee.sentinel@agency.example.gov.tw", password=PASSWORD,
                                        display_name=ASSIGNEE, role=Role.staff, agency=agency, verified=True)
        case = get_case_with_parts(session, DEMO_CASE)
        item = feedback.submit_comment(session, case, feedback.CommentInput(body="請公開分包商名冊的更新頻率。"),
                                       author=citizen).feedback
        item = get_feedback(session, item.tracking_number)
        feedback.add_note(session, item, NOTE, actor=staff)
        feedback.assign(session, item, assignee.id, actor=staff)
        hidden = feedback.submit_comment(session, case, feedback.CommentInput(body=HIDDEN_TEXT), author=citizen)
        moderation.hide_comment(session, hidden, actor=moderator, reason="personal_data")
        deleted = feedback.submit_comment(session, case, feedback.CommentInput(body=DELETED_TEXT), author=citizen)
        feedback.delete_comment(session, deleted, actor=citizen)
        moderation.follow(session, citizen, case=case)
        workshop = session.scalars(select(Workshop).where(Workshop.case_id == case.id, Workshop.starts_at > utcnow())
                                   .order_by(Workshop.id)).first()
        workshops.sign_up(session, workshop, workshops.SignupInput(
            name=ATTENDEE, email=ATTENDEE_EMAIL, phone=ATTENDEE_PHONE, consent=True,
            answers=["ANSWER-SENTINEL 施工噪音"]))
        session.commit()
        tokens = tuple(session.scalars(select(Subscription.unsubscribe_token)))
        emails = tuple(session.scalars(select(User.email)))
        internal = tuple(text for case in session.scalars(select(Case))
                         for text in (case.application_reason, case.review_comment) if text)
        registrations = tuple(
            text for registration in session.scalars(select(Registration))
            for text in (registration.name, registration.email, registration.phone, registration.cancel_token,
                         *registration.answers) if text)
        links = tuple(url for url in session.scalars(select(Workshop.online_url)) if url)
        assert ATTENDEE in registrations and links
        return Seeded(
            tracking_number=item.tracking_number, hidden_comment_id=hidden.id, deleted_comment_id=deleted.id,
            workshop_id=workshop.id,
            secrets=(NOTE, "0912-345-678", HIDDEN_TEXT, DELETED_TEXT, ASSIGNEE, CONTACT, *emails, *tokens, *internal,
                     *registrations, *links),
        )


@pytest.fixture(scope="session")
def _open_data(database_kind: str, smtp_server: SMTPServer,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Seeded]]:
    with _database(database_kind, tmp_path_factory) as url:
        application = make_app(url, smtp_server.port)
        register_open_data(application)
        with application.app_context():
            upgrade()
        seeded = _seed(application)
        yield application, seeded
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(_open_data: tuple[Flask, Seeded]) -> Flask:
    """The application with the API registered, on the shared open data set."""
    return _open_data[0]


@pytest.fixture(scope="session")
def seeded(_open_data: tuple[Flask, Seeded]) -> Seeded:
    return _open_data[1]


def get_json(client, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = client.get(path, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_json()


def walk(client, path: str) -> list[dict[str, Any]]:
    """Every object of a list, following next links to the end."""
    objects: list[dict[str, Any]] = []
    url: str | None = path
    while url:
        page = get_json(client, url)
        objects.extend(page["data"])
        url = page["next"]
    return objects
