"""Feedback over HTTP: commenting, the status page, the staff inbox and answer, moderation,
following, figures; with every role that must be refused.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from civic.extensions import db
from civic.feedback import queries
from civic.feedback.models import Comment, Feedback
from civic.notifications.worker import deliver_pending
from tests.core.test_text import real_tags
from tests.feedback.conftest import post
from tests.support import csrf_token, login, post_form

COMMENT = "請問**施工**期間的交通維持計畫？\n\n- 公車改道\n- 夜間施工\n\n參考 https://example.tw/plan"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_citizen_comments_and_is_sent_to_the_items_status_page(app, client, citizen, published_case, mailbox):
    login(client, citizen)
    response = post_form(client, f"/cases/{published_case}/comments", {"body": COMMENT},
                         form_page=f"/cases/{published_case}")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.fullmatch(r"/feedback/F-[0-9A-Z]{4}-[0-9A-Z]{4}", location)
    status = page_of(client.get(location))
    assert "已收到" in status and "<strong>施工</strong>" in status and "<li>公車改道</li>" in status
    assert 'href="https://example.tw/plan" rel="nofollow ugc noopener"' in status
    case_page = page_of(client.get(f"/cases/{published_case}"))
    assert location.rsplit("/", 1)[1] in case_page and "1 則留言" in case_page
    with app.app_context():
        deliver_pending(db.session)
    [receipt] = mailbox.to(citizen.email)
    assert location.rsplit("/", 1)[1] in receipt["Subject"]


@pytest.mark.parametrize("payload", ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">',
                                     "[點我](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>'])
def test_script_payloads_in_comments_are_inert(app, client, citizen, published_case, payload):
    login(client, citizen)
    post_form(client, f"/cases/{published_case}/comments", {"body": payload}, form_page=f"/cases/{published_case}")
    page = page_of(client.get(f"/cases/{published_case}"))
    thread = page[page.index('id="comments"'):]
    for tag, attrs in real_tags(thread):
        assert tag not in ("img", "iframe") and not (tag == "script" and "src" not in attrs), tag
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), attrs


def test_bad_comments_are_explained_and_nothing_is_stored(app, client, citizen, published_case):
    login(client, citizen)
    for body, message in [("", "請先輸入內容"), ("字" * 5001, "請在 5000 個字以內")]:
        response = post_form(client, f"/cases/{published_case}/comments", {"body": body},
                             form_page=f"/cases/{published_case}")
        assert response.status_code == 422 and message in page_of(response)
    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []


def test_a_double_post_is_refused(app, client, citizen, published_case):
    login(client, citizen)
    for expected in (302, 422):
        response = post_form(client, f"/cases/{published_case}/comments", {"body": "同樣的問題"},
                             form_page=f"/cases/{published_case}")
        assert response.status_code == expected
    assert "您剛剛已經送出相同的內容" in page_of(response)


def test_anonymous_visitors_cannot_comment(app, client, published_case):
    response = post_form(client, f"/cases/{published_case}/comments", {"body": "匿名"}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "登入後即可留言" in page_of(client.get(f"/cases/{published_case}"))


def test_replies_show_under_their_comment(app, client, citizen, other_citizen, item, published_case):
    login(client, other_citizen)
    with app.app_context():
        parent_id = queries.get_feedback(db.session, item).comment_id
    response = post_form(client, f"/cases/{published_case}/comments", {"body": "同問", "parent_id": str(parent_id)},
                         form_page=f"/cases/{published_case}")
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    assert "同問" in page_of(client.get(f"/cases/{published_case}"))


def test_staff_of_the_agency_answer_in_the_inbox_and_everyone_sees_it(app, citizen, staff, item, published_case,
                                                                      mailbox):
    client = app.test_client()
    login(client, staff)
    inbox = page_of(client.get("/staff/"))
    assert item in inbox
    answer = {"body": "將於**下月**公布交通維持計畫。", "unit": "工務科"}
    response = post_form(client, f"/staff/feedback/{item}", answer)
    assert response.status_code == 302
    status = page_of(app.test_client().get(f"/feedback/{item}"))
    assert "已回覆" in status and "<strong>下月</strong>" in status and "工務科" in status
    case_page = page_of(app.test_client().get(f"/cases/{published_case}"))
    assert "正式回覆" in case_page and "機關已回覆 1 則" in case_page
    with app.app_context():
        deliver_pending(db.session)
    assert any("已回覆您的意見" in m["Subject"] for m in mailbox.to(citizen.email))
    figures = page_of(app.test_client().get(f"/agencies/{staff.agency_code}"))
    assert "準時回覆" in figures


def test_staff_of_another_agency_can_neither_see_nor_answer(app, other_agency_staff, item):
    client = app.test_client()
    login(client, other_agency_staff)
    assert item not in page_of(client.get("/staff/"))
    assert client.get(f"/staff/feedback/{item}").status_code == 404
    token = csrf_token(client, "/staff/")
    for path, data in [(f"/staff/feedback/{item}", {"body": "越權回覆"}),
                       (f"/staff/feedback/{item}/note", {"note": "x"}),
                       (f"/staff/feedback/{item}/assign", {"assignee": ""}),
                       (f"/staff/feedback/{item}/status", {"status": "in_progress"}),
                       (f"/staff/feedback/{item}/forward", {"agency": "B00000002", "reason": "x"})]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    with app.app_context():
        feedback = queries.get_feedback(db.session, item)
        assert feedback.response is None and feedback.status == "received"


@pytest.mark.parametrize("role", ["citizen", "supplier", "moderator", "admin"])
def test_the_staff_area_refuses_everyone_else(app, request, role, item):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/feedback/{item}").status_code == 403
    assert app.test_client().get("/staff/").status_code == 302


def test_staff_note_assign_and_forward(app, staff, other_agency_staff, item):
    client = app.test_client()
    login(client, staff)
    assert post_form(client, f"/staff/feedback/{item}/note", {"note": "請工務科查明"}).status_code == 302
    assert "請工務科查明" in page_of(client.get(f"/staff/feedback/{item}"))
    assert "請工務科查明" not in page_of(app.test_client().get(f"/feedback/{item}"))
    assert post_form(client, f"/staff/feedback/{item}/assign", {"assignee": str(staff.id)}).status_code == 302
    response = post_form(client, f"/staff/feedback/{item}/forward", {"agency": "B00000002", "reason": ""})
    assert response.status_code == 422 and "請公開說明" in page_of(response)
    response = post_form(client, f"/staff/feedback/{item}/forward", {"agency": "B00000002", "reason": "屬他機關權責"})
    assert response.status_code == 302
    assert "屬他機關權責" in page_of(app.test_client().get(f"/feedback/{item}"))
    assert client.get(f"/staff/feedback/{item}").status_code == 404
    other = app.test_client()
    login(other, other_agency_staff)
    assert item in page_of(other.get("/staff/"))


def test_the_inbox_filters_and_shows_overdue_items_first(app, staff, citizen, published_case):
    numbers = [post(app, citizen, published_case, f"問題{i}")[1] for i in range(3)]
    with app.app_context():
        late = queries.get_feedback(db.session, numbers[2])
        late.due_at = late.received_at.replace(year=2020)
        db.session.commit()
    client = app.test_client()
    login(client, staff)
    page = page_of(client.get("/staff/"))
    assert page.index(numbers[2]) < page.index(numbers[0])
    overdue = page_of(client.get("/staff/?overdue=y"))
    assert numbers[2] in overdue and numbers[0] not in overdue
    assert client.get("/staff/?status=bogus").status_code == 400


def test_authors_edit_and_delete_their_comments_others_cannot(app, citizen, other_citizen, item):
    with app.app_context():
        comment_id = queries.get_feedback(db.session, item).comment_id
    stranger = app.test_client()
    login(stranger, other_citizen)
    assert stranger.get(f"/comments/{comment_id}/edit").status_code == 403
    assert post_form(stranger, f"/comments/{comment_id}/delete", {}, form_page="/").status_code == 403
    author = app.test_client()
    login(author, citizen)
    assert post_form(author, f"/comments/{comment_id}/edit", {"body": "修正後的問題"}).status_code == 302
    assert post_form(author, f"/comments/{comment_id}/delete", {}, form_page="/").status_code == 302
    status = page_of(app.test_client().get(f"/feedback/{item}"))
    assert "已由作者刪除" in status and "修正後的問題" not in status


def test_reports_reach_the_moderators_who_hide_with_a_public_reason(app, citizen, other_citizen, moderator, item,
                                                                    published_case):
    with app.app_context():
        comment_id = queries.get_feedback(db.session, item).comment_id
    reporter = app.test_client()
    login(reporter, other_citizen)
    response = post_form(reporter, f"/comments/{comment_id}/report", {"reason": ""})
    assert response.status_code == 422
    assert post_form(reporter, f"/comments/{comment_id}/report", {"reason": "含個資"}).status_code == 302
    mod = app.test_client()
    login(mod, moderator)
    assert "含個資" in page_of(mod.get("/moderation/"))
    assert post_form(mod, f"/moderation/comments/{comment_id}/hide", {"reason": "personal_data"},
                     form_page="/moderation/").status_code == 302
    assert "已被版主隱藏：洩漏個人資料" in page_of(app.test_client().get(f"/cases/{published_case}"))
    assert post_form(mod, f"/moderation/users/{citizen.id}/suspend", {"reason": "多次違規"},
                     form_page="/moderation/").status_code == 302
    author = app.test_client()
    assert login(author, citizen).status_code == 422


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff"])
def test_moderation_refuses_everyone_else(app, request, role, item):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/moderation/").status_code == 403
    with app.app_context():
        comment_id = queries.get_feedback(db.session, item).comment_id
    token = csrf_token(client, "/")
    assert client.post(f"/moderation/comments/{comment_id}/hide",
                       data={"reason": "spam", "csrf_token": token}).status_code == 403


def test_follow_and_unsubscribe_from_the_mail_link_without_signing_in(app, citizen, other_citizen, staff, item,
                                                                     published_case, mailbox):
    follower = app.test_client()
    login(follower, other_citizen)
    assert post_form(follower, f"/cases/{published_case}/follow", {}, form_page=f"/cases/{published_case}"
                     ).status_code == 302
    assert "取消追蹤這個案件" in page_of(follower.get(f"/cases/{published_case}"))
    handler = app.test_client()
    login(handler, staff)
    post_form(handler, f"/staff/feedback/{item}", {"body": "答覆內容"})
    with app.app_context():
        deliver_pending(db.session)
    [mail] = mailbox.to(other_citizen.email)
    link = mailbox.link(mail, "/unsubscribe/")
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 200
    assert post_form(anonymous, link, {}).status_code == 200
    assert "已經使用過" in page_of(anonymous.get(link))


def test_the_agency_page_says_whether_the_visitor_follows_the_agency(app, other_citizen, published_case):
    follower = app.test_client()
    login(follower, other_citizen)
    before = page_of(follower.get("/agencies/A00000001"))
    assert "追蹤這個機關" in before and "取消追蹤這個機關" not in before
    assert post_form(follower, "/agencies/A00000001/follow", {}, form_page="/agencies/A00000001").status_code == 302
    assert "取消追蹤這個機關" in page_of(follower.get("/agencies/A00000001"))
    assert "追蹤這個機關" not in page_of(app.test_client().get("/agencies/A00000001"))


def test_the_status_page_forgives_typing_and_unknown_numbers_are_404(app, item):
    client = app.test_client()
    assert client.get(f"/feedback/{item.lower()}").status_code == 302
    assert client.get("/feedback/F-0000-0000").status_code == 404
    assert client.get(f"/feedback?number={item.replace('-', ' ')}").status_code == 302
    assert client.get("/feedback?number=nope").status_code == 404


def test_agency_figures_have_a_chart_a_table_and_csv(app, staff, item):
    client = app.test_client()
    page = page_of(client.get(f"/agencies/{staff.agency_code}"))
    assert "每月意見統計" in page and 'alt="' in page
    chart = client.get(f"/agencies/{staff.agency_code}/chart.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"<script" not in chart.data
    csv = client.get(f"/agencies/{staff.agency_code}/figures.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("\ufeffcode,name_zh,name_en,period,month,received,") and ",1," in csv
    assert "收到意見" in page_of(client.get("/agencies"))


def test_on_a_phone_the_chart_is_drawn_narrow_with_text_of_12_px_or_more_and_months_as_the_table(
        app, staff, item):
    client = app.test_client()
    page = page_of(client.get(f"/agencies/{staff.agency_code}"))
    narrow_url = f"/agencies/{staff.agency_code}/chart.svg?layout=narrow"
    assert re.search(r'<source media="screen and \(max-width: [\d.]+em\)" srcset="' + re.escape(narrow_url)
                     + r'" width="360" height="\d+">', page)
    wide = client.get(f"/agencies/{staff.agency_code}/chart.svg").get_data(as_text=True)
    narrow = client.get(narrow_url).get_data(as_text=True)
    assert re.search(r'<svg[^>]*\sviewBox="0 0 360 \d+"', narrow)
    # Drawn at the width a 390 px phone shows it, so each size written is the size seen.
    assert min(float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", narrow)) >= 12
    months = re.findall(r"<td[^>]*>(民國\d+年\d+月)</td>|<th[^>]*>(民國\d+年\d+月)</th>", page)
    table_months = [cell for pair in months for cell in pair if cell]
    assert table_months
    for svg in (wide, narrow):
        labels = re.findall(r'<text[^>]*>(民國\d+年\d+月)</text>', svg)
        assert sorted(set(labels)) == sorted(set(table_months)), svg
    english = client.get(narrow_url + "&lang=en").get_data(as_text=True)
    assert re.search(r">[A-Z][a-z]{2} \d{4}</text>", english) and "民國" not in english
    assert client.get(f"/agencies/{staff.agency_code}/chart.svg?layout=tiny").status_code == 400


def test_the_thread_runs_a_fixed_number_of_queries(app, citizen, other_citizen, published_case, count_queries):
    client = app.test_client()
    first, _ = post(app, citizen, published_case, "第一則")
    post(app, other_citizen, published_case, "第一則的回覆", parent_id=first)
    with count_queries() as few:
        client.get(f"/cases/{published_case}")
    for i in range(6):
        comment_id, _ = post(app, citizen if i % 2 else other_citizen, published_case, f"更多留言 {i}")
        post(app, citizen, published_case, f"回覆 {i}", parent_id=comment_id)
    with count_queries() as many:
        assert client.get(f"/cases/{published_case}").status_code == 200
    assert len(many) == len(few)


def test_the_deadlines_command_marks_overdue_items(app, item):
    with app.app_context():
        feedback = db.session.scalar(select(Feedback).where(Feedback.tracking_number == item))
        feedback.due_at = feedback.received_at.replace(year=2020)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["deadlines", "check"])
    assert result.exit_code == 0 and "overdue: 1" in result.output
    assert "逾期" in page_of(app.test_client().get(f"/feedback/{item}"))
