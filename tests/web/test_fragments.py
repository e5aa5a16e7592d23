"""Rendered parts kept for visitors with a cookie: a signed-in view of an unchanged case reuses its
record, and of /cases its listing; a change to what they show makes them anew at once; nothing of
one visitor reaches another. Against the in-process store and a real Redis (``shared_pages``)."""

from __future__ import annotations

import pytest

from civic.extensions import cache
from tests.cases import factories as case_factories
from tests.support import post_form, rendered, signed_in
from tests.workshops.conftest import hold

RECORD = "cases/_record.html"
LISTING = "cases/_listing.html"
PARTICIPATION = "cases/_participation.html"
TAKING_PART = "cases/_taking_part.html"


def test_a_signed_in_view_of_an_unchanged_case_reuses_its_record(app, shared_pages, published_case, citizen,
                                                                  count_queries):
    path = f"/cases/{published_case}"
    reader = signed_in(app, citizen)
    with rendered(app) as first_templates, count_queries() as first_queries:
        first = reader.get(path)
    assert first.status_code == 200 and RECORD in first_templates
    with rendered(app) as templates, count_queries() as queries:
        again = reader.get(path)
    assert again.status_code == 200 and RECORD not in templates
    assert len(queries) < len(first_queries)
    page = again.get_data(as_text=True)
    assert 'id="facts"' in page and 'id="history"' in page and 'class="civic-comment-form"' in page
    assert "&lt;" not in page  # the kept parts are markup, not text


def test_a_change_to_the_record_is_shown_at_once(app, shared_pages, published_case, citizen, staff):
    path = f"/cases/{published_case}"
    reader = signed_in(app, citizen)
    assert "施工噪音改善" not in reader.get(path).get_data(as_text=True)
    response = post_form(signed_in(app, staff), f"/manage/cases/{published_case}/meetings/new", {
        "held_on": "2024-03-19", "title": "第2次平臺會議", "place": "捷運局", "attendees": "王○○, 捷運局",
        "statements": "王○○：說明施工噪音改善", "decisions": "每季公開檢討", "agenda": "", "follow_ups": ""})
    assert response.status_code == 302
    with rendered(app) as templates:
        page = reader.get(path).get_data(as_text=True)
    assert RECORD in templates and "施工噪音改善" in page


def test_a_comment_keeps_the_record_and_is_shown(app, shared_pages, published_case, citizen):
    path = f"/cases/{published_case}"
    reader = signed_in(app, citizen)
    reader.get(path)
    response = post_form(reader, f"{path}/comments", {"body": "請問施工期間的交通維持計畫？"}, form_page=path)
    assert response.status_code == 302
    with rendered(app) as templates:
        page = reader.get(path).get_data(as_text=True)
    assert RECORD not in templates and "交通維持計畫" in page


def test_each_language_keeps_its_own_record(app, shared_pages, published_case, citizen):
    path = f"/cases/{published_case}"
    reader = signed_in(app, citizen)
    chinese = reader.get(path).get_data(as_text=True)
    english = reader.get(f"{path}?lang=en").get_data(as_text=True)
    assert "平臺成員" in chinese and "Platform members" in english and "平臺成員" not in english
    with rendered(app) as templates:
        again = reader.get(path).get_data(as_text=True)
    assert RECORD not in templates and "Platform members" in again


def test_what_one_visitor_may_do_never_reaches_another(app, shared_pages, published_case, staff, citizen):
    path = f"/cases/{published_case}"
    manage = f'href="/manage/cases/{published_case}"'
    assert manage in signed_in(app, staff).get(path).get_data(as_text=True)
    with rendered(app) as templates:
        page = signed_in(app, citizen).get(path).get_data(as_text=True)
    assert RECORD not in templates and manage not in page
    # The anonymous copy made from the same record carries no form and no token.
    anonymous = app.test_client().get(path)
    assert "csrf_token" not in anonymous.get_data(as_text=True) and "Set-Cookie" not in anonymous.headers


