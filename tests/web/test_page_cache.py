"""Shared copies of public pages for anonymous visitors: served without touching the database,
dropped as soon as what they show changes, never made from or given to a request with a cookie.

Every test runs against the in-process cache and against a real Redis, as in production.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from werkzeug.test import EnvironBuilder

from civic.core.db import Base
from civic.extensions import cache, db
from civic.site import page_tags
from civic.web import page_cache
from tests.cases import factories as case_factories
from tests.support import csrf_token, login, post_form
from tests.workshops.conftest import hold


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


# A change drops the copies of the pages that show it, and only those. To see that a page is still
# a copy, the database is changed behind the app's back (raw SQL, which no ORM event sees): a copy
# still shows the old text, a page made anew shows the new one.

CHANGED_TITLE = "背後改過的標題"
CHANGED_AGENCY = "背後改過的機關"


def _behind_the_back(app) -> None:
    with app.app_context():
        db.session.execute(text("UPDATE cases SET title_zh = :title"), {"title": CHANGED_TITLE})
        db.session.execute(text("UPDATE agencies SET name_zh = :name"), {"name": CHANGED_AGENCY})
        db.session.commit()


def _text(app, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture
def two_cases(app, staff, admin, published_case) -> tuple[str, str]:
    other = case_factories.apply(app, staff, slug="kaohsiung-light-rail", title_zh="高雄輕軌")
    case_factories.publish(app, admin, other)
    return published_case, other


def _copies_of(app, paths: list[str]) -> None:
    for path in paths:
        assert CHANGED_TITLE not in _text(app, path)
    _behind_the_back(app)
    for path in paths:
        assert CHANGED_TITLE not in _text(app, path), f"{path} was not served from its copy"


def test_a_workshop_sign_up_drops_its_case_page_and_keeps_the_others(app, shared_pages, two_cases, staff):
    case_a, case_b = two_cases
    workshop = hold(app, staff, case_slug=case_a)
    _copies_of(app, [f"/cases/{case_a}", f"/cases/{case_b}", "/cases", "/agencies", "/agencies/A00000001"])
    response = post_form(app.test_client(), f"/workshops/{workshop}", {
        "name": "林美玲", "email": "meiling.lin@example.tw", "phone": "0912-345-678", "consent": "y"})
    assert response.status_code == 302
    assert CHANGED_TITLE in _text(app, f"/cases/{case_a}")
    assert CHANGED_TITLE not in _text(app, f"/cases/{case_b}")
    assert CHANGED_TITLE not in _text(app, "/cases")
    assert CHANGED_AGENCY not in _text(app, "/agencies")
    assert CHANGED_AGENCY not in _text(app, "/agencies/A00000001")


def test_a_comment_drops_its_case_page_and_the_figures_that_count_it(app, shared_pages, two_cases, citizen):
    case_a, case_b = two_cases
    _copies_of(app, [f"/cases/{case_a}", f"/cases/{case_b}", "/cases", "/agencies", "/agencies/A00000001"])
    commenter = app.test_client()
    login(commenter, citizen)
    response = post_form(commenter, f"/cases/{case_a}/comments", {"body": "請問施工期間的交通維持計畫？"},
                         form_page=f"/cases/{case_a}")
    assert response.status_code == 302
    page = _text(app, f"/cases/{case_a}")
    assert CHANGED_TITLE in page and "交通維持計畫" in page
    assert CHANGED_TITLE not in _text(app, f"/cases/{case_b}")
    assert CHANGED_TITLE not in _text(app, "/cases")
    # A top-level comment is a tracked feedback item: the agency's figures count it.
    assert CHANGED_AGENCY in _text(app, "/agencies")
    assert CHANGED_AGENCY in _text(app, "/agencies/A00000001")


def test_renaming_an_agency_drops_its_page_and_the_lists(app, shared_pages, two_cases, admin):
    case_a, _case_b = two_cases
    paths = ["/agencies/A00000001", "/agencies", "/cases", f"/cases/{case_a}"]
    for path in paths:
        assert "改名的機關" not in _text(app, path)
    renamer = app.test_client()
    login(renamer, admin)
    response = post_form(renamer, "/admin/agencies/A00000001/edit", {
        "code": "A00000001", "name_zh": "改名的機關", "name_en": "Renamed Agency", "parent_code": "",
        "contact_email": "", "response_days": "10"})
    assert response.status_code == 302
    for path in paths:
        assert "改名的機關" in _text(app, path), path


def test_every_model_of_the_cached_domains_has_a_rule_for_its_pages():
    models = {mapper.class_ for mapper in Base.registry.mappers
              if mapper.class_.__module__.startswith(page_tags.SHOWN_BY)}
    assert models and models <= set(page_tags.RULES), sorted(m.__name__ for m in models - set(page_tags.RULES))


def test_while_one_request_makes_a_dropped_page_anew_the_others_get_the_old_copy(app, shared_pages,
                                                                                published_case):
    path = f"/cases/{published_case}"
    assert CHANGED_TITLE not in _text(app, path)
    _behind_the_back(app)
    with app.app_context():
        page_cache.bump([f"case:{published_case}"])
        backend = app.extensions["cache"][cache]
        # Another worker is making the page anew: readers meanwhile get the copy it replaces.
        address = page_cache._address(EnvironBuilder(path=path).get_environ())
        assert backend.add("remaking:" + address, 1, timeout=page_cache.REMAKING_SECONDS)
        assert CHANGED_TITLE not in _text(app, path)
        backend.delete("remaking:" + address)
    # Nobody is making it: the next reader makes it anew, and the one after gets that.
    assert CHANGED_TITLE in _text(app, path)
    assert CHANGED_TITLE in _text(app, path)


def test_a_page_that_is_gone_leaves_no_old_copy(app, shared_pages, published_case):
    path = f"/cases/{published_case}"
    assert _text(app, path)
    with app.app_context():
        db.session.execute(text("UPDATE cases SET review_state = 'returned' WHERE slug = :slug"),
                           {"slug": published_case})
        db.session.commit()
        page_cache.bump([f"case:{published_case}"])
    assert app.test_client().get(path).status_code == 404
    # Even while another request would be making it anew, the old copy is not served.
    with app.app_context():
        backend = app.extensions["cache"][cache]
        backend.add("remaking:" + page_cache._address(EnvironBuilder(path=path).get_environ()), 1, timeout=5)
    assert app.test_client().get(path).status_code == 404
