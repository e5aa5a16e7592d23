"""Security events over real HTTP: sign-ins that work and fail, sign-outs, password resets and
changes land in the audit trail with the client's address and browser, never with an email
address; administrators read them on /admin/audit and in its CSV, in both languages.
"""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from sqlalchemy import select

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.core.audit import AGENT_LENGTH, AuditEntry
from civic.core.roles import Role
from civic.extensions import db
from tests.accounts.test_views import NEW_PASSWORD, deliver
from tests.admin.test_trail import rows_text
from tests.conftest import make_account, make_app
from tests.support import PASSWORD, login, post_form

ADDRESS = "203.0.113.7"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


def events(app, action: str) -> list[AuditEntry]:
    """Every audit entry of ``action``, oldest first, detached from the session."""
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                       .order_by(AuditEntry.id)))
        db.session.expunge_all()
        return rows


def assert_from_browser(entry: AuditEntry, address: str = ADDRESS, agent: str = AGENT) -> None:
    assert entry.details["address"] == address
    assert entry.details["agent"] == agent


def everything_recorded(app) -> str:
    """The whole trail as one text: targets and details of every entry."""
    with app.app_context():
        return " ".join(f"{e.action} {e.target_type} {e.target_id} {e.details}"
                        for e in db.session.scalars(select(AuditEntry)))


