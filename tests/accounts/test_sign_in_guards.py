"""The lock tells nothing and cannot be turned against the owner: an address without an account
is locked after as many failures as an account is, and the owner signing in from where they
signed in before is not shut out by failures from elsewhere."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from civic.core.time import utcnow
from tests.support import PASSWORD, csrf_token

HOME = "198.51.100.1"
ELSEWHERE = "203.0.113.9"
WRONG = "not the password at all"
NOT_CORRECT = "電子郵件地址或密碼不正確"
TOO_MANY = "失敗次數過多"


def attempt(app, email: str, password: str, address: str) -> str:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    page = response.get_data(as_text=True)
    if response.status_code == 302:
        return "signed in"
    if TOO_MANY in page:
        return "locked"
    assert NOT_CORRECT in page, page[:300]
    return "not correct"


def test_an_address_without_an_account_is_locked_as_an_account_is(app, admin):
    threshold = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    known = [attempt(app, admin.email, WRONG, ELSEWHERE) for _ in range(threshold + 1)]
    unknown = [attempt(app, "nobody@example.tw", WRONG, "192.0.2.77") for _ in range(threshold + 1)]
    assert known == unknown == ["not correct"] * threshold + ["locked"]


def test_failures_from_elsewhere_do_not_shut_the_owner_out_of_where_they_signed_in_before(app, admin):
    assert attempt(app, admin.email, PASSWORD, HOME) == "signed in"
    threshold = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    for _ in range(threshold):
        attempt(app, admin.email, WRONG, ELSEWHERE)
    assert attempt(app, admin.email, PASSWORD, ELSEWHERE) == "locked"
    assert attempt(app, admin.email, PASSWORD, "192.0.2.50") == "locked"
    assert attempt(app, admin.email, PASSWORD, HOME) == "signed in"


def test_an_address_is_trusted_only_for_a_while(app, admin):
    assert attempt(app, admin.email, PASSWORD, HOME) == "signed in"
    later = utcnow() + timedelta(days=app.config["SIGN_IN_TRUSTED_DAYS"] + 1)
    with time_machine.travel(later, tick=False):
        for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
            attempt(app, admin.email, WRONG, ELSEWHERE)
        assert attempt(app, admin.email, PASSWORD, HOME) == "locked"
