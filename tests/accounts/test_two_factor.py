"""Two-step sign-in over real HTTP on both databases: setting up an authenticator app, the code
after the password (once only), recovery codes, the lock on wrong codes, the roles that must set
it up, an administrator's reset, and the password asked again before sensitive actions.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from civic.accounts.models import RecoveryCode, User
from civic.core.audit import AuditEntry
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from tests.support import PASSWORD, login, post_form
from tests.workshops.conftest import hold

_URI = re.compile(r"otpauth://totp/[^\s<\"]*?secret=([A-Z2-7]+)")
_CODE = re.compile(r"data-recovery-code>([^<]+)<")


@pytest.fixture
def required(app, monkeypatch):
    """The production rule: staff, moderators and administrators must set up the second step."""
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", ("staff", "moderator", "admin"))


def code(secret: str, *, steps: int = 0) -> str:
    """The app's code ``steps`` 30-second steps from now."""
    return pyotp.TOTP(secret).at(utcnow().timestamp() + 30 * steps)


def wrong(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


def enrol(client) -> tuple[str, list[str]]:
    """Set up the app from the set-up page; return its secret and the recovery codes shown."""
    page = html.unescape(client.get("/account/two-factor").get_data(as_text=True))
    secret = _URI.search(page).group(1)
    response = post_form(client, "/account/two-factor", {"code": code(secret)})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return secret, _CODE.findall(response.get_data(as_text=True))


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def enrolled_client(app, account):
    client = app.test_client()
    login(client, account)
    secret, codes = enrol(client)
    return client, secret, codes


def deliver(app):
    with app.app_context():
        return deliver_pending(db.session)


def actions(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_setting_up_shows_the_address_and_qr_code_and_needs_a_right_code(app, client, citizen, mailbox):
    login(client, citizen)
    page = html.unescape(client.get("/account/two-factor").get_data(as_text=True))
    assert "<svg" in page and "otpauth://totp/" in page and "citizen%40example.tw" in page
    secret = _URI.search(page).group(1)
    refused = post_form(client, "/account/two-factor", {"code": wrong(code(secret))})
    assert refused.status_code == 422 and "govuk-error-summary" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, citizen.id).two_factor_enrolled_at is None
    # The page shown again keeps the same secret, so the app already scanned still works.
    response = post_form(client, "/account/two-factor", {"code": code(secret)})
    codes = _CODE.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(set(codes)) == 10
    with app.app_context():
        assert db.session.get(User, citizen.id).two_factor_enrolled_at is not None
        stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == citizen.id)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}
    assert [e.target_id for e in actions(app, "account.two_factor_enrolled")] == [str(citizen.id)]
    deliver(app)
    assert len(mailbox.to(citizen.email)) == 1


def test_after_the_password_a_code_is_asked_and_works_once(app, citizen):
    _, secret, _ = enrolled_client(app, citizen)
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        response = login(browser, citizen)
        assert response.status_code == 302 and response.headers["Location"].endswith("/login/two-factor")
        assert not signed_in(browser)
    next_code = code(secret, steps=1)  # the set-up used up the current step's code
    assert post_form(first, "/login/two-factor", {"code": next_code}).status_code == 302
    assert signed_in(first)
    replayed = post_form(second, "/login/two-factor", {"code": next_code})
    assert replayed.status_code == 422 and not signed_in(second)
    sign_ins = [e.details.get("second_step") for e in actions(app, "account.signed_in")]
    assert "totp" in sign_ins


def test_a_recovery_code_stands_in_for_the_app_once(app, citizen):
    _, _, codes = enrolled_client(app, citizen)
    browser = app.test_client()
    login(browser, citizen)
    response = post_form(browser, "/login/two-factor", {"code": f"  {codes[0].upper()} "},
                         follow_redirects=True)
    assert signed_in(browser) and "9" in response.get_data(as_text=True)
    again = app.test_client()
    login(again, citizen)
    assert post_form(again, "/login/two-factor", {"code": codes[0]}).status_code == 422
    assert not signed_in(again)


