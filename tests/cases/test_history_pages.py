"""The record as people and bots read it: the case page, the history pages, corrections marked on the
meeting, and /api/v1/cases/<slug>/history with its hash chain."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

from civic.accounts.models import User
from civic.cases import parts, queries, services
from civic.core.errors import DomainError
from civic.extensions import db
from tests.cases.factories import case_input, fill_parts
from tests.cases.test_views import page_of
from tests.support import login, post_form

MEETING = {"held_on": "2024-03-01", "title": "第1次會議", "place": "", "attendees": "",
           "agenda": "", "statements": "王○○：報告進度", "decisions": "每季公開會議紀錄", "follow_ups": ""}


def _meeting_id(app, slug):
    with app.app_context():
        return queries.get_case_with_parts(db.session, slug).meetings[0].id


def test_a_corrected_decision_is_marked_on_the_meeting_with_the_earlier_wording(app, client, staff,
                                                                               published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}/meetings"
    assert post_form(client, f"{base}/new", MEETING).status_code == 302
    meeting_id = _meeting_id(app, published_case)
    edit = page_of(client.get(f"{base}/{meeting_id}/edit"))
    assert 'name="reason"' in edit
    corrected = {**MEETING, "decisions": "每月公開會議紀錄", "reason": "誤植會議決議"}
    assert post_form(client, f"{base}/{meeting_id}/edit", corrected).status_code == 302

    page = page_of(client.get(f"/cases/{published_case}"))
    meeting = page.split(f'id="meeting-{meeting_id}"')[1].split("</section>")[0]
    assert "更正於 民國" in meeting and "理由：誤植會議決議" in meeting
    link = meeting.split('href="')[1].split('"')[0]
    history = page_of(client.get(link.replace("&amp;", "&")))
    anchor = link.split("#")[1]
    entry = history.split(f'id="{anchor}"')[1].split("</li>")[0]
    assert "<del>" in entry and "季" in entry.split("<del>")[1] and "<ins>" in entry
    assert "誤植會議決議" in entry and "每季公開會議紀錄" not in page.split('id="history"')[0]


def test_the_history_reads_in_english_with_labels_not_codes(app, client, staff, published_case):
    login(client, staff)
    data = {"title_zh": "臺北捷運萬大線", "title_en": "Taipei MRT Wanda Line", "slug": published_case,
            "sector": "rail", "procurement_kind": "works", "status": "completed", "county": "taipei",
            "address": "臺北市萬華區", "budget_ntd": "50000000000", "summary_zh": "連接臺北市與新北市的捷運路線。",
            "summary_en": "A metro line linking Taipei and New Taipei.", "platform_established_on": "2019-05-01",
            "reason": "完工"}
    assert post_form(client, f"/manage/cases/{published_case}/edit", data).status_code == 302
    english = page_of(client.get(f"/cases/{published_case}/history?lang=en"))
    assert "Implementation" in english and "Completed" in english
    assert "NT$" in english and "50,000,000,000" in english
    assert ">implementation<" not in english and "50000000000" not in english
    chinese = page_of(client.get(f"/cases/{published_case}/history?lang=zh_Hant_TW"))
    assert "執行中" in chinese or "施工" in chinese or "完工" in chinese
    assert "完工" in chinese and "50000000000" not in chinese


def test_the_edit_form_keeps_the_saved_sector(app, client, staff, published_case):
    login(client, staff)
    form = page_of(client.get(f"/manage/cases/{published_case}/edit"))
    assert '<option selected value="rail">' in form or '<option value="rail" selected>' in form


def test_a_budget_of_zero_is_refused(app, ctx, application, staff):
    case = queries.get_case_with_parts(db.session, application)
    with pytest.raises(DomainError) as refused:
        services.update_case(db.session, case, case_input(application, budget_ntd=0),
                             actor=db.session.get(User, staff.id))
    assert refused.value.field == "budget_ntd"


def test_the_case_page_shows_the_latest_changes_and_links_the_rest(app, client, published_case, admin):
    fill_parts(app, admin, published_case)
    page = page_of(client.get(f"/cases/{published_case}"))
    history = page.split('id="history"')[1].split('id="workshops"')[0] if 'id="workshops"' in page else \
        page.split('id="history"')[1]
    assert history.count('class="civic-change"') == 3
    assert f'href="/cases/{published_case}/history"' in history
    with app.app_context():
        case = queries.get_case_with_parts(db.session, published_case)
        head = queries.get_history_head(db.session, case.id)
        total = queries.count_history(db.session, case)
    assert head in history
    full = page_of(client.get(f"/cases/{published_case}/history"))
    assert full.count('class="civic-change"') == min(total, 20)
    assert client.get(f"/cases/{published_case}/history?page=99").status_code == 404
    assert client.get(f"/cases/{published_case}/history?page=x").status_code == 400
    assert client.get(f"/cases/{published_case}/history/1").status_code == 302
    assert client.get(f"/cases/{published_case}/history/{total + 1}").status_code == 404


def test_history_pages_of_an_unpublished_case_are_not_public(app, client, application, staff, other_agency_staff):
    assert client.get(f"/cases/{application}/history").status_code == 404
    assert client.get(f"/cases/{application}/history/1").status_code == 404
    assert client.get(f"/api/v1/cases/{application}/history").status_code == 404
    login(client, other_agency_staff)
    assert client.get(f"/cases/{application}/history").status_code == 404
    owner = app.test_client()
    login(owner, staff)
    assert owner.get(f"/cases/{application}/history").status_code == 200


def test_the_history_page_runs_the_same_queries_for_few_or_many_entries(app, client, published_case, admin,
                                                                        count_queries):
    fill_parts(app, admin, published_case)
    with count_queries() as few:
        client.get(f"/cases/{published_case}/history", headers={"Cookie": "x=1"})
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        for number in range(12):
            case = queries.get_case_with_parts(db.session, published_case)
            parts.add_member(case, parts.MemberInput(f"委員{number}", "民間團體", "civil_society"), actor=actor)
            parts.add_meeting(case, parts.MeetingInput(held_on=date(2024, 4, 1), title=f"第{number}次會議",
                                                       decisions=["公開"]), actor=actor)
        db.session.commit()
    with count_queries() as many:
        page = client.get(f"/cases/{published_case}/history", headers={"Cookie": "x=1"})
    assert page.get_data(as_text=True).count('class="civic-change"') == 20
    assert len(many) <= len(few)


def _recompute(entry: dict) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8")).hexdigest()


def test_the_api_serves_the_chain_that_anyone_can_recompute(app, client, published_case, admin):
    fill_parts(app, admin, published_case)
    entries, url = [], f"/api/v1/cases/{published_case}/history?limit=4"
    while url:
        body = client.get(url).get_json()
        entries += body["data"]
        url = body["next"]
    previous = "0" * 64
    for number, entry in enumerate(entries, 1):
        assert entry["seq"] == number and entry["previous_hash"] == previous
        assert entry["hash"] == _recompute(entry)
        assert set(entry) == {"seq", "at", "action", "part", "before", "after", "reason", "actor",
                              "previous_hash", "hash"}
        assert set(entry["actor"]) == {"role", "agency"}
        previous = entry["hash"]
    assert body["head"] == previous
    assert entries[0]["part"]["kind"] == "case" and entries[0]["before"] is None


def test_the_api_history_follows_updated_since(app, client, published_case, staff):
    body = client.get(f"/api/v1/cases/{published_case}/history").get_json()
    newest = body["data"][-1]["at"]
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        parts.add_meeting(case, parts.MeetingInput(held_on=date(2024, 3, 1), title="臨時會議"),
                          actor=db.session.get(User, staff.id))
        db.session.commit()
    since = client.get(f"/api/v1/cases/{published_case}/history",
                       query_string={"updated_since": newest}).get_json()
    assert since["data"][-1]["part"]["kind"] == "meeting" and since["data"][-1]["action"] == "created"
    assert all(entry["at"] >= newest for entry in since["data"])
    assert client.get(f"/api/v1/cases/{published_case}/history?updated_since=nonsense").status_code == 400
    assert client.get("/api/v1/cases/no-such-case/history").status_code == 404


def test_a_published_case_keeps_its_web_address(app, ctx, published_case, staff):
    case = queries.get_case_with_parts(db.session, published_case)
    with pytest.raises(DomainError) as refused:
        services.update_case(db.session, case, case_input("renamed-case"), actor=db.session.get(User, staff.id),
                             reason="改網址")
    assert refused.value.field == "slug"


def test_a_new_meeting_never_inherits_the_record_of_a_removed_one(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}/meetings"
    assert post_form(client, f"{base}/new", {**MEETING, "title": "舊會議"}).status_code == 302
    old_id = _meeting_id(app, published_case)
    corrected = {**MEETING, "title": "舊會議", "decisions": "改寫的決議", "reason": "誤植"}
    assert post_form(client, f"{base}/{old_id}/edit", corrected).status_code == 302
    remove = f"{base}/{old_id}/delete"
    assert post_form(client, remove, {"reason": "重複登錄"}, form_page=remove).status_code == 302
    assert post_form(client, f"{base}/new", {**MEETING, "title": "全新會議"}).status_code == 302
    new_id = _meeting_id(app, published_case)
    page = page_of(client.get(f"/cases/{published_case}"))
    meeting = page.split(f'id="meeting-{new_id}"')[1].split("</section>")[0]
    assert "全新會議" in meeting and "更正於" not in meeting
    history = re.sub(r"<[^>]+>", "", page_of(client.get(f"/cases/{published_case}/history")))
    assert "移除會議：舊會議" in history and "修改會議：舊會議" in history and "新增會議：全新會議" in history


def test_control_characters_never_reach_the_record_or_break_the_feed(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}/meetings"
    assert post_form(client, f"{base}/new", MEETING).status_code == 302
    meeting_id = _meeting_id(app, published_case)
    entries = len(client.get(f"/api/v1/cases/{published_case}/history?limit=500").get_json()["data"])
    # A NUL byte is refused whole, before anything runs; the record does not move.
    nul = {**MEETING, "decisions": "每月\x00公開會議紀錄", "reason": "誤植"}
    assert post_form(client, f"{base}/{meeting_id}/edit", nul).status_code == 400
    assert len(client.get(f"/api/v1/cases/{published_case}/history?limit=500").get_json()["data"]) == entries
    # Other control characters are dropped from what is kept.
    bad = {**MEETING, "decisions": "每月\x07公開\x1b會議紀錄", "reason": "誤\x08植\x0b"}
    assert post_form(client, f"{base}/{meeting_id}/edit", bad).status_code == 302
    body = client.get(f"/api/v1/cases/{published_case}/history?limit=500").get_json()
    assert body["data"][-1]["after"]["decisions"] == ["每月公開會議紀錄"] and body["data"][-1]["reason"] == "誤植"
    feed = client.get(f"/feeds/cases/{published_case}.atom")
    assert feed.status_code == 200 and "誤植" in feed.get_data(as_text=True)
