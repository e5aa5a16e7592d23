"""Concurrent wrong passwords cannot outrun the account lock.

Sixteen sign-ins arrive at once, each on its own database connection with real commits (no
SAVEPOINT per test here): no more passwords are checked than the lock allows.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import PASSWORD, csrf_token

ATTEMPTS = 16
WRONG = "not the password at all"


@pytest.fixture
def committed_app(smtp_server, real_passwords):
    """The application on a database of its own, where every request really commits; each password
    check spends the production time, the window a race would need."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin) as url:
        application = make_app(url, smtp_server.port, RATELIMIT_ENABLED=False)
        with application.app_context():
            upgrade()
            accounts.create_user(db.session, email="target@example.tw", password=PASSWORD, display_name="目標",
                                 role=Role.admin, agency=None, company=None, verified=True, locale="zh_Hant_TW")
            db.session.commit()
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _sign_in(application, password: str) -> str:
    client = application.test_client()
    token = csrf_token(client)
    response = client.post("/login", data={"email": "target@example.tw", "password": password,
                                           "csrf_token": token})
    page = response.get_data(as_text=True)
    if "電子郵件地址或密碼不正確" in page:
        return "checked"
    if response.status_code == 302:
        return "signed in"
    return "locked"


def test_sixteen_wrong_passwords_at_once_check_no_more_than_the_threshold(committed_app):
    threshold = committed_app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        answers = list(pool.map(lambda _: _sign_in(committed_app, WRONG), range(ATTEMPTS)))
    assert answers.count("checked") == threshold
    assert answers.count("locked") == ATTEMPTS - threshold
    with committed_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "target@example.tw"))
        assert user.failed_logins == ATTEMPTS
        assert user.locked_until is not None and user.locked_until > utcnow()
    # The right password does not open a locked account either.
    assert _sign_in(committed_app, PASSWORD) == "locked"
