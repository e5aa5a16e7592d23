"""What the write API takes, the staff forms can hold: a meeting's attendees, statements and decisions
fit their boxes one a line (no line break in an item, no colon in a speaker's name, the boxes' total
lengths), and a workshop's questions one a line. The rules are the services' own, asked by both. A
refusal names the body's field, even where the service calls it otherwise."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.cases.models import Meeting
from civic.core.time import utcnow
from civic.extensions import db
from civic.workshops.models import Workshop
from tests.support import post_form, signed_in

MEETING = {"held_on": "2024-03-01", "title": "第1次會議", "attendees": ["王○○, 捷運局"],
           "statements": [{"speaker": "王○○", "content": "報告進度"}], "decisions": ["每季公開會議紀錄"]}
# (what a meeting's body holds instead, the field named, the message in Chinese)
TOO_MUCH_FOR_THE_FORM = [
    ({"attendees": ["王○○, 捷運局\n林○○, 廉政署"]}, "attendees", "每位出席者請寫成一行"),
    ({"attendees": ["王○○\u2028林○○"]}, "attendees", "每位出席者請寫成一行"),
    ({"decisions": ["每季公開\r會議紀錄"]}, "decisions", "每項決議請寫成一行"),
    ({"statements": [{"speaker": "王○○", "content": "第一段\n第二段"}]}, "statements", "每則發言請寫成一行"),
    ({"statements": [{"speaker": "王\n○○", "content": "報告"}]}, "statements", "每則發言請寫成一行"),
    ({"statements": [{"speaker": "主席: 王○○", "content": "報告"}]}, "statements", "發言人名稱不能含有冒號"),
    ({"statements": [{"speaker": "主席：王○○", "content": "報告"}]}, "statements", "發言人名稱不能含有冒號"),
    ({"attendees": ["出" * 199] * 41}, "attendees", "全部合計最多 8,000 個字元"),
    ({"decisions": ["決" * 2000] * 5}, "decisions", "全部合計最多 8,000 個字元"),
    ({"statements": [{"speaker": "王○○", "content": "說" * 4000}] * 6}, "statements", "全部合計最多 20,000 個字元"),
]


def meetings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Meeting.id)))


@pytest.mark.parametrize(("change", "field", "message"), TOO_MUCH_FOR_THE_FORM,
                         ids=[f"meeting-{number}" for number in range(len(TOO_MUCH_FOR_THE_FORM))])
def test_a_meeting_the_form_could_not_hold_is_refused(app, staff_api, published_case, change, field, message):
    staff_api.lang = "zh-TW"
    base = f"/api/v1/cases/{published_case}/meetings"
    refused = staff_api.post(base, {**MEETING, **change})
    assert refused.status_code == 422, refused.get_json()
    fields = refused.get_json()["error"]["fields"]
    assert list(fields) == [field] and message in fields[field][0]
    assert meetings(app) == 0
    made = staff_api.post(base, MEETING)
    assert made.status_code == 201
    changed = staff_api.patch(f"{base}/{made.get_json()['id']}", {**change, "reason": "補正"})
    assert changed.status_code == 422 and list(changed.get_json()["error"]["fields"]) == [field]


# Boxes filled to the last character, as a browser sends them (each line break CR LF): 8,000 characters
# of attendees, 8,000 of decisions, 20,000 of statements ("王○○：" and what was said).
BRIM = {"attendees": ["出" * 199] * 39 + ["出" * 161], "decisions": ["決" * 2000] * 3 + ["決" * 1994],
        "statements": [{"speaker": "王○○", "content": "說" * 3995}] * 4 + [{"speaker": "王○○", "content": "說" * 3992}]}


def test_a_meeting_that_fills_the_form_s_boxes_to_the_brim_is_taken_and_no_more(app, staff, staff_api,
                                                                                 published_case):
    base = f"/api/v1/cases/{published_case}/meetings"
    made = staff_api.post(base, {**MEETING, **BRIM})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["decisions"] == BRIM["decisions"]
    # The staff form shows it and takes it back unchanged, as a browser sends it.
    client = signed_in(app, staff)
    path = f"/manage/cases/{published_case}/meetings/{made.get_json()['id']}/edit"
    page = client.get(path).get_data(as_text=True)
    boxes = {name: html.unescape(re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)[1])
             for name in BRIM}
    sent = {name: text.strip("\r\n").replace("\r\n", "\n").replace("\n", "\r\n") for name, text in boxes.items()}
    assert [len(text) for text in sent.values()] == [8000, 8000, 20000]
    again = post_form(client, path, {**sent, "held_on": "2024-03-01", "title": "第1次會議", "reason": "原樣存檔"})
    assert again.status_code == 302, again.get_data(as_text=True)[-2000:]
    over = {"attendees": [*BRIM["attendees"][:-1], "出" * 162], "decisions": [*BRIM["decisions"][:-1], "決" * 1995],
            "statements": [*BRIM["statements"][:-1], {"speaker": "王○○", "content": "說" * 3993}]}
    for name, items in over.items():
        refused = staff_api.post(base, {**MEETING, **BRIM, name: items})
        assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == [name]


def workshop_body(**changes) -> dict:
    start = (utcnow() + timedelta(days=9)).replace(microsecond=0)
    return {"title": "說明會", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
            "capacity": 20, "location": "區公所", **changes}


def test_a_workshop_question_with_a_line_break_is_refused(app, staff_api):
    refused = staff_api.post("/api/v1/workshops", workshop_body(questions=["您住在哪一里？\n有無障礙需求嗎？"]))
    assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == ["questions"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Workshop.id))) == 0
    assert staff_api.post("/api/v1/workshops", workshop_body(questions=["您住在哪一里？"])).status_code == 201


def test_a_refusal_names_the_body_s_field_where_the_service_names_it_otherwise(app, staff_api, published_case):
    base = f"/api/v1/cases/{published_case}"
    contract = staff_api.post(f"{base}/contracts", {"title": "CQ850 標", "ubn": "90000006", "company_name": "示範營造",
                                                    "award_value_ntd": 1000000, "tender_id": 999999})
    assert contract.status_code == 422 and list(contract.get_json()["error"]["fields"]) == ["tender_id"]
    after_the_start = (utcnow() + timedelta(days=10)).replace(microsecond=0).isoformat()
    late = staff_api.post("/api/v1/workshops", workshop_body(signup_deadline_at=after_the_start))
    assert late.status_code == 422 and list(late.get_json()["error"]["fields"]) == ["signup_deadline_at"]
    made = staff_api.post("/api/v1/workshops", workshop_body())
    changed = staff_api.patch(f"/api/v1/workshops/{made.get_json()['id']}",
                              {"signup_deadline_at": after_the_start})
    assert changed.status_code == 422 and list(changed.get_json()["error"]["fields"]) == ["signup_deadline_at"]
