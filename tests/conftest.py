"""Fixtures: the app on SQLite and on PostgreSQL, a SAVEPOINT per test, roles, mail, queries."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

import civic.accounts.passwords
import config
from civic import create_app
from civic.accounts import services as accounts
from civic.agencies import services as agencies
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.demo import loader as demo_loader
from civic.extensions import cache, db, limiter
from tests.cases import factories as case_factories
from tests.support import PASSWORD, Account, SMTPServer

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to test on, or None when it does not answer (and is not required)."""
    url = config.test_database_url() or DEFAULT_POSTGRES
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.OperationalError as error:
        if config.test_requirements()["postgres"]:
            raise RuntimeError(f"PostgreSQL is required for this run: {error}") from error
        return None


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """Create an empty database for this run and drop it afterwards."""
    name = f"civic_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With several test processes (make test), the browser tests all run in one of them, in the
    order they are written: they share one demo site, whose data each flow changes."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif "demo_site" in getattr(item, "fixturenames", ()):
            # One process loads the demo site once per database for all the tests that read it.
            item.add_marker(pytest.mark.xdist_group("demo_site"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_kind" in metafunc.fixturenames:
        metafunc.parametrize("database_kind", ["sqlite", "postgresql"], scope="session")


@pytest.fixture(scope="session", autouse=True)
def _cheap_passwords() -> Iterator[None]:
    """argon2id at its cheapest for the whole run. The tests make and sign in accounts thousands of
    times and few are about the cost of a hash, which at the production cost is a quarter of a second
    for each hash and each check. Those few (a race against the account lock, an answer's timing)
    put the production cost back with real_passwords or production_passwords()."""
    original = civic.accounts.passwords._hasher
    civic.accounts.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    civic.accounts.passwords._hasher = original


@contextlib.contextmanager
def production_passwords() -> Iterator[None]:
    """argon2id at the production cost (civic.accounts.passwords' own hasher)."""
    cheap = civic.accounts.passwords._hasher
    civic.accounts.passwords._hasher = PasswordHasher()
    try:
        yield
    finally:
        civic.accounts.passwords._hasher = cheap


@pytest.fixture
def real_passwords() -> Iterator[None]:
    with production_passwords():
        yield


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@contextlib.contextmanager
def _empty_database(kind: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / 'civic.sqlite3'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin) as url:
        yield url


@pytest.fixture(scope="session")
def database_url(database_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _empty_database(database_kind, tmp_path_factory, "db") as url:
        yield url


def make_app(database_url: str, smtp_port: int, **overrides) -> Flask:
    settings = {
        "CIVIC_ENV": "testing",
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "SITE_URL": "http://civic.test",
        "SERVER_NAME": None,
    }
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture(scope="session")
def app(database_url: str, smtp_server: SMTPServer) -> Iterator[Flask]:
    """The application on one database, its schema built by the migrations."""
    application = make_app(database_url, smtp_server.port)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@dataclass(frozen=True)
class DemoSite:
    app: Flask
    report: demo_loader.LoadReport  # what the first load made
    loaded_at: datetime


@pytest.fixture(scope="session")
def demo_site(database_kind: str, smtp_server: SMTPServer,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The demo data loaded once, and committed, into a database of its own: for the tests that
    read what loading made (OnTheDemoSite), each still in a transaction rolled back at its end."""
    with _empty_database(database_kind, tmp_path_factory, "demo-db") as url:
        application = make_app(url, smtp_server.port)
        with application.app_context():
            upgrade()
        with application.test_request_context():
            report = demo_loader.load(db.session)
            db.session.commit()
            loaded_at = utcnow()
        yield DemoSite(application, report, loaded_at)
        with application.app_context():
            db.engine.dispose()


class OnTheDemoSite:
    """The tests of a subclass have ``app`` on the demo site (demo_site) rather than an empty database."""

    @pytest.fixture
    def app(self, demo_site: DemoSite) -> Flask:
        return demo_site.app


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run each test that uses the app inside a transaction rolled back at the end.

    Code under test commits as usual; with join_transaction_mode="create_savepoint" each commit
    only releases a SAVEPOINT, so nothing outlives the test and every test starts clean.
    """
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    smtp: SMTPServer = request.getfixturevalue("smtp_server")
    with application.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    limiter.reset()
    smtp.mailbox.clear()
    try:
        yield
    finally:
        with application.app_context():
            db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that call services directly (not the test client)."""
    with app.test_request_context():
        yield


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def mailbox(smtp_server: SMTPServer):
    return smtp_server.mailbox


@pytest.fixture
def count_queries(app: Flask):
    """Count the SQL statements run inside ``with count_queries() as counter:``."""

    @contextlib.contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


# Role fixtures: accounts made through the same services as the site, returned as plain data.


def _agency(app: Flask, code: str, name: str):
    from civic.agencies.queries import get_agency_by_code

    agency = get_agency_by_code(db.session, code)
    return agency or agencies.create_agency(db.session, code=code, name_zh=name, actor=SYSTEM)


def make_account(app: Flask, email: str, role: Role, *, agency_code: str | None = None,
                 ubn: str | None = None, verified: bool = True, locale: str = "zh_Hant_TW"
                 ) -> Account:
    with app.test_request_context():
        agency = _agency(app, agency_code, f"測試機關 {agency_code}") if agency_code else None
        company = None
        if ubn:
            company = accounts.get_or_create_company(
                db.session, accounts.CompanyInput(ubn=ubn, name="測試公司"), actor_id=None
            )
        user = accounts.create_user(
            db.session, email=email, password=PASSWORD, display_name=email.split("@")[0],
            role=role, agency=agency, company=company, verified=verified, locale=locale,
        )
        db.session.commit()
        return Account(id=user.id, email=user.email, role=str(role), agency_code=agency_code)


@pytest.fixture
def citizen(app: Flask) -> Account:
    return make_account(app, "citizen@example.tw", Role.citizen)


@pytest.fixture
def other_citizen(app: Flask) -> Account:
    return make_account(app, "neighbour@example.tw", Role.citizen)


@pytest.fixture
def supplier(app: Flask) -> Account:
    return make_account(app, "supplier@example.tw", Role.supplier, ubn="90000006")


@pytest.fixture
def staff(app: Flask) -> Account:
    return make_account(app, "staff@agency-a.gov.tw", Role.staff, agency_code="A00000001")


@pytest.fixture
def other_agency_staff(app: Flask) -> Account:
    return make_account(app, "staff@agency-b.gov.tw", Role.staff, agency_code="B00000002")


@pytest.fixture
def moderator(app: Flask) -> Account:
    return make_account(app, "moderator@example.tw", Role.moderator)


@pytest.fixture
def admin(app: Flask) -> Account:
    return make_account(app, "admin@example.tw", Role.admin)


@pytest.fixture
def integrity_officer(app: Flask) -> Account:
    """An officer of agency A's own integrity unit (政風室): reads the reports routed to it."""
    return make_account(app, "integrity@agency-a.gov.tw", Role.integrity_officer, agency_code="A00000001")


# Cases, made through the services: applied for by staff of agency A, published by an admin.


@pytest.fixture
def published_case(app, staff, admin) -> str:
    slug = case_factories.apply(app, staff)
    case_factories.publish(app, admin, slug)
    return slug


@pytest.fixture
def application(app, staff) -> str:
    return case_factories.apply(app, staff, slug="new-reservoir", title_zh="新水庫", budget_ntd=150_000_000)


@pytest.fixture
def kept_fragments(app):
    """Fragments kept in an in-process store, as in production (the tests' default keeps none)."""
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 60,
                                "CACHE_KEY_PREFIX": f"civic-test-{uuid.uuid4().hex}:"})
    yield
    with app.app_context():
        cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})


__all__ = ["PASSWORD"]
