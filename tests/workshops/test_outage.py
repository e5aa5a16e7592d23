"""A database failure during a sign-up: the page tells the truth about what was stored.

A failure before the COMMIT leaves nothing behind and the page says so. Once the COMMIT is on its
way the sign-up may well be stored (here it is), so the page must not say "nothing has been
stored": it says the outcome is unknown and how to check. The failures are injected with
SQLAlchemy events on a real database whose commits are real (the usual test isolation turns each
commit into a SAVEPOINT release), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from flask_migrate import upgrade
from sqlalchemy import Connection, event, func, select
from sqlalchemy.exc import OperationalError

from civic.core.roles import Role
from civic.extensions import db
from civic.workshops import views
from civic.workshops.models import Registration
from tests.conftest import fresh_postgres_database, make_account, make_app, postgres_admin_url
from tests.support import Account, SMTPServer, post_form
from tests.workshops.conftest import hold

PERSON = {"name": "林美玲", "email": "meiling.lin@example.tw", "phone": "0912-345-678", "consent": "y"}
NOTHING_STORED = ("We cannot reach our database at the moment. Nothing you sent has been stored; please try again "
                  "in a minute.")
UNKNOWN = "We lost the connection to our database while storing what you sent, so we cannot tell whether it was stored."
UNKNOWN_AFTER_ERROR = ("The problem has been recorded. It happened while or after storing what you sent, so it may "
                       "have been stored.")
HOW_TO_CHECK = ("If your sign-up was stored, we will send you a mail about it. Signing up again with the same email "
                "address is safe: we will tell you if you are already signed up.")
CHECK_AGAIN = ("Check before you send it again: if it was stored, it shows on the page where you sent it, and any "
               "confirmation mail will reach you.")
ALREADY = ("This email address is already signed up for this workshop. The confirmation mail has a link to see or "
           "cancel the registration.")
LOCALES = {"en": "en", "zh": "zh_Hant_TW"}


def connection_lost(statement: str) -> OperationalError:
    return OperationalError(statement, {}, ConnectionError("server closed the connection unexpectedly"))


def commit_then_lose_the_answer(connection: Connection) -> None:
    """The COMMIT reaches the server, the answer never comes back."""
    connection.connection.dbapi_connection.commit()
    raise connection_lost("COMMIT")


@pytest.fixture(scope="module")
def committing_app(database_kind: str, smtp_server: SMTPServer,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application on a database of its own, outside the SAVEPOINT isolation: commits are real."""
    with contextlib.ExitStack() as stack:
        if database_kind == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('outage-db') / 'civic.sqlite3'}"
        else:
            admin = postgres_admin_url()
            if admin is None:
                pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
            url = stack.enter_context(fresh_postgres_database(admin))
        application = make_app(url, smtp_server.port)
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def organiser(committing_app: Flask) -> Account:
    return make_account(committing_app, "staff.outage@agency.example.gov.tw", Role.staff, agency_code="A00000009")


@contextlib.contextmanager
def listening(target: object, name: str, listener: Callable[..., object]) -> Iterator[None]:
    event.listen(target, name, listener)
    try:
        yield
    finally:
        event.remove(target, name, listener)


def said(app: Flask, message: str, lang: str) -> str:
    with app.test_request_context(), force_locale(LOCALES[lang]):
        return babel_gettext(message)


def sign_up(app: Flask, workshop: int, lang: str):
    """Sign PERSON up from the workshop's page in ``lang``, as a visitor of their own."""
    page = f"/workshops/{workshop}"
    return post_form(app.test_client(), page, PERSON, form_page=f"{page}?lang={lang}")


def registrations(app: Flask, workshop: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Registration.id)).where(Registration.workshop_id == workshop))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failure_before_the_commit_says_nothing_was_stored(committing_app, organiser, lang):
    workshop = hold(committing_app, organiser)

    def fail_the_insert(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO WORKSHOP_REGISTRATIONS"):
            raise connection_lost(statement)

    with committing_app.app_context():
        engine = db.engine
    with listening(engine, "before_cursor_execute", fail_the_insert):
        response = sign_up(committing_app, workshop, lang)
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert said(committing_app, NOTHING_STORED, lang) in page
    assert said(committing_app, UNKNOWN, lang) not in page
    assert registrations(committing_app, workshop) == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_commit_whose_answer_is_lost_says_the_outcome_is_unknown_and_how_to_check(committing_app, organiser, lang):
    workshop = hold(committing_app, organiser)

    with committing_app.app_context():
        engine = db.engine
    with listening(engine, "commit", commit_then_lose_the_answer):
        response = sign_up(committing_app, workshop, lang)
    assert response.status_code == 503 and response.headers["Retry-After"]
    page = html.unescape(response.get_data(as_text=True))
    assert said(committing_app, UNKNOWN, lang) in page and said(committing_app, HOW_TO_CHECK, lang) in page
    assert said(committing_app, NOTHING_STORED, lang) not in page
    # It was stored, and the way the page offers to check says so.
    assert registrations(committing_app, workshop) == 1
    again = sign_up(committing_app, workshop, lang)
    assert again.status_code == 409
    assert said(committing_app, ALREADY, lang) in html.unescape(again.get_data(as_text=True))


@pytest.mark.parametrize(("failure", "status", "message"), [
    (connection_lost("SELECT"), 503, UNKNOWN),
    (RuntimeError("the step after the sign-up failed"), 500, UNKNOWN_AFTER_ERROR),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failure_after_the_commit_does_not_say_nothing_was_stored(committing_app, organiser, monkeypatch, lang,
                                                                    failure, status, message):
    workshop = hold(committing_app, organiser)

    def fail(*args, **kwargs) -> None:
        raise failure

    # The step after the commit (the message for the next page) fails: the sign-up is stored.
    monkeypatch.setattr(views, "flash", fail)
    response = sign_up(committing_app, workshop, lang)
    assert response.status_code == status
    page = html.unescape(response.get_data(as_text=True))
    assert said(committing_app, message, lang) in page and said(committing_app, HOW_TO_CHECK, lang) in page
    assert "Nothing you sent has been stored" not in page and "沒有被儲存" not in page
    assert registrations(committing_app, workshop) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_form_without_its_own_hint_gets_the_general_way_to_check(committing_app, organiser, lang):
    workshop = hold(committing_app, organiser)
    own_page = sign_up(committing_app, workshop, lang).headers["Location"]
    cancel = f"{own_page}/cancel"

    with committing_app.app_context():
        engine = db.engine
    with listening(engine, "commit", commit_then_lose_the_answer):
        response = post_form(committing_app.test_client(), cancel, {}, form_page=f"{cancel}?lang={lang}")
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert said(committing_app, UNKNOWN, lang) in page and said(committing_app, CHECK_AGAIN, lang) in page
    assert said(committing_app, HOW_TO_CHECK, lang) not in page
