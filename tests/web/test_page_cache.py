"""Shared copies of public pages for anonymous visitors: served without touching the database,
dropped as soon as what they show changes, never made from or given to a request with a cookie.

Every test runs against the in-process cache and against a real Redis, as in production.
"""

from __future__ import annotations

import uuid

import pytest

import config
from civic.extensions import cache
from tests.support import csrf_token, login, post_form, redis_url_or_skip


@pytest.fixture(params=["SimpleCache", "RedisCache"])
def shared_pages(app, request):
    url = redis_url_or_skip() if request.param == "RedisCache" else config.test_redis_url()
    cache.init_app(app, config={"CACHE_TYPE": request.param, "CACHE_REDIS_URL": url, "CACHE_DEFAULT_TIMEOUT": 60,
                                "CACHE_KEY_PREFIX": f"civic-test-{uuid.uuid4().hex}:"})
    yield request.param
    with app.app_context():
        cache.clear()
    cache.init_app(app, config={"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True})


def test_anonymous_visitors_share_one_copy_until_the_case_changes(app, shared_pages, published_case, staff,
                                                                  count_queries):
    path = f"/cases/{published_case}"
    with count_queries() as first_statements:
        first = app.test_client().get(path)
    assert first.status_code == 200 and first_statements
    assert "Set-Cookie" not in first.headers
    with count_queries() as statements:
        again = app.test_client().get(path)
    assert statements == []
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]

    editor = app.test_client()
    login(editor, staff)
    response = post_form(editor, f"/manage/cases/{published_case}/meetings/new", {
        "held_on": "2024-03-19", "title": "第2次平臺會議", "place": "捷運局", "attendees": "王○○, 捷運局",
        "statements": "王○○：說明施工噪音改善", "decisions": "每季公開檢討", "agenda": "", "follow_ups": ""})
    assert response.status_code == 302
    assert "施工噪音改善" in app.test_client().get(path).get_data(as_text=True)


def test_signed_in_visitors_never_get_or_leave_a_shared_copy(app, shared_pages, published_case, staff):
    path = f"/cases/{published_case}"
    edit_link = f'href="/manage/cases/{published_case}"'
    assert edit_link not in app.test_client().get(path).get_data(as_text=True)
    editor = app.test_client()
    login(editor, staff)
    assert edit_link in editor.get(path).get_data(as_text=True)
    assert edit_link not in app.test_client().get(path).get_data(as_text=True)


def test_each_language_has_its_own_copy(app, shared_pages, published_case):
    chinese = app.test_client().get("/cases", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    english = app.test_client().get("/cases", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hant-TW"' in chinese and '<html lang="en"' in english
    again = app.test_client().get("/cases", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert '<html lang="zh-Hant-TW"' in again
    switched = app.test_client().get("/cases?lang=en")
    assert '<html lang="en"' in switched.get_data(as_text=True) and "Set-Cookie" in switched.headers


def test_query_arguments_in_any_order_are_one_page_and_filters_are_kept_apart(app, shared_pages, published_case):
    client = app.test_client()
    assert "臺北捷運萬大線" in client.get("/cases?sector=rail&status=implementation").get_data(as_text=True)
    assert "臺北捷運萬大線" in client.get("/cases?status=implementation&sector=rail").get_data(as_text=True)
    assert "臺北捷運萬大線" not in client.get("/cases?sector=health").get_data(as_text=True)


def test_a_waiting_message_is_shown_even_when_the_page_is_cached(app, shared_pages, citizen):
    assert app.test_client().get("/").status_code == 200
    visitor = app.test_client()
    login(visitor, citizen)
    response = visitor.post("/logout", data={"csrf_token": csrf_token(visitor, "/account")})
    assert response.status_code == 302
    assert "您已登出" in visitor.get("/").get_data(as_text=True)


def test_errors_are_not_kept(app, shared_pages, published_case, count_queries):
    assert app.test_client().get("/cases/no-such-case").status_code == 404
    with count_queries() as statements:
        assert app.test_client().get("/cases/no-such-case").status_code == 404
    assert statements


def test_visitors_with_a_cookie_always_get_a_fresh_page(app, shared_pages, published_case, count_queries):
    path = f"/cases/{published_case}"
    assert app.test_client().get(path).status_code == 200
    visitor = app.test_client()
    visitor.get("/cases?lang=en")  # the visit now has a session cookie holding the language
    with count_queries() as statements:
        page = visitor.get(path).get_data(as_text=True)
    assert statements and '<html lang="en"' in page


def test_pages_not_marked_public_are_never_kept(app, shared_pages, published_case, count_queries):
    app.test_client().get("/search?q=捷運")
    with count_queries() as statements:
        assert app.test_client().get("/search?q=捷運").status_code == 200
    assert statements
