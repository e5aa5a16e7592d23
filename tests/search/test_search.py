"""Search in Traditional Chinese on SQLite and PostgreSQL: two-character words, phrases, mixed
queries, script variants, an index kept current by every change, and hostile input.
"""

from __future__ import annotations

import re

import pytest

from civic.accounts.models import User
from civic.cases import parts
from civic.cases import queries as case_queries
from civic.core.fulltext_tokens import document_tokens, query_tokens
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import queries as feedback_queries
from tests.cases.factories import case_input
from tests.feedback.conftest import post


def found(app, q: str, **params) -> int:
    response = app.test_client().get("/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.status_code
    match = re.search(r'role="status">\s*(\d+)', response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


def test_tokens_are_bigrams_and_unigrams_for_chinese_and_words_for_the_rest():
    assert set(document_tokens("臺北捷運C3標")) >= {"台北", "北捷", "捷运", "c3", "标", "台"}
    assert query_tokens("捷運") == ["捷运"]
    assert query_tokens("C3 標") == ["c3", "标"]
    assert query_tokens('"; DROP TABLE cases; -- %') == ["drop", "table", "cases"]
    assert query_tokens("<script>") == ["script"]
    assert query_tokens("   ") == []


def test_two_character_words_and_phrases_find_cases(app, published_case):
    assert found(app, "捷運") == 1
    assert found(app, "萬大線") == 1
    assert found(app, "臺北捷運萬大線") == 1
    assert found(app, "水庫") == 0


def test_simplified_and_traditional_find_the_same_records(app, published_case):
    assert found(app, "台北捷运") == found(app, "臺北捷運") == 1


def test_english_titles_and_mixed_queries_work(app, published_case, staff):
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, published_case)
        parts.add_contract(case, parts.ContractInput(title="CQ850 區段標", ubn="90000006", company_name="示範",
                                                     award_value_ntd=1), actor=db.session.get(User, staff.id))
        db.session.commit()
    assert found(app, "Wanda") == 1
    assert found(app, "CQ850 區段") == 1
    assert found(app, "CQ851") == 0


def test_the_index_follows_every_change_in_the_same_transaction(app, published_case, staff, application, admin):
    with app.test_request_context():
        from civic.cases import services

        services.update_case(db.session, case_queries.get_case_with_parts(db.session, published_case),
                             case_input(published_case, summary_zh="沿線施工噪音監測每週公開"),
                             actor=db.session.get(User, staff.id), reason="補充說明")
        db.session.commit()
    assert found(app, "噪音") == 1
    # Unpublished applications are not found until they are published.
    assert found(app, "新水庫") == 0
    with app.test_request_context():
        services.approve_application(db.session, case_queries.get_case_with_parts(db.session, application),
                                     actor=db.session.get(User, admin.id))
        db.session.commit()
    assert found(app, "新水庫") == 1


def test_meeting_statements_and_risks_are_searchable(app, published_case, staff):
    from datetime import date

    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, published_case)
        actor = db.session.get(User, staff.id)
        parts.add_meeting(case, parts.MeetingInput(held_on=date(2024, 5, 1), title="第5次會議",
                                                   statements=[("李○○", "建議加強分包商管理")],
                                                   decisions=["公布分包商名冊"]), actor=actor)
        db.session.commit()
    assert found(app, "分包商") == 1 and found(app, "名冊") == 1


def test_comments_and_answers_are_found_and_hidden_ones_are_not(app, citizen, staff, moderator, published_case):
    number = post(app, citizen, published_case, "請問沿線醫院的施工時段？")[1]
    assert found(app, "醫院", kind="comment") == 1
    client = app.test_client()
    from tests.support import login, post_form

    login(client, staff)
    post_form(client, f"/staff/feedback/{number}", {"body": "醫院周邊夜間停工。"})
    assert found(app, "停工", kind="response") == 1
    with app.test_request_context():
        comment = feedback_queries.get_feedback(db.session, number).comment
        moderation.hide_comment(db.session, comment, actor=db.session.get(User, moderator.id), reason="spam")
        db.session.commit()
    assert found(app, "醫院", kind="comment") == 0


def test_snippets_mark_the_match_and_escape_the_rest(app, citizen, published_case):
    post(app, citizen, published_case, "<b>注意</b> 沿線噪音")
    page = app.test_client().get("/search", query_string={"q": "噪音"}).get_data(as_text=True)
    assert "<mark>噪音</mark>" in page
    assert "&lt;b&gt;注意&lt;/b&gt;" in page


def test_snippets_show_what_readers_see_and_headings_mark_the_match_too(app, citizen, published_case):
    post(app, citizen, published_case, "請問**夜間施工**時段？\n\n- 公車改道\n- [施工資訊](https://example.gov.tw)")
    page = app.test_client().get("/search", query_string={"q": "施工"}).get_data(as_text=True)
    assert "請問夜間<mark>施工</mark>時段？ 公車改道 <mark>施工</mark>資訊" in page
    assert "**" not in page and "](https" not in page
    # A simplified query marks the traditional title the case was found by.
    page = app.test_client().get("/search", query_string={"q": "台北捷运"}).get_data(as_text=True)
    assert "<mark>臺北捷運</mark>萬大線" in page


@pytest.mark.parametrize("query", ['"', "'", "%", "_", "AND", "NOT", "*", "捷運 OR 1=1", "\\", "NEAR(a b)",
                                   "title_tokens:捷運", "<script>alert(1)</script>", "😀", "\x1b"])
def test_hostile_queries_return_a_normal_page(app, published_case, query):
    response = app.test_client().get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert app.test_client().get("/cases", query_string={"q": query}).status_code == 200


def test_a_nul_byte_in_a_query_is_refused_in_the_readers_language(app, published_case):
    for path in ("/search", "/cases"):
        response = app.test_client().get(path, query_string={"q": "捷運\x00"})
        assert response.status_code == 400 and "請檢查您輸入的內容" in response.get_data(as_text=True)


def test_an_overlong_query_is_explained(app):
    response = app.test_client().get("/search", query_string={"q": "字" * 300})
    assert response.status_code == 400 and "最多 200 個字" in response.get_data(as_text=True)


def test_cases_q_uses_the_same_engine(app, published_case):
    page = app.test_client().get("/cases", query_string={"q": "台北捷运"}).get_data(as_text=True)
    assert "臺北捷運萬大線" in page


def test_search_filters_and_reindex(app, published_case, staff, other_agency_staff):
    assert found(app, "捷運", agency=staff.agency_code) == 1
    assert found(app, "捷運", agency="B00000002") == 0
    assert found(app, "捷運", sector="health") == 0
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "records" in result.output
    assert found(app, "捷運") == 1
