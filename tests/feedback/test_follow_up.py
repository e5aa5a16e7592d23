"""The author's one follow-up: within 30 days of the answer they say it does not answer the
question, the item reopens on a new working-day clock, the agency is told and answers again.
"""

from __future__ import annotations

import html
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.errors import Conflict, PermissionDenied
from civic.core.roles import Role
from civic.core.time import TAIPEI, format_datetime
from civic.extensions import db
from civic.feedback import follow_ups, moderation, queries, services
from civic.feedback.models import FollowUp
from civic.notifications.models import OutboxMessage
from civic.notifications.worker import deliver_pending
from tests.conftest import make_account
from tests.feedback.conftest import post
from tests.feedback.test_working_days import set_days
from tests.support import Mailbox, csrf_token, post_form, signed_in

RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI)        # a Monday
ANSWERED = datetime(2026, 3, 4, 10, 0, tzinfo=TAIPEI)        # Wednesday, before the deadline (Thursday)
FOLLOWED_UP = datetime(2026, 3, 6, 10, 0, tzinfo=TAIPEI)     # Friday
# Three working days after Friday 6 March: Monday 9, Tuesday 10, Wednesday 11.
NEW_DUE = datetime(2026, 3, 11, 23, 59, 59, tzinfo=TAIPEI)
LAST_DAY = datetime(2026, 4, 3, 23, 0, tzinfo=TAIPEI)        # 30 calendar days after the answer
DAY_31 = datetime(2026, 4, 4, 9, 0, tzinfo=TAIPEI)
FORM_HEADING = "這個回覆沒有回答我的問題"
FOLLOW_UP_TEXT = "回覆沒有說明**夜間施工**的噪音管制。"
FURTHER_ANSWER = "夜間施工噪音依**環保局**規定管制，超標即停工。"


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def answered_item(app, citizen, staff, slug: str, *, body: str = "請問工程進度？") -> str:
    """An item received on RECEIVED and answered by staff on ANSWERED; its tracking number."""
    with time_machine.travel(RECEIVED, tick=False):
        number = post(app, citizen, slug, body)[1]
    with time_machine.travel(ANSWERED, tick=False):
        answer(app, staff, number, "工程進度已公告於本局網站。", unit="工務科")
    return number


def answer(app, staff, number: str, body: str, unit: str = "") -> None:
    with app.test_request_context():
        services.publish_response(db.session, queries.get_feedback(db.session, number),
                                  actor=db.session.get(User, staff.id), body=body, unit=unit)
        db.session.commit()


def follow_up(client, number: str, body: str = FOLLOW_UP_TEXT):
    return post_form(client, f"/feedback/{number}/follow-up", {"body": body}, form_page=f"/feedback/{number}")


def state(app, number: str) -> dict:
    """What a refused follow-up must leave as it was."""
    with app.app_context():
        item = queries.get_feedback(db.session, number)
        return {"status": item.status, "due_at": item.due_at, "answered_at": item.answered_at,
                "reopened_at": item.reopened_at, "updated_at": item.updated_at,
                "follow_ups": db.session.scalar(select(func.count(FollowUp.id))),
                "events": [event.kind for event in item.events],
                "mails": db.session.scalar(select(func.count(OutboxMessage.id))
                                           .where(OutboxMessage.event == "feedback.reopened"))}


@pytest.fixture
def agency_of_three_working_days(app, staff) -> None:
    set_days(app, staff, 3)


@pytest.fixture
def answered(app, citizen, staff, published_case, agency_of_three_working_days) -> str:
    return answered_item(app, citizen, staff, published_case)