@pytest.fixture
def browser(app):
    """A browser at a documentation address (RFC 5737) with a User-Agent of its own."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT})
    return client


# Signing in and out.


def test_a_sign_in_is_recorded_with_the_address_and_browser(app, browser, citizen):
    assert login(browser, citizen).status_code == 302
    [entry] = events(app, "account.signed_in")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (citizen.id, "user", str(citizen.id))
    assert_from_browser(entry)


def test_a_wrong_password_is_recorded_against_the_account_and_committed_with_the_count(app, browser, citizen):
    assert login(browser, citizen, password="not the password").status_code == 422
    [entry] = events(app, "account.sign_in_failed")
    assert entry.actor_id is None
    assert (entry.target_type, entry.target_id) == ("user", str(citizen.id))
    assert entry.details["failure"] == "wrong_password"
    assert_from_browser(entry)
    assert events(app, "account.signed_in") == []


def test_a_failure_for_an_unknown_address_names_a_hash_and_never_the_address(app, browser, citizen):
    response = post_form(browser, "/login", {"email": "  Nobody.Here@Example.TW ", "password": "whatever it is"})
    assert response.status_code == 422
    [entry] = events(app, "account.sign_in_failed")
    expected = hashlib.sha256(b"nobody.here@example.tw").hexdigest()[:16]
    assert (entry.actor_id, entry.target_type, entry.target_id) == (None, "email_hash", expected)
    assert entry.details["failure"] == "unknown_account"
    assert_from_browser(entry)
    recorded = everything_recorded(app).lower()
    assert "nobody" not in recorded and "example.tw" not in recorded


def test_the_lock_and_the_attempts_it_refuses_are_recorded(app, browser, citizen):
    threshold = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    for attempt in range(threshold + 1):
        login(browser, citizen, password=f"wrong {attempt}")
    [locked] = events(app, "account.locked")
    assert locked.target_id == str(citizen.id)
    assert_from_browser(locked)
    failures = [entry.details["failure"] for entry in events(app, "account.sign_in_failed")]
    assert failures == ["wrong_password"] * threshold + ["locked"]


def test_a_suspended_or_unconfirmed_account_is_recorded_as_such(app, browser, citizen, admin):
    unconfirmed = make_account(app, "unconfirmed@example.tw", Role.citizen, verified=False)
    with app.test_request_context():
        accounts.suspend_user(db.session, db.session.get(User, citizen.id),
                              actor=db.session.get(User, admin.id), reason="測試")
        db.session.commit()
    assert login(browser, unconfirmed).status_code == 422
    assert login(browser, citizen).status_code == 422
    unverified, suspended = events(app, "account.sign_in_failed")
    assert (unverified.details["failure"], unverified.target_id) == ("unverified", str(unconfirmed.id))
    assert (suspended.details["failure"], suspended.target_id) == ("suspended", str(citizen.id))
    assert events(app, "account.signed_in") == []


def test_signing_out_is_recorded(app, browser, citizen):
    login(browser, citizen)
    assert post_form(browser, "/logout", {}, form_page="/").status_code == 302
    [entry] = events(app, "account.signed_out")
    assert (entry.actor_id, entry.target_id) == (citizen.id, str(citizen.id))
    assert_from_browser(entry)


def test_signing_out_other_browsers_is_recorded_with_how_many(app, browser, citizen):
    login(app.test_client(), citizen)
    login(browser, citizen)
    response = post_form(browser, "/account/sessions/end-others", {}, form_page="/account")
    assert response.status_code == 302
    [entry] = events(app, "account.other_sessions_ended")
    assert entry.actor_id == citizen.id and entry.details["sessions_ended"] == 1
    assert_from_browser(entry)


def test_a_long_or_odd_user_agent_is_kept_short_and_printable(app, citizen):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": "Bot\t/" + "x" * 500})
    login(client, citizen)
    [entry] = events(app, "account.signed_in")
    assert entry.details["agent"] == ("Bot/" + "x" * 500)[:AGENT_LENGTH]
    assert len(entry.details["agent"]) == AGENT_LENGTH == 200


def test_behind_a_proxy_the_forwarded_client_address_is_recorded(app, database_url, smtp_server, citizen):
    proxied = make_app(database_url, smtp_server.port, PROXY_HOPS=1)
    client = proxied.test_client()
    client.environ_base.update({"REMOTE_ADDR": "10.0.0.2", "HTTP_USER_AGENT": AGENT})
    post_form(client, "/login", {"email": citizen.email, "password": PASSWORD},
              headers={"X-Forwarded-For": "198.51.100.23"})
    [entry] = events(app, "account.signed_in")
    assert_from_browser(entry, address="198.51.100.23")
    with proxied.app_context():
        db.engine.dispose()


# Passwords.


def test_asking_for_a_reset_is_recorded_without_the_address(app, browser, citizen, mailbox):
    post_form(browser, "/reset-password", {"email": citizen.email})
    post_form(browser, "/reset-password", {"email": "stranger@example.tw"})
    known, unknown = events(app, "account.password_reset_requested")
    assert (known.actor_id, known.target_type, known.target_id) == (None, "user", str(citizen.id))
    assert (unknown.target_type, unknown.target_id) == (
        "email_hash", hashlib.sha256(b"stranger@example.tw").hexdigest()[:16])
    for entry in (known, unknown):
        assert set(entry.details) == {"address", "agent"}
        assert_from_browser(entry)
    recorded = everything_recorded(app)
    assert citizen.email not in recorded and "stranger" not in recorded


def test_a_password_reset_by_mail_is_recorded_with_the_address(app, browser, citizen, mailbox):
    post_form(browser, "/reset-password", {"email": citizen.email})
    deliver(app)
    link = mailbox.link(mailbox.to(citizen.email)[-1], "/reset-password/")
    response = post_form(browser, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    [entry] = events(app, "account.password_reset")
    assert entry.target_id == str(citizen.id)
    assert_from_browser(entry)


def test_a_password_change_is_recorded_with_the_address(app, browser, citizen):
    login(browser, citizen)
    response = post_form(browser, "/account/password", {
        "password-current_password": PASSWORD, "password-password": NEW_PASSWORD,
        "password-password_confirm": NEW_PASSWORD}, form_page="/account")
    assert response.status_code == 302
    [entry] = events(app, "account.password_changed")
    assert (entry.actor_id, entry.target_id) == (citizen.id, str(citizen.id))
    assert_from_browser(entry)


# Reading them.


@pytest.fixture
def failed_and_signed_in(app, browser, citizen):
    login(browser, citizen, password="not the password")
    post_form(browser, "/login", {"email": "nobody@example.tw", "password": "whatever it is"})
    login(browser, citizen)
    post_form(browser, "/logout", {}, form_page="/")


def test_administrators_read_security_events_in_chinese(app, admin, failed_and_signed_in):
    client = app.test_client()
    login(client, admin)
    text = rows_text(client.get("/admin/audit?action=account.s"))
    for words in ("登入失敗", "登入", "登出", "來源 IP 位址：203.0.113.7", f"瀏覽器（User-Agent）：{AGENT}",
                  "失敗原因：密碼錯誤", "失敗原因：無此電子郵件地址的帳號", "無帳號的電子郵件地址（SHA-256）"):
        assert words in text, words
    for code in ("account.sign_in_failed", "wrong_password", "unknown_account", "nobody"):
        assert code not in text, code


def test_administrators_read_security_events_in_english(app, admin, failed_and_signed_in):
    client = app.test_client()
    login(client, admin)
    text = rows_text(client.get("/admin/audit?action=account.s&lang=en"))
    for words in ("Sign-in failed", "Signed in", "Signed out", "Client IP address: 203.0.113.7",
                  f"Browser (User-Agent): {AGENT}", "Why it failed: Wrong password",
                  "Why it failed: No account has this address", "Email address without an account (SHA-256)"):
        assert words in text, words


def test_the_csv_export_holds_a_failed_sign_in_with_its_address(app, admin, browser, citizen):
    login(browser, citizen, password="not the password")
    client = app.test_client()
    login(client, admin)
    response = client.get("/admin/audit.csv?action=account.sign_in_failed")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))
    [failed] = [row for row in rows[1:] if row[1] == "登入失敗"]
    assert failed[3] == "citizen" and failed[2] == "帳號"
    assert "來源 IP 位址：203.0.113.7" in failed[6] and "失敗原因：密碼錯誤" in failed[6]
    assert AGENT in failed[6]


def test_only_administrators_see_security_events(app, client, citizen, supplier, staff, moderator, admin,
                                                 failed_and_signed_in):
    response = client.get("/admin/audit?action=account.s")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for account in (citizen, supplier, staff, moderator):
        other = app.test_client()
        login(other, account)
        assert other.get("/admin/audit?action=account.s").status_code == 403
        assert other.get("/admin/audit.csv?action=account.s").status_code == 403
    login(client, admin)
    assert client.get("/admin/audit?action=account.s").status_code == 200
