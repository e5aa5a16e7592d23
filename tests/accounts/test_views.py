"""Accounts over real HTTP: register, verify, login, logout, reset, profile, on both databases."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import func, select

from civic.accounts.models import User, UserSession
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from tests.support import PASSWORD, csrf_token, login, post_form

NEW_PASSWORD = "another long passphrase"


def deliver(app):
    with app.app_context():
        return deliver_pending(db.session)


def register(client, email="new@example.tw", **overrides):
    data = {"name": "林小明", "email": email, "password": PASSWORD, "password_confirm": PASSWORD}
    data.update(overrides)
    return post_form(client, "/register", data)


def user_by_email(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_register_verify_and_sign_in(app, client, mailbox):
    response = register(client)
    assert response.status_code == 200
    assert "new@example.tw" in response.get_data(as_text=True)
    assert user_by_email(app, "new@example.tw").verified_at is None

    assert deliver(app).sent == 1
    [message] = mailbox.to("new@example.tw")
    assert "確認" in message["Subject"]
    link = mailbox.link(message, "/verify/")

    assert login(client, type("A", (), {"email": "new@example.tw", "password": PASSWORD})).status_code == 422

    response = client.get(link)
    assert response.status_code == 302
    assert user_by_email(app, "new@example.tw").verified_at is not None

    response = post_form(client, "/login", {"email": "NEW@example.tw", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "new@example.tw" in page and "林小明" in page


def test_a_verification_link_works_once(app, client, mailbox):
    register(client)
    deliver(app)
    link = mailbox.link(mailbox.to("new@example.tw")[0], "/verify/")
    assert client.get(link).status_code == 302
    response = client.get(link)
    assert response.status_code == 400
    assert "已經使用過" in response.get_data(as_text=True)


def test_an_expired_verification_link_is_refused(app, client, mailbox):
    register(client)
    deliver(app)
    link = mailbox.link(mailbox.to("new@example.tw")[0], "/verify/")
    app.config["VERIFY_TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["VERIFY_TOKEN_MAX_AGE"] = 3 * 24 * 3600
    assert response.status_code == 400
    assert "過期" in response.get_data(as_text=True)
    assert user_by_email(app, "new@example.tw").verified_at is None


def test_a_tampered_link_is_refused(app, client):
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 400
    assert "無效" in response.get_data(as_text=True)


def test_registering_an_existing_address_reveals_nothing_and_mails_the_owner(app, client, citizen,
                                                                              mailbox):
    response = register(client, email="Citizen@Example.tw")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(
            select(func.count(User.id)).where(func.lower(User.email) == "citizen@example.tw")) == 1
    deliver(app)
    [message] = mailbox.to("citizen@example.tw")
    assert "註冊" in message["Subject"]


def test_registering_a_known_address_takes_as_long_as_a_new_one(app, client, citizen, real_passwords):
    """The delay must not tell which addresses have accounts (it was 7 ms against 114 ms); measured
    with the production cost of a hash, the time an answer could give away."""
    def fastest(make_email) -> float:
        times = []
        for attempt in range(3):
            token = csrf_token(client, "/register")
            data = {"name": "林小明", "email": make_email(attempt), "password": PASSWORD,
                    "password_confirm": PASSWORD, "csrf_token": token}
            started = time.perf_counter()
            assert client.post("/register", data=data).status_code == 200
            times.append(time.perf_counter() - started)
        return min(times)

    known = fastest(lambda _attempt: "citizen@example.tw")
    new = fastest(lambda attempt: f"new{attempt}@example.tw")
    assert known > new / 2


def test_register_form_errors_are_translated_and_change_nothing(app, client):
    response = register(client, email="not-an-email", password="short", password_confirm="other",
                        name="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "有問題需要修正" in page
    assert "請輸入格式正確的電子郵件地址" in page
    assert "請輸入姓名" in page
    assert "密碼長度須為" in page
    assert "兩次輸入的密碼不一致" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_register_errors_in_english(app, client):
    client.get("/?lang=en")
    page = register(client, email="bad").get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter an email address in the right format" in page


def test_oversized_input_is_refused_with_413(app, client):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={"csrf_token": token, "name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "太大" in response.get_data(as_text=True)


def test_overlong_fields_get_a_message(app, client):
    page = register(client, name="名" * 101).get_data(as_text=True)
    assert "姓名最多 100 個字" in page


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(app, client):
    response = client.post("/register", data={"name": "x", "email": "x@example.tw",
                                              "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 400
    assert "安全驗證碼" in response.get_data(as_text=True)
    assert user_by_email(app, "x@example.tw") is None


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_address(app, client, citizen):
    wrong = login(client, citizen, password="not the password")
    unknown = post_form(client, "/login", {"email": "nobody@example.tw", "password": "whatever1"})
    assert wrong.status_code == unknown.status_code == 422
    assert "電子郵件地址或密碼不正確" in wrong.get_data(as_text=True)
    assert "電子郵件地址或密碼不正確" in unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_account_for_a_growing_while(app, client, citizen):
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        login(client, citizen, password="wrong password")
    first = user_by_email(app, citizen.email).locked_until
    assert first is not None
    # Even the right password is refused while locked, across processes: the lock is in the db.
    response = login(client, citizen)
    assert response.status_code == 422
    assert "失敗次數過多" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, citizen.id)
        user.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    login(client, citizen, password="wrong again")
    second = user_by_email(app, citizen.email).locked_until
    assert second - utcnow() > timedelta(minutes=1, seconds=30)


def test_a_successful_login_resets_the_failure_count(app, client, citizen):
    login(client, citizen, password="wrong password")
    assert login(client, citizen).status_code == 302
    assert user_by_email(app, citizen.email).failed_logins == 0


def test_login_attempts_are_rate_limited_per_address(app, client, citizen):
    statuses = [login(client, citizen, password=f"wrong {i}").status_code for i in range(11)]
    assert statuses[-1] == 429
    assert 429 not in statuses[:10]


def test_unverified_accounts_cannot_sign_in(app, client):
    register(client)
    response = post_form(client, "/login", {"email": "new@example.tw", "password": PASSWORD})
    assert response.status_code == 422
    assert "請先確認您的電子郵件地址" in response.get_data(as_text=True)


def test_next_only_leads_to_paths_on_this_site(app, client, citizen):
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/",
                           data={"email": citizen.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client)
    response = client.post("/login?next=/account",
                           data={"email": citizen.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/account"


def test_logout_ends_the_session_on_the_server(app, client, citizen):
    login(client, citizen)
    cookie = client.get_cookie("civic_session")
    response = post_form(client, "/logout", {}, form_page="/")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == 0
    # Replaying the old cookie does not bring the session back.
    client.set_cookie(cookie.key, cookie.value)
    assert client.get("/account").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(app, client, citizen):
    response = login(client, citizen)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("civic_session"))
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_reset_password_by_mail_ends_every_session(app, client, citizen, mailbox):
    other_browser = app.test_client()
    login(other_browser, citizen)
    assert other_browser.get("/account").status_code == 200

    response = post_form(client, "/reset-password", {"email": citizen.email})
    assert response.status_code == 200
    deliver(app)
    link = mailbox.link(mailbox.to(citizen.email)[-1], "/reset-password/")
    response = post_form(client, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302

    assert other_browser.get("/account").status_code == 302
    assert login(client, citizen).status_code == 422
    assert login(client, citizen, password=NEW_PASSWORD).status_code == 302
    # The link worked once.
    response = client.get(link)
    assert response.status_code == 400
    assert "已經使用過" in response.get_data(as_text=True)
    deliver(app)
    assert any("變更" in m["Subject"] for m in mailbox.to(citizen.email))


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(app, client, mailbox):
    response = post_form(client, "/reset-password", {"email": "nobody@example.tw"})
    assert response.status_code == 200
    assert deliver(app).sent == 0


def test_a_weak_new_password_is_refused_on_reset(app, client, citizen, mailbox):
    post_form(client, "/reset-password", {"email": citizen.email})
    deliver(app)
    link = mailbox.link(mailbox.to(citizen.email)[-1], "/reset-password/")
    response = post_form(client, link, {"password": "short", "password_confirm": "short"})
    assert response.status_code == 422
    assert login(client, citizen).status_code == 302


def test_changing_the_password_signs_out_other_browsers_only(app, client, citizen):
    other_browser = app.test_client()
    login(other_browser, citizen)
    login(client, citizen)
    response = post_form(client, "/account/password", {
        "password-current_password": PASSWORD,
        "password-password": NEW_PASSWORD,
        "password-password_confirm": NEW_PASSWORD,
    }, form_page="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_browser.get("/account").status_code == 302


def test_changing_the_password_needs_the_current_one(app, client, citizen):
    login(client, citizen)
    response = post_form(client, "/account/password", {
        "password-current_password": "not it at all",
        "password-password": NEW_PASSWORD,
        "password-password_confirm": NEW_PASSWORD,
    }, form_page="/account")
    assert response.status_code == 422
    assert "目前的密碼不正確" in response.get_data(as_text=True)


def test_profile_changes_name_and_language(app, client, citizen):
    login(client, citizen)
    response = post_form(client, "/account", {"profile-name": "陳大文", "profile-locale": "en"},
                         form_page="/account")
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en"' in page and "陳大文" in page
    assert user_by_email(app, citizen.email).locale == "en"


def test_deleting_the_account_removes_personal_data(app, client, citizen):
    login(client, citizen)
    response = post_form(client, "/account/delete", {"delete-password": PASSWORD},
                         form_page="/account")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, citizen.id)
        assert user.deleted_at is not None
        assert user.email != citizen.email and user.display_name == "" and user.password_hash == ""
    assert login(client, citizen).status_code == 422


def test_deleting_the_account_needs_the_password(app, client, citizen):
    login(client, citizen)
    response = post_form(client, "/account/delete", {"delete-password": "wrong one"},
                         form_page="/account")
    assert response.status_code == 422
    assert user_by_email(app, citizen.email).deleted_at is None


def test_a_suspended_user_is_signed_out_at_once(app, client, citizen, admin):
    from civic.accounts import services

    login(client, citizen)
    assert client.get("/account").status_code == 200
    with app.test_request_context():
        services.suspend_user(db.session, db.session.get(User, citizen.id),
                              actor=db.session.get(User, admin.id), reason="abuse")
        db.session.commit()
    assert client.get("/account").status_code == 302
    response = login(client, citizen)
    assert response.status_code == 422
    assert "停權" in response.get_data(as_text=True)


def test_the_account_page_needs_a_signed_in_user(app, client):
    response = client.get("/account")
    assert response.status_code == 302
    assert re.search(r"/login\?next=", response.headers["Location"])
