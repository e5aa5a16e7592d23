"""The staff inbox's rows: the start of each comment as plain text, its age, its deadline and a
past deadline marked in words and in the row's look; in both languages, in a fixed number of queries.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import queries
from tests.feedback.conftest import post
from tests.support import login

LONG = ("請問**施工**期間的交通維持計畫？" + "公車改道與夜間施工的安排，" * 10).strip()


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def row_of(page: str, number: str) -> str:
    """The inbox row of the item ``number``."""
    return next(row for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\".*?</tr>", page, re.S)
                if number in row)


def test_each_row_shows_the_start_of_the_comment_as_plain_text(app, staff, citizen, published_case):
    _, number = post(app, citizen, published_case, LONG)
    client = app.test_client()
    login(client, staff)
    row = row_of(page_of(client.get("/staff/")), number)
    excerpt = re.search(r'data-label="留言">\s*(.*?)</td>', row, re.S).group(1).strip()
    assert excerpt.startswith("請問施工期間的交通維持計畫？公車改道") and "**" not in excerpt
    assert excerpt.endswith("…") and len(excerpt) == 80
    english = row_of(page_of(client.get("/staff/?lang=en")), number)
    assert 'data-label="Comment"' in english and "請問施工期間" in english


def test_each_row_shows_its_age_and_due_date_in_both_languages(app, staff, citizen, published_case):
    _, today = post(app, citizen, published_case, "今天的問題")
    _, older = post(app, citizen, published_case, "三天前的問題")
    with app.app_context():
        item = queries.get_feedback(db.session, older)
        item.received_at = utcnow() - timedelta(days=3)
        due = item.due_at
        db.session.commit()
    client = app.test_client()
    login(client, staff)
    page = page_of(client.get("/staff/"))
    assert "今天" in row_of(page, today) and "3 天前" in row_of(page, older)
    assert f"民國{due.year - 1911}年" in row_of(page, older) and 'data-label="回覆期限"' in row_of(page, older)
    english = page_of(client.get("/staff/?lang=en"))
    assert "Today" in row_of(english, today) and "3 days ago" in row_of(english, older)
    assert 'data-label="Answer due"' in row_of(english, older) and str(due.year) in row_of(english, older)


def test_an_overdue_row_is_marked_in_words_and_looks(app, staff, citizen, published_case):
    _, on_time = post(app, citizen, published_case, "還在期限內")
    _, late = post(app, citizen, published_case, "已經逾期")
    with app.app_context():
        item = queries.get_feedback(db.session, late)
        item.due_at = utcnow() - timedelta(days=1)
        db.session.commit()
    client = app.test_client()
    login(client, staff)
    page = page_of(client.get("/staff/"))
    assert "civic-row--overdue" in row_of(page, late) and "逾期" in row_of(page, late)
    assert "civic-row--overdue" not in row_of(page, on_time) and "逾期" not in row_of(page, on_time)
    english = page_of(client.get("/staff/?lang=en"))
    assert "civic-row--overdue" in row_of(english, late) and "Overdue" in row_of(english, late)


def test_a_hidden_or_deleted_comment_shows_no_text_in_the_inbox(app, staff, citizen, published_case):
    _, number = post(app, citizen, published_case, "不該出現的內容")
    with app.app_context():
        comment = queries.get_feedback(db.session, number).comment
        comment.hidden_at, comment.hidden_reason = utcnow(), "abuse"
        db.session.commit()
    client = app.test_client()
    login(client, staff)
    row = row_of(page_of(client.get("/staff/")), number)
    assert "不該出現的內容" not in row and "已被版主隱藏" in row


def test_the_inbox_runs_a_fixed_number_of_queries(app, staff, citizen, published_case, count_queries):
    post(app, citizen, published_case, "第一則")
    client = app.test_client()
    login(client, staff)
    client.get("/staff/")
    with count_queries() as few:
        assert client.get("/staff/").status_code == 200
    for number in range(8):
        post(app, citizen, published_case, f"第 {number} 則")
    with count_queries() as many:
        assert client.get("/staff/").status_code == 200
    assert len(many) == len(few)
