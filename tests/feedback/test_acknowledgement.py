"""The first clock of a feedback item: its agency acknowledges (受理) it within
FEEDBACK_ACKNOWLEDGE_WORKING_DAYS working days, by hand or with its first action on it."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from civic.accounts.models import User
from civic.admin.trail import ACTION_LABELS
from civic.core.audit import AuditEntry
from civic.core.errors import PermissionDenied
from civic.core.time import TAIPEI, to_taipei
from civic.extensions import db
from civic.feedback import queries, services
from civic.feedback.models import Feedback, FeedbackEvent
from tests.feedback.conftest import post
from tests.feedback.test_working_days import calendar_csv
from tests.support import csrf_token, login, post_form

# Friday 13 February 2026 is the last working day before the Lunar New Year block (14 to 22
# February, the `holidays` package's Taiwan calendar): Monday 23 is the first working day after it.
BEFORE_NEW_YEAR = datetime(2026, 2, 13, 0, 30, tzinfo=TAIPEI)
NEW_YEAR_ACKNOWLEDGE_BY = datetime(2026, 2, 24, 23, 59, 59, tzinfo=TAIPEI)


def item_of(number: str) -> Feedback:
    return db.session.scalar(select(Feedback).where(Feedback.tracking_number == number))


def acknowledgements(number: str) -> list[FeedbackEvent]:
    return list(db.session.scalars(select(FeedbackEvent).join(Feedback)
                                   .where(Feedback.tracking_number == number, FeedbackEvent.kind == "acknowledged")
                                   .order_by(FeedbackEvent.id)))


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def text_of(response) -> str:
    """The page's words without its markup, one space between them."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_of(response)).split())


def _acknowledge(client, number: str):
    return post_form(client, f"/staff/feedback/{number}/acknowledge", {}, form_page=f"/staff/feedback/{number}")


def test_an_item_received_before_the_new_year_block_is_acknowledged_after_it(app, citizen, published_case):
    # 00:30 on Friday in Taipei is still Thursday in UTC: the Taipei day counts.
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    with app.app_context():
        item = item_of(number)
        assert to_taipei(item.acknowledge_by) == NEW_YEAR_ACKNOWLEDGE_BY
        assert item.acknowledged_at is None
        assert to_taipei(item.due_at) > to_taipei(item.acknowledge_by)


@pytest.mark.parametrize(("moment", "on_time", "words"), [
    (datetime(2026, 2, 24, 17, 0, tzinfo=TAIPEI), True, "如期"),
    (datetime(2026, 2, 25, 9, 0, tzinfo=TAIPEI), False, "逾期"),
])
def test_staff_acknowledge_their_agencys_item_in_public(app, citizen, staff, published_case, moment, on_time,
                                                        words):
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    client = app.test_client()
    with time_machine.travel(moment, tick=False):
        login(client, staff)
        screen = page_of(client.get(f"/staff/feedback/{number}"))
        assert "受理期限" in screen and "民國115年2月24日" in screen
        assert f'action="/staff/feedback/{number}/acknowledge"' in screen
        response = _acknowledge(client, number)
        assert response.status_code == 302
        assert "已受理" in page_of(client.get(response.location))
    with app.app_context():
        item = item_of(number)
        assert to_taipei(item.acknowledged_at) == moment
        [event] = acknowledgements(number)
        assert event.is_public and event.data == {"on_time": on_time} and event.actor_id == staff.id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.acknowledged"))
        assert entry.target_id == number and entry.actor_id == staff.id
        assert "feedback.acknowledged" in ACTION_LABELS
    with time_machine.travel(moment, tick=False):
        screen = page_of(client.get(f"/staff/feedback/{number}"))
    assert f'action="/staff/feedback/{number}/acknowledge"' not in screen and words in screen
    public = page_of(app.test_client().get(f"/feedback/{number}"))
    assert "機關已受理" in public and words in public


