"""Every page in both languages, error pages, security headers, and life without a database."""

from __future__ import annotations

import re

import psycopg
import pytest

from civic.extensions import db
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url
from tests.support import free_port, login, post_form

PUBLIC_PAGES = ["/", "/register", "/login", "/reset-password", "/verify/resend"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def heading(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, "page has no h1"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_each_page_renders_in_chinese_by_default_and_in_english_on_request(app, path):
    chinese = app.test_client().get(path)
    english = app.test_client().get(f"{path}?lang=en")
    assert chinese.status_code == english.status_code == 200
    zh, en = chinese.get_data(as_text=True), english.get_data(as_text=True)
    assert '<html lang="zh-Hant-TW"' in zh and '<html lang="en"' in en
    assert CJK.search(heading(zh)), heading(zh)
    assert not CJK.search(heading(en)), heading(en)
    assert "首頁" in zh and ">Home<" in en


def test_the_signed_in_pages_render_in_both_languages(app, client, citizen):
    login(client, citizen)
    zh = client.get("/account").get_data(as_text=True)
    en = client.get("/account?lang=en").get_data(as_text=True)
    assert heading(zh) == "我的帳號" and heading(en) == "My account"


def test_the_language_choice_lasts_for_the_visit(app, client):
    client.get("/?lang=en")
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)
    client.get("/?lang=zh_Hant_TW")
    assert '<html lang="zh-Hant-TW"' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant-TW"), ("en-US,en;q=0.9", "en"),
     ("fr-FR,en;q=0.5", "en"), ("fr-FR", "zh-Hant-TW"), ("zh-CN", "zh-Hant-TW")],
)
def test_the_browser_language_is_matched_to_our_catalogs(app, accept, lang):
    page = app.test_client().get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in page


def test_the_switch_link_keeps_the_page_and_its_query(app, client):
    page = client.get("/login?next=/account").get_data(as_text=True)
    assert 'href="/login?next=/account&amp;lang=en"' in page


def test_a_signed_in_users_language_is_used_without_a_choice_in_the_visit(app, client):
    from civic.core.roles import Role
    from tests.conftest import make_account

    account = make_account(app, "english@example.tw", Role.citizen, locale="en")
    login(client, account)
    client.get("/")
    with client.session_transaction() as session:
        session.pop("lang", None)
    assert '<html lang="en"' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "zh_text"),
    [("get", "/no-such-page", 404, "找不到這個頁面"),
     ("post", "/", 405, "這個網址不接受這種請求"),
     ("get", "/account/password", 405, "這個網址不接受這種請求")],
)
def test_error_pages_are_translated_and_show_no_trace(app, method, path, status, zh_text):
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert zh_text in page and "Traceback" not in page
    english = getattr(app.test_client(), method)(f"{path}?lang=en").get_data(as_text=True)
    assert zh_text not in english


def test_an_unexpected_error_is_a_translated_500_without_a_stack_trace(tmp_path, smtp_server):
    fragile = make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", smtp_server.port)

    @fragile.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = fragile.test_client().get("/__boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "抱歉，系統發生問題" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_api_paths_answer_errors_as_json(app):
    response = app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_security_headers_are_on_every_response(app):
    for path in ["/", "/login", "/no-such-page", "/healthz"]:
        headers = app.test_client().get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers


def test_pages_carry_no_inline_script(app):
    page = app.test_client().get("/register").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag


def test_healthz_says_ok_while_the_database_answers(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "rate_limits": "ok", "page_cache": "ok"}


def test_healthz_and_forms_answer_503_with_retry_after_when_the_database_is_gone(smtp_server):
    dead = make_app(f"postgresql://postgres@127.0.0.1:{free_port()}/gone", smtp_server.port,
                    SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True,
                                               "connect_args": {"connect_timeout": 2}})
    client = dead.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"]
    assert health.json["status"] == "unavailable"
    response = post_form(client, "/login", {"email": "a@example.tw", "password": "whatever12"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 30
    page = response.get_data(as_text=True)
    assert "目前無法連線到資料庫" in page and "Traceback" not in page
    # The API and the feeds say the same 30 seconds: the rate limiter's window does not overwrite it.
    for path in ("/api/v1/cases", "/feeds/cases.atom"):
        refused = client.get(path)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"


def test_only_refusals_ask_to_come_back_later(app):
    response = app.test_client().get("/api/v1/cases")
    assert response.status_code == 200 and response.headers.get("X-RateLimit-Limit")
    assert "Retry-After" not in response.headers


def test_the_app_recovers_by_itself_when_postgresql_connections_are_cut(smtp_server):
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running")
    with fresh_postgres_database(admin) as url:
        app = make_app(url, smtp_server.port)
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        with app.app_context():
            database = db.engine.url.database
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))
        # The pooled connection is dead; pre-ping notices and reconnects.
        assert client.get("/healthz").status_code == 200
        with app.app_context():
            db.engine.dispose()