def test_full_width_digits_are_read_as_digits(app, citizen):
    _, secret, _ = enrolled_client(app, citizen)
    browser = app.test_client()
    login(browser, citizen)
    typed = code(secret, steps=1).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert post_form(browser, "/login/two-factor", {"code": typed}).status_code == 302
    assert signed_in(browser)


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, citizen):
    _, secret, _ = enrolled_client(app, citizen)
    # Someone who has the password, elsewhere than where the owner signs in.
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    for _attempt in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        login(browser, citizen)
        assert post_form(browser, "/login/two-factor", {"code": wrong(code(secret, steps=1))}).status_code == 422
    # Locked now: the password page refuses there, while the owner's own address still gets in.
    assert login(browser, citizen).status_code == 422
    owner = app.test_client()
    assert login(owner, citizen).status_code == 302
    assert post_form(owner, "/login/two-factor", {"code": code(secret, steps=1)}).status_code == 302
    assert [e.details["failure"] for e in actions(app, "account.sign_in_failed")][:2] == ["wrong_code"] * 2
    assert actions(app, "account.locked")


def test_the_code_must_follow_the_password_within_five_minutes(app, citizen):
    _, secret, _ = enrolled_client(app, citizen)
    browser = app.test_client()
    login(browser, citizen)
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        response = post_form(browser, "/login/two-factor", {"code": code(secret)}, form_page="/login")
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")
        assert not signed_in(browser)


def test_without_a_pending_password_the_code_page_sends_to_sign_in(client):
    response = client.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


@pytest.mark.parametrize("role", ["staff", "moderator", "admin"])
def test_staff_moderators_and_admins_must_set_it_up_first(app, request, required, role):
    account = request.getfixturevalue(role)
    browser = app.test_client()
    login(browser, account)
    for path in ("/", "/account", "/cases"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/account/two-factor")
    assert post_form(browser, "/account", {"profile-name": "x"}, form_page="/account/two-factor").status_code == 303
    # Open data is the same for everyone and stays open.
    assert browser.get("/api/v1/cases").status_code == 200
    assert browser.get("/account/two-factor").status_code == 200
    enrol(browser)
    assert browser.get("/account").status_code == 200


def test_a_citizen_may_go_without_it(app, client, citizen, required):
    login(client, citizen)
    assert client.get("/account").status_code == 200


def test_signing_out_stays_possible_before_setting_it_up(app, staff, required):
    browser = app.test_client()
    login(browser, staff)
    response = post_form(browser, "/logout", {}, form_page="/account/two-factor")
    assert response.status_code == 302
    assert browser.get("/account").status_code == 302


def test_a_role_that_needs_it_cannot_turn_it_off_but_a_citizen_can(app, staff, citizen, required):
    staff_browser, _, _ = enrolled_client(app, staff)
    refused = post_form(staff_browser, "/account/two-factor/off", {}, form_page="/account/two-factor",
                        follow_redirects=True)
    assert "cannot be turned off" in refused.get_data(as_text=True) or "無法關閉" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, staff.id).two_factor_enrolled_at is not None
    citizen_browser, _, _ = enrolled_client(app, citizen)
    post_form(citizen_browser, "/account/two-factor/off", {}, form_page="/account/two-factor")
    with app.app_context():
        assert db.session.get(User, citizen.id).two_factor_enrolled_at is None
        assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == citizen.id)).all()
    assert actions(app, "account.two_factor_disabled")


def test_new_recovery_codes_replace_the_old(app, citizen):
    browser, _, old = enrolled_client(app, citizen)
    response = post_form(browser, "/account/two-factor/recovery-codes", {}, form_page="/account/two-factor")
    new = _CODE.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = app.test_client()
    login(other, citizen)
    assert post_form(other, "/login/two-factor", {"code": old[1]}).status_code == 422
    assert post_form(other, "/login/two-factor", {"code": new[1]}).status_code == 302


def test_an_admin_resets_a_lost_phone_and_the_owner_is_told(app, admin, staff, mailbox, required):
    staff_browser, _, _ = enrolled_client(app, staff)
    admin_browser, _, _ = enrolled_client(app, admin)
    deliver(app)
    mailbox.clear()
    response = post_form(admin_browser, f"/admin/users/{staff.id}/two-factor/reset", {},
                         form_page=f"/admin/users/{staff.id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, staff.id).two_factor_enrolled_at is None
    # Signed out everywhere, and led to set up an app again at the next sign-in.
    assert staff_browser.get("/account").status_code == 302
    login(staff_browser, staff)
    assert staff_browser.get("/account").headers["Location"].startswith("/account/two-factor")
    [entry] = actions(app, "account.two_factor_reset")
    assert entry.actor_id == admin.id and entry.target_id == str(staff.id)
    deliver(app)
    assert len(mailbox.to(staff.email)) == 1


@pytest.mark.parametrize("role", ["staff", "moderator", "other_citizen"])
def test_only_admins_may_reset_it(app, request, citizen, role):
    enrolled_client(app, citizen)
    browser = app.test_client()
    login(browser, request.getfixturevalue(role))
    response = post_form(browser, f"/admin/users/{citizen.id}/two-factor/reset", {}, form_page="/account")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, citizen.id).two_factor_enrolled_at is not None


