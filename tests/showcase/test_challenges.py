"""Data challenges: listed as open, coming or closed by the date in Taipei, managed by administrators
only (every role checked), their rules refused with a message, every change audited; and apps that name
the challenge they entered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.permissions import SYSTEM
from civic.extensions import db
from civic.showcase import services
from civic.showcase.models import Challenge
from tests.showcase.conftest import approve_as, edit, make_app_as, stored_app, submit
from tests.support import post_form, signed_in

FIELDS = {"title_zh": "2027 廉政資料創意競賽", "title_en": "Integrity Data Challenge 2027",
          "summary_zh": "運用廉政平臺開放資料，做出讓民眾看懂採購的作品。", "summary_en": "",
          "rules_zh": "每隊最多五人。\n作品須使用本站 API。", "rules_en": "", "prizes_zh": "首獎新臺幣十萬元",
          "prizes_en": "",
          "starts_on": "2027-01-01", "ends_on": "2027-03-31", "link": "https://challenge.example.tw/2027"}


def make_challenge(app, title: str, starts_on: date, ends_on: date) -> int:
    with app.test_request_context():
        challenge = services.create_challenge(db.session, services.ChallengeInput(
            title_zh=title, summary_zh=f"{title}的說明", starts_on=starts_on, ends_on=ends_on), actor=SYSTEM)
        db.session.commit()
        return challenge.id


def sections(page: str) -> dict[str, str]:
    """The page's text under each phase's heading."""
    current = page.split('id="current"', 1)[1]
    upcoming = current.split('id="upcoming"', 1)[1]
    past = upcoming.split('id="past"', 1)[1]
    return {"current": current.split('id="upcoming"', 1)[0], "upcoming": upcoming.split('id="past"', 1)[0],
            "past": past}


def test_challenges_are_listed_by_the_date_in_taipei(app, client, admin):
    make_challenge(app, "年底結束的競賽", date(2026, 10, 1), date(2026, 12, 31))
    make_challenge(app, "元旦開始的競賽", date(2027, 1, 1), date(2027, 1, 31))
    make_challenge(app, "二月才開始的競賽", date(2027, 2, 1), date(2027, 2, 28))
    # 16:30 on 31 December in UTC is already New Year's Day in Taipei.
    with time_machine.travel(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False):
        phases = sections(client.get("/apps/challenges").get_data(as_text=True))
    assert "元旦開始的競賽" in phases["current"] and "年底結束的競賽" not in phases["current"]
    assert "二月才開始的競賽" in phases["upcoming"]
    assert "年底結束的競賽" in phases["past"]
    # An hour earlier, the last day of the year is still current in Taipei.
    with time_machine.travel(datetime(2026, 12, 31, 15, 30, tzinfo=UTC), tick=False):
        phases = sections(client.get("/apps/challenges").get_data(as_text=True))
    assert "年底結束的競賽" in phases["current"] and "元旦開始的競賽" in phases["upcoming"]


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "moderator", "integrity_officer"])
def test_only_administrators_manage_challenges(app, request, role):
    challenge_id = make_challenge(app, "既有競賽", date(2027, 1, 1), date(2027, 1, 31))
    client = signed_in(app, request.getfixturevalue(role))
    for path in ("/admin/challenges", "/admin/challenges/new", f"/admin/challenges/{challenge_id}/edit"):
        assert client.get(path).status_code == 403, path
    assert post_form(client, "/admin/challenges/new", FIELDS, form_page="/apps").status_code == 403
    assert post_form(client, f"/admin/challenges/{challenge_id}/delete", {}, form_page="/apps").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Challenge.title_zh)) == "既有競賽"


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    assert client.get("/admin/challenges").headers["Location"].startswith("/login?next=")


def test_an_administrator_adds_changes_and_removes_a_challenge(app, client, admin):
    admin_client = signed_in(app, admin)
    assert admin_client.get("/admin/challenges/new").status_code == 200
    response = post_form(admin_client, "/admin/challenges/new", FIELDS)
    assert response.status_code == 302
    with app.app_context():
        challenge_id = db.session.scalar(select(Challenge.id))
    with time_machine.travel(datetime(2027, 2, 1, 4, 0, tzinfo=UTC), tick=False):
        page = client.get("/apps/challenges").get_data(as_text=True)
        english = client.get("/apps/challenges?lang=en").get_data(as_text=True)
    current = sections(page)["current"]
    assert "2027 廉政資料創意競賽" in current and "每隊最多五人。" in current and "首獎新臺幣十萬元" in current
    assert 'href="https://challenge.example.tw/2027"' in current
    assert "Integrity Data Challenge 2027" in english
    # No English summary: the Chinese one, marked as Chinese for screen readers.
    assert 'lang="zh-Hant-TW"' in sections(english)["current"]

    changed = {**FIELDS, "ends_on": "2027-04-30"}
    assert post_form(admin_client, f"/admin/challenges/{challenge_id}/edit", changed).status_code == 302
    assert post_form(admin_client, f"/admin/challenges/{challenge_id}/delete", {},
                     form_page="/admin/challenges").status_code == 302
    with app.app_context():
        assert db.session.get(Challenge, challenge_id) is None
        trail = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "challenge")
                                        .order_by(AuditEntry.id)))
    assert trail == ["challenge.created", "challenge.changed", "challenge.deleted"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"ends_on": "2026-12-31"}, "截止收件日不能早於開始收件日"),
    ({"starts_on": "2027-02-30"}, "請輸入正確的日期"),
    ({"title_zh": ""}, "請輸入競賽的中文名稱"),
    ({"link": "javascript:alert(1)"}, "請輸入以 https:// 或 http:// 開頭的網址"),
])
def test_a_challenge_that_breaks_a_rule_is_refused_and_nothing_is_saved(app, admin, changes, message):
    response = post_form(signed_in(app, admin), "/admin/challenges/new", {**FIELDS, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "每隊最多五人。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Challenge.id)) is None


def test_an_app_names_a_challenge_that_has_started_and_is_found_by_it(app, client, citizen, citizen_client,
                                                                       moderator):
    started = make_challenge(app, "進行中的競賽", date(2026, 1, 1), date(2099, 12, 31))
    coming = make_challenge(app, "尚未開始的競賽", date(2099, 1, 1), date(2099, 12, 31))
    form_page = citizen_client.get("/apps/submit").get_data(as_text=True)
    assert "進行中的競賽" in form_page and "尚未開始的競賽" not in form_page
    response = submit(citizen_client, challenge=str(coming))
    assert response.status_code == 422 and "請選擇列出的競賽之一" in response.get_data(as_text=True)
    assert submit(citizen_client, challenge=str(started)).status_code == 302
    entered = make_app_as(app, citizen, name="參賽作品", challenge_id=started)
    approve_as(app, moderator, entered)
    assert stored_app(app, entered).challenge_id == started
    listing = client.get(f"/apps?challenge={started}").get_data(as_text=True)
    assert "參賽作品" in listing
    assert f'href="/apps?challenge={started}"' in client.get("/apps/challenges").get_data(as_text=True)
    assert client.get("/apps?challenge=999999").status_code == 404
    assert "參賽作品" not in client.get(f"/apps?challenge={coming}").get_data(as_text=True)


def test_a_closed_challenge_takes_no_more_entries_but_an_app_that_entered_it_keeps_it(
        app, client, citizen, citizen_client, moderator):
    closed = make_challenge(app, "已截止的競賽", date(2026, 1, 1), date(2026, 6, 30))
    with time_machine.travel(datetime(2026, 3, 1, 4, 0, tzinfo=UTC), tick=False):
        entered = make_app_as(app, citizen, name="截止前參賽的作品", challenge_id=closed, today=date(2026, 3, 1))
    assert "已截止的競賽" not in citizen_client.get("/apps/submit").get_data(as_text=True)
    response = submit(citizen_client, challenge=str(closed))
    assert response.status_code == 422
    assert "該競賽已截止收件，無法再參加。" in response.get_data(as_text=True)
    citizen_client.get("/apps?lang=en")
    english = submit(citizen_client, challenge=str(closed)).get_data(as_text=True)
    assert "That challenge has closed: it takes no more entries." in english
    with app.test_request_context(), pytest.raises(services.DomainError, match="截止"):
        services.submit_app(db.session, services.AppInput(
            name="繞過表單", summary="一句話", link="https://example.org/", licence="MIT",
            endpoints=["/api/v1/cases"], challenge_id=closed), None, actor=db.session.get(User, citizen.id),
            documented=["/api/v1/cases"], today=date(2026, 12, 6))
    # The app that entered while it was open is changed and keeps it.
    form_page = citizen_client.get(f"/apps/{entered}/edit").get_data(as_text=True)
    assert f'value="{closed}" selected' in form_page
    assert edit(citizen_client, entered, challenge=str(closed)).status_code == 302
    assert stored_app(app, entered).challenge_id == closed
    # Its published apps are still found by it.
    approve_as(app, moderator, entered)
    listing = client.get("/apps").get_data(as_text=True)
    assert f'<option value="{closed}"' in listing


def test_chinese_challenge_titles_are_marked_as_chinese_on_english_pages(app, client, citizen, moderator):
    chinese_only = make_challenge(app, "只有中文名稱的競賽", date(2026, 1, 1), date(2099, 12, 31))
    app_id = make_app_as(app, citizen, name="參賽作品", challenge_id=chinese_only)
    approve_as(app, moderator, app_id)
    english = client.get(f"/apps?challenge={chinese_only}&lang=en").get_data(as_text=True)
    assert f'<option value="{chinese_only}" selected lang="zh-Hant-TW">' in english
    assert 'Apps entered in <span lang="zh-Hant-TW">只有中文名稱的競賽</span>.' in english
    assert 'Entered in <span lang="zh-Hant-TW">只有中文名稱的競賽</span>' in english
    chinese = client.get(f"/apps?challenge={chinese_only}&lang=zh_Hant_TW").get_data(as_text=True)
    assert 'lang="zh-Hant-TW"' not in chinese.split("<main", 1)[1]


def test_the_summary_hint_says_how_the_text_is_shown(app, client, admin):
    page = signed_in(app, admin).get("/admin/challenges/new").get_data(as_text=True)
    assert "純文字；每一行自成一段。" in page
    make_challenge(app, "分段的競賽", date(2026, 1, 1), date(2099, 12, 31))
    with app.test_request_context():
        challenge = db.session.scalar(select(Challenge).where(Challenge.title_zh == "分段的競賽"))
        challenge.summary_zh = "第一段\n第二段"
        db.session.commit()
    page = client.get("/apps/challenges").get_data(as_text=True)
    assert '<p class="govuk-body civic-prewrap">第一段</p>' in page
    assert '<p class="govuk-body civic-prewrap">第二段</p>' in page