def test_the_author_follows_up_within_30_days_and_the_item_reopens_on_a_new_working_day_clock(
        app, citizen, staff, answered, mailbox):
    deliver(app)
    mailbox.clear()
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = signed_in(app, citizen)
        page = page_of(client.get(f"/feedback/{answered}"))
        assert FORM_HEADING in page
        assert "每則意見只能追問一次，期限至 民國115年4月3日" in page
        response = follow_up(client, answered)
        assert response.status_code == 302 and response.headers["Location"] == f"/feedback/{answered}"
        assert "已送出追問" in page_of(client.get(f"/feedback/{answered}"))

    with app.app_context():
        item = queries.get_feedback(db.session, answered)
        assert item.status == "received"
        assert item.reopened_at == FOLLOWED_UP
        assert item.answered_at is None and item.closed_at is None
        assert item.due_at == NEW_DUE
        assert item.overdue_at is None and item.reminded_at is None and item.escalated_at is None
        assert item.acknowledged_at == ANSWERED  # the acknowledgement stays as it was
        assert item.follow_up.first_due_at == datetime(2026, 3, 5, 23, 59, 59, tzinfo=TAIPEI)
        assert item.follow_up.first_answered_at == ANSWERED
        assert item.follow_up.author_id == citizen.id and "<strong>夜間施工</strong>" in item.follow_up.body_html
        [reopened] = [event for event in item.events if event.kind == "reopened"]
        assert reopened.is_public and reopened.actor_id == citizen.id
        assert datetime.fromisoformat(reopened.data["new"]) == NEW_DUE
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.reopened"))
        assert audit.target_id == answered and audit.actor_id == citizen.id
        due_shown = format_datetime(item.due_at, "zh_Hant_TW")

    public = page_of(app.test_client().get(f"/feedback/{answered}"))
    assert "留言者追問：回覆沒有回答問題" in public and "<strong>夜間施工</strong>" in public
    assert "留言者追問，重新開啟" in public and due_shown in public
    assert "自留言者追問次日起算 3 個工作天" in public
    assert FORM_HEADING not in public

    deliver(app)
    [mail] = [m for m in mailbox.to(staff.email) if answered in m["Subject"]]
    assert "重新開啟" in mail["Subject"]
    text = Mailbox.text(mail)
    assert due_shown == "民國115年3月11日 23:59" and due_shown in text
    assert "貴機關的回覆沒有回答其問題" in text
    assert f"/staff/feedback/{answered}" in text
    assert "因為您是負責處理這則意見的機關的同仁" in text
    assert mailbox.to(citizen.email) == []


def test_the_follow_up_is_open_until_the_end_of_the_thirtieth_day_and_refused_on_the_thirty_first(
        app, citizen, answered):
    with time_machine.travel(LAST_DAY, tick=False):
        assert FORM_HEADING in page_of(signed_in(app, citizen).get(f"/feedback/{answered}"))
    before = state(app, answered)
    with time_machine.travel(DAY_31, tick=False):
        client = signed_in(app, citizen)
        assert FORM_HEADING not in page_of(client.get(f"/feedback/{answered}"))
        response = post_form(client, f"/feedback/{answered}/follow-up", {"body": FOLLOW_UP_TEXT})
    assert response.status_code == 422
    assert "對這則回覆追問的期限已於 民國115年4月3日 屆滿" in page_of(response)
    assert state(app, answered) == before
    with app.app_context():
        assert queries.get_feedback(db.session, answered).status == "answered"


def test_a_second_follow_up_is_refused_and_the_first_is_kept(app, citizen, staff, answered):
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = signed_in(app, citizen)
        assert follow_up(client, answered).status_code == 302
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=TAIPEI), tick=False):
        answer(app, staff, answered, FURTHER_ANSWER)
    before = state(app, answered)
    with time_machine.travel(datetime(2026, 3, 10, 10, 0, tzinfo=TAIPEI), tick=False):
        client = signed_in(app, citizen)
        assert FORM_HEADING not in page_of(client.get(f"/feedback/{answered}"))
        response = post_form(client, f"/feedback/{answered}/follow-up", {"body": "再追問一次"})
        assert response.status_code == 422
        assert "您已對這則回覆提出過追問；每則意見只能追問一次" in page_of(response)
        with app.test_request_context():
            with pytest.raises(Conflict):
                follow_ups.follow_up(db.session, queries.get_feedback(db.session, answered), "再追問一次",
                                   actor=db.session.get(User, citizen.id))
            db.session.rollback()
    assert state(app, answered) == before
    with app.app_context():
        assert "夜間施工" in queries.get_feedback(db.session, answered).follow_up.body_source


@pytest.mark.parametrize("role", ["other_citizen", "staff", "other_agency_staff", "moderator", "admin"])
def test_nobody_but_the_author_sees_the_form_or_may_follow_up(app, request, answered, role):
    account = request.getfixturevalue(role)
    before = state(app, answered)
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = signed_in(app, account)
        page = page_of(client.get(f"/feedback/{answered}"))
        assert FORM_HEADING not in page and f"/feedback/{answered}/follow-up" not in page
        token = csrf_token(client, "/account")
        response = client.post(f"/feedback/{answered}/follow-up", data={"body": "不是我的意見", "csrf_token": token})
        assert response.status_code == 403
        with app.test_request_context():
            with pytest.raises(PermissionDenied):
                follow_ups.follow_up(db.session, queries.get_feedback(db.session, answered), "不是我的意見",
                                   actor=db.session.get(User, account.id))
            db.session.rollback()
    assert state(app, answered) == before


