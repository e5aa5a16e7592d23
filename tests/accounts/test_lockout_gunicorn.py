"""The account lock holds across server processes: sixteen wrong passwords sent at once to four
gunicorn workers on PostgreSQL check no more passwords than the lock allows, and a code of the
second step cannot be used twice even when both arrive at once at different workers. And the
production server names no version of itself.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import select

from civic.accounts import services as accounts
from civic.accounts.models import SecondFactor, User
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url, production_passwords
from tests.support import PASSWORD, gunicorn_serving

ATTEMPTS = 16
WORKERS = 4
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="module")
def server(smtp_server, tmp_path_factory):
    """gunicorn with four workers on a PostgreSQL database of its own; yields its address."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_postgres_database(admin) as url:
        application = make_app(url, smtp_server.port)
        # Hashed at the production cost, so each check takes the time a race would need.
        with application.app_context(), production_passwords():
            upgrade()
            for email in ("target@example.tw", "enrolled@example.tw"):
                accounts.create_user(db.session, email=email, password=PASSWORD, display_name="目標",
                                     role=Role.admin, agency=None, company=None, verified=True,
                                     locale="zh_Hant_TW")
            db.session.flush()
            enrolled = db.session.scalar(select(User).where(User.email == "enrolled@example.tw"))
            enrolled.two_factor_enrolled_at = utcnow()
            db.session.add(SecondFactor(user_id=enrolled.id, secret=SECRET, last_step=0))
            db.session.commit()
        log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
        try:
            with gunicorn_serving(url, log, workers=WORKERS,
                                  app='civic:create_app({"RATELIMIT_ENABLED": False})') as base:
                yield base
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def _password(base: str, email: str, password: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    token = _CSRF.search(browser.get(f"{base}/login", timeout=30).text).group(1)
    response = browser.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": token},
                            allow_redirects=False, timeout=60)
    return browser, response


def _attempt(base: str) -> str:
    _, response = _password(base, "target@example.tw", "not the password at all")
    if "電子郵件地址或密碼不正確" in response.text:
        return "checked"
    return "signed in" if response.status_code == 302 else "locked"


def test_sixteen_wrong_passwords_at_four_workers_check_no_more_than_the_threshold(server):
    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        answers = list(pool.map(lambda _: _attempt(server), range(ATTEMPTS)))
    assert answers.count("checked") == 5  # LOGIN_FAILURES_BEFORE_LOCK
    assert answers.count("locked") == ATTEMPTS - 5


def test_one_code_sent_twice_at_once_signs_in_once(server):
    browsers = []
    for _ in range(2):
        browser, response = _password(server, "enrolled@example.tw", PASSWORD)
        assert response.headers["Location"].endswith("/login/two-factor")
        token = _CSRF.search(browser.get(f"{server}/login/two-factor", timeout=30).text).group(1)
        browsers.append((browser, token))
    code = pyotp.TOTP(SECRET).now()

    def send(pair):
        browser, token = pair
        return browser.post(f"{server}/login/two-factor", data={"code": code, "csrf_token": token},
                            allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(send, browsers))
    assert statuses == [302, 422]


def test_the_server_does_not_name_its_version(server):
    response = requests.get(f"{server}/healthz", timeout=30)
    assert not re.search(r"\d", response.headers.get("Server", ""))