def test_anonymous_visitors_are_sent_to_sign_in(client, citizen):
    for path in ("/account/two-factor",):
        assert client.get(path).status_code == 302
    assert post_form(client, "/account/confirm", {}, form_page="/login").status_code == 302
    assert post_form(client, f"/admin/users/{citizen.id}/two-factor/reset", {}, form_page="/login").status_code == 302


def test_a_sensitive_action_asks_for_the_password_again_and_keeps_what_was_typed(app, admin, citizen):
    browser = app.test_client()
    login(browser, admin)
    with time_machine.travel(utcnow() + timedelta(minutes=20), tick=False):
        asked = post_form(browser, f"/admin/users/{citizen.id}/suspend", {"reason": "冒用他人名義留言"},
                          form_page=f"/admin/users/{citizen.id}")
        page = asked.get_data(as_text=True)
        assert asked.status_code == 200 and 'name="confirm-password"' in page and "冒用他人名義留言" in page
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        with app.app_context():
            assert db.session.get(User, citizen.id).suspended_at is None
        carried = {"reason": "冒用他人名義留言", "csrf_token": token}
        refused = browser.post(f"/admin/users/{citizen.id}/suspend",
                               data={**carried, "confirm-password": "not the password"})
        assert refused.status_code == 422
        with app.app_context():
            assert db.session.get(User, citizen.id).suspended_at is None
        done = browser.post(f"/admin/users/{citizen.id}/suspend", data={**carried, "confirm-password": PASSWORD})
        assert done.status_code == 302
        with app.app_context():
            assert db.session.get(User, citizen.id).suspended_at is not None
        # Confirmed just now: the next action goes straight through.
        assert post_form(browser, f"/admin/users/{citizen.id}/reinstate", {},
                         form_page=f"/admin/users/{citizen.id}").status_code == 302
    assert actions(app, "account.confirmed") and actions(app, "account.confirmation_failed")


def test_with_the_second_step_on_the_confirmation_needs_a_code_too(app, admin, citizen):
    browser, secret, _ = enrolled_client(app, admin)
    with time_machine.travel(utcnow() + timedelta(minutes=20), tick=False):
        page = post_form(browser, f"/admin/users/{citizen.id}/suspend", {"reason": "測試"},
                         form_page=f"/admin/users/{citizen.id}").get_data(as_text=True)
        assert 'name="confirm-code"' in page
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = {"reason": "測試", "csrf_token": token, "confirm-password": PASSWORD}
        assert browser.post(f"/admin/users/{citizen.id}/suspend", data=data).status_code == 422
        assert browser.post(f"/admin/users/{citizen.id}/suspend",
                            data={**data, "confirm-code": code(secret)}).status_code == 302
    with app.app_context():
        assert db.session.get(User, citizen.id).suspended_at is not None


def test_the_attendee_download_asks_again_then_comes_back(app, staff):
    workshop_id = hold(app, staff)
    browser = app.test_client()
    login(browser, staff)
    path = f"/staff/workshops/{workshop_id}/attendees.csv"
    assert browser.get(path).headers["Content-Type"].startswith("text/csv")
    with time_machine.travel(utcnow() + timedelta(minutes=20), tick=False):
        asked = browser.get(path)
        assert asked.status_code == 200 and asked.headers["Content-Type"].startswith("text/html")
        page = asked.get_data(as_text=True)
        action = html.unescape(re.search(r'action="(/account/confirm\?next=[^"]+)"', page).group(1))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = browser.post(action, data={"csrf_token": token, "confirm-password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == path
        assert browser.get(path).headers["Content-Type"].startswith("text/csv")


def test_no_code_no_session_even_for_a_caller_that_forgets_to_ask(app, citizen):
    enrolled_client(app, citizen)
    from civic.accounts.sessions import sign_in

    with app.test_request_context():
        user = db.session.get(User, citizen.id)
        with pytest.raises(ValueError):
            sign_in(user)