def test_anonymous_visitors_are_sent_to_sign_in(app, answered):
    before = state(app, answered)
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = app.test_client()
        assert FORM_HEADING not in page_of(client.get(f"/feedback/{answered}"))
        response = post_form(client, f"/feedback/{answered}/follow-up", {"body": "匿名追問"}, form_page="/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert state(app, answered) == before


def test_an_unanswered_item_cannot_be_followed_up(app, citizen, published_case, agency_of_three_working_days):
    with time_machine.travel(RECEIVED, tick=False):
        number = post(app, citizen, published_case)[1]
    before = state(app, number)
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = signed_in(app, citizen)
        assert FORM_HEADING not in page_of(client.get(f"/feedback/{number}"))
        response = post_form(client, f"/feedback/{number}/follow-up", {"body": FOLLOW_UP_TEXT},
                             form_page="/account")
    assert response.status_code == 422
    assert "機關尚未回覆這則意見，因此還不能追問" in page_of(response)
    assert state(app, number) == before


@pytest.mark.parametrize(("locale", "messages"), [
    ("zh_Hant_TW", ["錯誤：", "請先輸入內容。"]),
    ("en", ["Error:", "Write something first.", "This answer does not answer my question"]),
])
def test_the_form_explains_its_errors_in_the_authors_language(app, staff, published_case,
                                                              agency_of_three_working_days, locale, messages):
    author = make_account(app, f"author-{locale.lower()}@example.tw", Role.citizen, locale=locale)
    number = answered_item(app, author, staff, published_case)
    before = state(app, number)
    with time_machine.travel(FOLLOWED_UP, tick=False):
        client = signed_in(app, author)
        response = follow_up(client, number, body="   ")
    assert response.status_code == 422
    page = page_of(response)
    for message in messages:
        assert message in page
    assert 'href="#body"' in page and 'id="body"' in page
    assert state(app, number) == before


def test_staff_answer_the_follow_up_and_the_page_the_thread_and_the_api_show_both_answers(
        app, citizen, staff, published_case, answered, mailbox):
    with time_machine.travel(FOLLOWED_UP, tick=False):
        assert follow_up(signed_in(app, citizen), answered).status_code == 302
        api = app.test_client().get(f"/api/v1/feedback/{answered}").get_json()
    assert api["status"] == "received" and api["answered_at"] is None
    assert api["reopened_at"].startswith("2026-03-06T10:00:00") and api["follow_up"]["answer"] is None
    assert "<strong>夜間施工</strong>" in api["follow_up"]["body"]
    assert api["follow_up"]["created_at"].startswith("2026-03-06T10:00:00")
    [reopened] = [event for event in api["history"] if event["kind"] == "reopened"]
    assert datetime.fromisoformat(reopened["due_at"]) == NEW_DUE
    deliver(app)
    mailbox.clear()

    further_at = datetime(2026, 3, 10, 15, 0, tzinfo=TAIPEI)
    with time_machine.travel(further_at, tick=False):
        client = signed_in(app, staff)
        screen = page_of(client.get(f"/staff/feedback/{answered}"))
        assert "<strong>夜間施工</strong>" in screen and "公開再次回覆" in screen and "留言者已追問" in page_of(
            client.get("/staff/"))
        response = post_form(client, f"/staff/feedback/{answered}", {"body": FURTHER_ANSWER, "unit": "環保科"})
        assert response.status_code == 302
        again = post_form(client, f"/staff/feedback/{answered}", {"body": "第三次回覆"})
        assert again.status_code == 422 and "這件意見已經回覆過了" in page_of(again)

    with app.app_context():
        item = queries.get_feedback(db.session, answered)
        assert item.status == "answered" and item.answered_at == further_at
        assert item.follow_up.answered_at == further_at and item.follow_up.answer_unit == "環保科"
        assert item.follow_up.answer_author_id == staff.id
        assert item.response.body_source == "工程進度已公告於本局網站。"
        [first, further] = [event for event in item.events if event.kind == "answered"]
        assert not first.data.get("follow_up") and further.data == {"on_time": True, "follow_up": True}

    public = page_of(app.test_client().get(f"/feedback/{answered}"))
    first_answer, further_answer = public.index("工程進度已公告於本局網站。"), public.index("環保局")
    assert first_answer < public.index("夜間施工") < further_answer
    assert "再次回覆" in public and "環保科" in public
    assert "民國115年3月10日 15:00" in public
    assert "民國115年3月6日 10:00" in public  # when the author followed up
    thread = page_of(app.test_client().get(f"/cases/{published_case}"))
    assert thread.index("工程進度已公告於本局網站。") < thread.index("夜間施工") < thread.index("環保局")

    api = app.test_client().get(f"/api/v1/feedback/{answered}").get_json()
    assert api["status"] == "answered" and api["answered_at"].startswith("2026-03-10T15:00:00")
    assert "工程進度已公告於本局網站。" in api["response"]["body_html"]
    assert api["follow_up"]["answer"]["unit"] == "環保科"
    assert "<strong>環保局</strong>" in api["follow_up"]["answer"]["body"]
    assert api["follow_up"]["answer"]["answered_at"].startswith("2026-03-10T15:00:00")
    listed = app.test_client().get("/api/v1/feedback").get_json()["data"]
    assert [row["follow_up"]["answer"]["unit"] for row in listed if row["tracking_number"] == answered] == ["環保科"]

    deliver(app)
    [mail] = [m for m in mailbox.to(citizen.email) if answered in m["Subject"]]
    assert f"/feedback/{answered}" in Mailbox.text(mail)


def test_a_hidden_comment_takes_its_follow_up_out_of_the_page_and_the_api(app, citizen, moderator, answered):
    with time_machine.travel(FOLLOWED_UP, tick=False):
        assert follow_up(signed_in(app, citizen), answered).status_code == 302
    with app.test_request_context():
        comment = queries.get_feedback(db.session, answered).comment
        moderation.hide_comment(db.session, comment, reason="personal_data",
                                actor=db.session.get(User, moderator.id))
        db.session.commit()
    api = app.test_client().get(f"/api/v1/feedback/{answered}").get_json()
    assert api["follow_up"]["body"] is None
    assert "夜間施工" not in page_of(app.test_client().get(f"/feedback/{answered}"))


def test_the_case_thread_runs_a_fixed_number_of_queries_however_many_items_were_followed_up(
        app, citizen, staff, published_case, agency_of_three_working_days, count_queries):
    def followed_up_item(body: str, *, answered_again: bool) -> None:
        number = answered_item(app, citizen, staff, published_case, body=body)
        with time_machine.travel(FOLLOWED_UP, tick=False), app.test_request_context():
            follow_ups.follow_up(db.session, queries.get_feedback(db.session, number), FOLLOW_UP_TEXT,
                               actor=db.session.get(User, citizen.id))
            db.session.commit()
        if answered_again:
            with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=TAIPEI), tick=False):
                answer(app, staff, number, FURTHER_ANSWER)

    followed_up_item("第一則意見", answered_again=True)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=TAIPEI), tick=False), count_queries() as few:
        assert client.get(f"/cases/{published_case}").status_code == 200
    for i in range(5):
        followed_up_item(f"更多意見 {i}", answered_again=bool(i % 2))
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=TAIPEI), tick=False), count_queries() as many:
        page = page_of(client.get(f"/cases/{published_case}"))
    assert page.count("留言者追問：回覆沒有回答問題") == 6
    assert len(many) == len(few)


def test_a_follow_up_sent_at_the_same_moment_as_another_is_refused_not_a_failure(app, citizen, staff,
                                                                              published_case):
    """The page was loaded before the other follow-up landed: the database's one-per-item rule
    answers, as a refusal in words, and the item stays as the first follow-up left it."""
    number = answered_item(app, citizen, staff, published_case)
    with time_machine.travel(FOLLOWED_UP, tick=False), app.test_request_context():
        feedback = queries.get_feedback(db.session, number)
        first = feedback.follow_up
        assert first is None
        # The other follow-up, written behind this request's back.
        db.session.execute(FollowUp.__table__.insert().values(
            feedback_id=feedback.id, author_id=citizen.id, body_source="先到的追問", body_html="<p>先到的追問</p>",
            created_at=FOLLOWED_UP, first_due_at=feedback.due_at, first_answered_at=feedback.answered_at,
            answer_unit="", answer_source="", answer_html=""))
        with pytest.raises(Conflict):
            follow_ups.follow_up(db.session, feedback, FOLLOW_UP_TEXT, actor=db.session.get(User, citizen.id))
        assert feedback.reopened_at is None
        assert db.session.scalar(select(func.count(FollowUp.id)).where(FollowUp.feedback_id == feedback.id)) == 1