def test_the_case_list_is_reused_until_a_case_is_published(app, shared_pages, published_case, citizen, staff,
                                                          admin):
    reader = signed_in(app, citizen)
    reader.get("/cases?sector=rail")
    with rendered(app) as templates:
        page = reader.get("/cases?sector=rail").get_data(as_text=True)
    assert LISTING not in templates and "臺北捷運萬大線" in page
    other = case_factories.apply(app, staff, slug="kaohsiung-light-rail", title_zh="高雄輕軌")
    case_factories.publish(app, admin, other)
    with rendered(app) as templates:
        page = reader.get("/cases?sector=rail").get_data(as_text=True)
    assert LISTING in templates and "高雄輕軌" in page


def test_refused_filters_are_explained_every_time_and_never_kept(app, shared_pages, published_case, citizen):
    reader = signed_in(app, citizen)
    for _ in range(2):
        with rendered(app) as templates:
            response = reader.get("/cases?year=1900")
        assert response.status_code == 400 and LISTING in templates
        assert "govuk-error-summary" in response.get_data(as_text=True)
    assert reader.get("/cases").status_code == 200


def test_a_reader_not_signed_in_reuses_the_whole_page_body_until_someone_comments(app, shared_pages,
                                                                                 published_case, citizen,
                                                                                 count_queries):
    path = f"/cases/{published_case}"
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")  # a chosen language: a cookie, so no shared copy
    reader.get(path)
    with rendered(app) as templates, count_queries() as queries:
        page = reader.get(path).get_data(as_text=True)
    assert PARTICIPATION not in templates and RECORD not in templates
    # Only the case itself (may this visitor see it?), beside the test's savepoints.
    assert [query.split()[0] for query in queries if "SAVEPOINT" not in query] == ["SELECT"]
    assert "civic-comment-form" not in page and "/login?next=" in page
    commenter = signed_in(app, citizen)
    response = post_form(commenter, f"{path}/comments", {"body": "請問施工期間的交通維持計畫？"}, form_page=path)
    assert response.status_code == 302
    with rendered(app) as templates:
        page = reader.get(path).get_data(as_text=True)
    assert PARTICIPATION in templates and RECORD not in templates and "交通維持計畫" in page


def test_a_sign_up_remakes_the_workshops_and_keeps_the_record_and_the_thread(app, shared_pages, published_case,
                                                                             staff, citizen):
    path = f"/cases/{published_case}"
    workshop = hold(app, staff, case_slug=published_case, capacity=30)
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")  # a cookie: the page is made anew from its fragments
    assert "尚餘 30 個名額" in reader.get(path).get_data(as_text=True)
    with rendered(app) as templates:
        reader.get(path)
    assert not {RECORD, PARTICIPATION, TAKING_PART} & set(templates)
    response = post_form(app.test_client(), f"/workshops/{workshop}", {
        "name": "林美玲", "email": "meiling.lin@example.tw", "phone": "0912-345-678", "consent": "y"})
    assert response.status_code == 302
    with rendered(app) as templates:
        page = reader.get(path).get_data(as_text=True)
    assert TAKING_PART in templates and RECORD not in templates and PARTICIPATION not in templates
    assert "尚餘 29 個名額" in page
    # A comment remakes the thread, not the workshops.
    commenter = signed_in(app, citizen)
    post_form(commenter, f"{path}/comments", {"body": "請問施工期間的交通維持計畫？"}, form_page=path)
    with rendered(app) as templates:
        page = reader.get(path).get_data(as_text=True)
    assert PARTICIPATION in templates and TAKING_PART not in templates and "交通維持計畫" in page


def test_a_case_page_made_anew_reads_all_its_kept_parts_in_two_round_trips(app, shared_pages, published_case,
                                                                           monkeypatch):
    if shared_pages != "RedisCache":
        pytest.skip("the in-process store makes no round trips (its get_many calls get for each key)")
    path = f"/cases/{published_case}"
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")  # a cookie: the page is made anew from its fragments
    first = reader.get(path).get_data(as_text=True)
    backend = app.extensions["cache"][cache]
    calls: list[str] = []
    for name in ("get", "get_many", "set", "add"):
        method = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda *args, _name=name, _method=method, **kwargs: (
            calls.append(_name), _method(*args, **kwargs))[1])
    with rendered(app) as templates:
        again = reader.get(path).get_data(as_text=True)
    # The tags' generations, then the record, the workshops, the thread and its count at once.
    assert calls == ["get_many", "get_many"]
    assert not {RECORD, PARTICIPATION, TAKING_PART} & set(templates)
    assert again == first