def test_acknowledging_twice_changes_nothing(app, citizen, staff, published_case):
    _id, number = post(app, citizen, published_case)
    client = app.test_client()
    login(client, staff)
    assert _acknowledge(client, number).status_code == 302
    with app.app_context():
        first = item_of(number).acknowledged_at
    token = csrf_token(client, "/staff/")
    again = client.post(f"/staff/feedback/{number}/acknowledge", data={"csrf_token": token}, follow_redirects=True)
    assert again.status_code == 200 and "此案件先前已受理" in page_of(again)
    with app.app_context():
        assert item_of(number).acknowledged_at == first
        assert len(acknowledgements(number)) == 1
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "feedback.acknowledged")
                                 .offset(1)) is None
        # The service says so too, without raising.
        with app.test_request_context():
            assert services.acknowledge(db.session, item_of(number),
                                        actor=db.session.get(User, staff.id)) is False


@pytest.mark.parametrize(("path", "data"), [
    ("assign", lambda staff: {"assignee": str(staff.id)}),
    ("note", lambda staff: {"note": "請工務科查明"}),
    ("", lambda staff: {"body": "將於下月公布交通維持計畫。", "unit": "工務科"}),
    ("status", lambda staff: {"status": "in_progress"}),
    ("extend", lambda staff: {"new_due": "", "reason": "需會同工程顧問查核"}),
])
def test_the_first_action_of_staff_acknowledges_the_item(app, citizen, staff, published_case, path, data):
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    with app.app_context():
        next_day = (to_taipei(item_of(number).due_at) + timedelta(days=1)).date().isoformat()
    client = app.test_client()
    with time_machine.travel(datetime(2026, 2, 23, 10, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        target = f"/staff/feedback/{number}" + (f"/{path}" if path else "")
        refused = post_form(client, target, {**data(staff), "body": "", "note": "", "status": "closed",
                                             "new_due": "", "assignee": "0"}, form_page=f"/staff/feedback/{number}")
        # A refused action changes nothing, the acknowledgement included.
        assert refused.status_code == 422
        with app.app_context():
            assert item_of(number).acknowledged_at is None and acknowledgements(number) == []
        fields = data(staff) if path != "extend" else {**data(staff), "new_due": next_day}
        response = post_form(client, target, fields, form_page=f"/staff/feedback/{number}")
    with app.app_context():
        assert response.status_code == 302
        assert to_taipei(item_of(number).acknowledged_at) == datetime(2026, 2, 23, 10, 0, tzinfo=TAIPEI)
        [event] = acknowledgements(number)
        assert event.is_public and event.data == {"on_time": True}


def test_later_actions_do_not_acknowledge_again(app, citizen, staff, published_case):
    _id, number = post(app, citizen, published_case)
    client = app.test_client()
    login(client, staff)
    assert post_form(client, f"/staff/feedback/{number}/note", {"note": "先查明"}).status_code == 302
    assert post_form(client, f"/staff/feedback/{number}/assign", {"assignee": str(staff.id)}).status_code == 302
    assert post_form(client, f"/staff/feedback/{number}", {"body": "已查明。", "unit": ""}).status_code == 302
    with app.app_context():
        assert len(acknowledgements(number)) == 1


def test_only_the_items_agency_acknowledges_it(app, citizen, other_citizen, other_agency_staff, published_case):
    _id, number = post(app, citizen, published_case)
    other = app.test_client()
    login(other, other_agency_staff)
    token = csrf_token(other, "/staff/")
    # Staff of another agency do not see the item at all (as every staff route answers).
    assert other.post(f"/staff/feedback/{number}/acknowledge", data={"csrf_token": token}).status_code == 404
    for account in (citizen, other_citizen):
        person = app.test_client()
        login(person, account)
        token = csrf_token(person, "/")
        assert person.post(f"/staff/feedback/{number}/acknowledge", data={"csrf_token": token}).status_code == 403
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login")
    response = anonymous.post(f"/staff/feedback/{number}/acknowledge", data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.location
    with app.app_context():
        # The rule lives in the service too.
        with app.test_request_context(), pytest.raises(PermissionDenied):
            services.acknowledge(db.session, item_of(number), actor=db.session.get(User, other_agency_staff.id))
        db.session.rollback()
        assert item_of(number).acknowledged_at is None and acknowledgements(number) == []


def test_a_forwarded_item_gets_a_fresh_acknowledgement_clock(app, citizen, staff, other_agency_staff,
                                                            published_case):
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 2, 23, 9, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        assert _acknowledge(client, number).status_code == 302
    with time_machine.travel(datetime(2026, 2, 25, 9, 0, tzinfo=TAIPEI), tick=False):
        response = post_form(client, f"/staff/feedback/{number}/forward",
                             {"agency": other_agency_staff.agency_code, "reason": "屬他機關權責"},
                             form_page=f"/staff/feedback/{number}")
        assert response.status_code == 302
    with app.app_context():
        item = item_of(number)
        # Received anew on Wednesday 25 February: Thursday 26 is the first working day, Friday 27
        # and the weekend are 和平紀念日 holidays, Monday 2 March is the second.
        assert item.acknowledged_at is None
        assert to_taipei(item.acknowledge_by) == datetime(2026, 3, 2, 23, 59, 59, tzinfo=TAIPEI)
    other = app.test_client()
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=TAIPEI), tick=False):
        login(other, other_agency_staff)
        assert "逾期未受理" in page_of(other.get("/staff/"))
        assert _acknowledge(other, number).status_code == 302
    with app.app_context():
        assert [event.data["on_time"] for event in acknowledgements(number)] == [True, False]


def test_a_calendar_change_moves_the_acknowledgement_deadline_of_waiting_items(app, citizen, staff,
                                                                               published_case, tmp_path):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        _id, waiting = post(app, citizen, published_case, body="第一個問題？")
        _id, taken_up = post(app, citizen, published_case, body="第二個問題？")
        with app.test_request_context():
            services.acknowledge(db.session, item_of(taken_up), actor=db.session.get(User, staff.id))
            db.session.commit()
    with app.app_context():
        assert to_taipei(item_of(waiting).acknowledge_by) == datetime(2026, 3, 4, 23, 59, 59, tzinfo=TAIPEI)
    path = tmp_path / "calendar.csv"
    path.write_bytes(calendar_csv("20260303,二,2,調整放假"))
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=TAIPEI), tick=False):
        result = app.test_cli_runner().invoke(args=["calendar", "import", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert to_taipei(item_of(waiting).acknowledge_by) == datetime(2026, 3, 5, 23, 59, 59, tzinfo=TAIPEI)
        assert to_taipei(item_of(taken_up).acknowledge_by) == datetime(2026, 3, 4, 23, 59, 59, tzinfo=TAIPEI)
        moved = {event.feedback_id: event.data for event in db.session.scalars(
            select(FeedbackEvent).where(FeedbackEvent.kind == "deadline_moved"))}
        assert moved[item_of(waiting).id]["acknowledge_new"].startswith("2026-03-05T15:59:59")
        assert "acknowledge_new" not in moved[item_of(taken_up).id]
    page = text_of(app.test_client().get(f"/feedback/{waiting}"))
    assert "受理期限： 民國115年3月4日 23:59 → 民國115年3月5日 23:59" in page


def test_the_api_carries_both_clocks(app, citizen, staff, published_case):
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    client = app.test_client()
    body = client.get(f"/api/v1/feedback/{number}").get_json()
    assert body["acknowledge_by"].startswith("2026-02-24T23:59:59") and body["acknowledged_at"] is None
    with time_machine.travel(datetime(2026, 2, 23, 9, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        assert _acknowledge(client, number).status_code == 302
    body = app.test_client().get(f"/api/v1/feedback/{number}").get_json()
    assert body["acknowledged_at"].startswith("2026-02-23T09:00:00")
    assert [step["kind"] for step in body["history"]] == ["received", "acknowledged"]
    listed = app.test_client().get("/api/v1/feedback").get_json()["data"]
    assert [row["acknowledged_at"][:19] for row in listed if row["tracking_number"] == number] == [
        "2026-02-23T09:00:00"]
    comments = app.test_client().get("/api/v1/comments").get_json()["data"]
    [summary] = [row["feedback"] for row in comments
                 if row["feedback"] and row["feedback"]["tracking_number"] == number]
    assert summary["acknowledge_by"].startswith("2026-02-24T23:59:59")
    assert summary["acknowledged_at"].startswith("2026-02-23T09:00:00")


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["受理期限", "民國115年2月24日 23:59", "2 個工作天", "受理時間", "尚未受理", "回覆期限"]),
    ("en", ["Acknowledge by", "2 working days", "Acknowledged on", "Not acknowledged yet", "Answer due"]),
])
def test_the_public_page_shows_both_clocks(app, citizen, staff, published_case, lang, words):
    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        _id, number = post(app, citizen, published_case)
    with time_machine.travel(datetime(2026, 2, 23, 9, 0, tzinfo=TAIPEI), tick=False):
        page = text_of(app.test_client().get(f"/feedback/{number}?lang={lang}"))
    for word in words:
        assert word in page, word
    assert page.index(words[0]) < page.index(words[-1])
    with time_machine.travel(datetime(2026, 2, 25, 9, 0, tzinfo=TAIPEI), tick=False):
        late = page_of(app.test_client().get(f"/feedback/{number}?lang={lang}"))
        assert ("逾期未受理" if lang == "zh" else "Acknowledgement overdue") in late
        client = app.test_client()
        login(client, staff)
        assert _acknowledge(client, number).status_code == 302
        done = text_of(app.test_client().get(f"/feedback/{number}?lang={lang}"))
    assert ("機關已受理：逾期" if lang == "zh" else "Acknowledged by the agency: late") in done
    assert ("受理時間 民國115年2月25日 09:00 · 逾期" if lang == "zh" else " · late") in done
    assert ("尚未受理" if lang == "zh" else "Not acknowledged yet") not in done


def test_the_inbox_marks_items_waiting_for_acknowledgement_without_a_query_per_row(app, citizen, staff,
                                                                                    published_case,
                                                                                    count_queries):
    client = app.test_client()

    def inbox_queries() -> tuple[int, str]:
        with count_queries() as statements:
            page = page_of(client.get("/staff/"))
        return len(statements), page

    with time_machine.travel(BEFORE_NEW_YEAR, tick=False):
        first = post(app, citizen, published_case, body="第一個問題？")[1]
    with time_machine.travel(datetime(2026, 2, 23, 9, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        one, page = inbox_queries()
        assert page.count('data-acknowledgement="waiting"') == 1
        for body in ("第二個問題？", "第三個問題？", "第四個問題？"):
            post(app, citizen, published_case, body=body)
        many, page = inbox_queries()
        assert many == one
        assert page.count('data-acknowledgement="waiting"') == 4
        assert _acknowledge(client, first).status_code == 302
        assert page_of(client.get("/staff/")).count('data-acknowledgement="waiting"') == 3
    with time_machine.travel(datetime(2026, 2, 26, 9, 0, tzinfo=TAIPEI), tick=False):
        page = page_of(client.get("/staff/"))
        assert page.count('data-acknowledgement="overdue"') == 3 and "逾期未受理" in page


def test_an_answer_acknowledges_the_item_before_answering_it(app, citizen, staff, published_case):
    _id, number = post(app, citizen, published_case)
    with app.test_request_context():
        actor = db.session.get(User, staff.id)
        feedback = queries.get_feedback(db.session, number)
        services.publish_response(db.session, feedback, actor=actor, body="已處理。")
        db.session.commit()
        assert feedback.acknowledged_at <= feedback.answered_at
    history = app.test_client().get(f"/api/v1/feedback/{number}").get_json()["history"]
    assert [step["kind"] for step in history] == ["received", "acknowledged", "answered"]


def test_an_item_from_before_the_acknowledgement_clock_shows_and_is_acknowledged_on_time(app, citizen, staff,
                                                                                       published_case):
    """The migration leaves older open items without an acknowledgement deadline: their pages,
    the inbox and the API still work, and acknowledging them counts as on time."""
    number = post(app, citizen, published_case, "升級前收到的意見")[1]
    with app.app_context():
        item_of(number).acknowledge_by = None
        db.session.commit()
    client = app.test_client()
    response = client.get(f"/feedback/{number}")
    assert response.status_code == 200
    # No acknowledgement deadline was ever set, so none is shown or said to be missed.
    assert "受理期限" not in text_of(response) and "逾期未受理" not in text_of(response)
    assert client.get(f"/api/v1/feedback/{number}").get_json()["acknowledge_by"] is None
    login(client, staff)
    assert client.get("/staff/").status_code == 200
    assert client.get(f"/staff/feedback/{number}").status_code == 200
    assert _acknowledge(client, number).status_code == 302
    with app.app_context():
        [event] = acknowledgements(number)
        assert event.data == {"on_time": True}
