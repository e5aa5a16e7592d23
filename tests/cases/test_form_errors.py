"""Case forms over HTTP, in both languages: one submission shows every problem, the case rules of
the services included (the web address, both coordinates, amounts, dates, the 統一編號)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from civic.cases.models import Case
from civic.core.time import utcnow
from civic.extensions import db
from tests.support import login, post_form

APPLICATION = {
    "title_zh": "新竹污水下水道", "title_en": "Hsinchu sewerage", "slug": "hsinchu-sewer",
    "sector": "water", "procurement_kind": "works", "status": "preparation", "county": "hsinchu",
    "address": "竹北市", "budget_ntd": "150,000,000", "summary_zh": "污水系統", "summary_en": "Sewers",
    "platform_established_on": "", "reason": "地方關注度高",
}
LANGUAGES = ["zh_Hant_TW", "en"]


def signed_in(app, account, locale: str):
    client = app.test_client()
    login(client, account)
    if locale == "en":
        client.get("/?lang=en")
    return client


def assert_all_shown(app, response, locale: str, *messages: str) -> None:
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    with app.test_request_context(), force_locale(locale):
        for message in messages:
            assert gettext(message) in page, message


@pytest.mark.parametrize("locale", LANGUAGES)
def test_an_application_shows_every_problem_at_once(app, staff, locale):
    client = signed_in(app, staff, locale)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = post_form(client, "/staff/cases/apply", {
        **APPLICATION, "title_zh": "", "slug": "Hsinchu Sewer", "budget_ntd": "0", "latitude": "24.8",
        "platform_established_on": tomorrow})
    assert_all_shown(app, response, locale, "Enter the title in Chinese.",
                     "Use lower-case letters, digits and hyphens for the web address, like taipei-mrt-wanda.",
                     "Enter an amount above zero, or leave it empty if it is not known yet.",
                     "Enter both latitude and longitude, or neither.",
                     "The platform cannot have been set up in the future.")
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_meeting_shows_every_problem_at_once(app, staff, published_case, locale):
    client = signed_in(app, staff, locale)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = post_form(client, f"/manage/cases/{published_case}/meetings/new", {
        "held_on": tomorrow, "title": "", "statements": "只有內容沒有發言人"})
    assert_all_shown(app, response, locale, "Record meetings once they have been held.",
                     "Enter the title of the meeting.",
                     "Write each statement as “speaker: what was said”, one per line.")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_contract_shows_a_wrong_number_with_the_other_problems(app, staff, published_case, locale):
    client = signed_in(app, staff, locale)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = post_form(client, f"/manage/cases/{published_case}/contracts/new", {
        "title": "", "ubn": "12345678", "company_name": "某公司", "award_value_ntd": "100",
        "awarded_on": tomorrow})
    assert_all_shown(app, response, locale, "Enter the contract's title.",
                     "The award date cannot be in the future.")
    with app.test_request_context(), force_locale(locale):
        assert gettext("%(ubn)s is not a valid unified business number (統一編號).", ubn="12345678") in \
            html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_speaker_s_name_longer_than_the_record_holds_is_explained(app, staff, published_case, locale):
    client = signed_in(app, staff, locale)
    response = post_form(client, f"/manage/cases/{published_case}/meetings/new", {
        "held_on": "2024-03-01", "title": "第1次會議", "statements": f"{'王' * 201}：報告進度"})
    with app.test_request_context(), force_locale(locale):
        message = gettext("A speaker's name can be at most %(limit)d characters.", limit=200)
    assert response.status_code == 422 and message in html.unescape(response.get_data(as_text=True))


def test_a_meeting_before_the_platform_names_the_day_as_people_read_it(app, staff, published_case):
    with app.app_context():
        established = db.session.scalar(select(Case.platform_established_on).where(Case.slug == published_case))
    if established is None:
        pytest.skip("the published case has no platform date")
    client = signed_in(app, staff, "zh_Hant_TW")
    earlier = (established - timedelta(days=1)).isoformat()
    page = post_form(client, f"/manage/cases/{published_case}/meetings/new", {
        "held_on": earlier, "title": "會議"}).get_data(as_text=True)
    assert established.isoformat() not in page
    assert f"民國{established.year - 1911}年{established.month}月{established.day}日" in page
