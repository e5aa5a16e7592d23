"""The notice on the report page: the default text names the rules in force; administrators publish a
new text at /admin/reports/notice, every other role is refused; a text is checked and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.errors import DomainError, PermissionDenied
from civic.core.permissions import SYSTEM
from civic.core.roles import Role
from civic.extensions import db
from civic.reports import notice
from civic.reports.models import ReportNotice
from tests.conftest import make_account
from tests.support import post_form, signed_in

PATH = "/admin/reports/notice"
NEW_ZH = "第一段。\n\n第二段：依貪污治罪條例辦理。"
NEW_EN = "First paragraph.\n\nSecond paragraph."


def notices() -> int:
    return db.session.scalar(select(func.count(ReportNotice.id)))


# The text.


def test_until_the_authority_writes_one_the_default_text_is_shown(app, ctx):
    current = notice.current_notice(db.session)
    assert current == notice.DEFAULT
    assert current.body("zh_Hant_TW") == current.body_zh and current.body("en") == current.body_en


@pytest.mark.parametrize("words", ["貪污治罪條例", "獎勵保護檢舉貪污瀆職辦法", "公益揭弊者保護法", "刑法第169條",
                                   "誣告", "政風", "廉政署", "移送檢察機關", "附理由結案", "檢舉進度頁面", "收執碼"])
def test_the_default_chinese_text_names_the_rules_and_the_steps(words):
    assert words in notice.DEFAULT.body_zh


@pytest.mark.parametrize("words", ["Anti-Corruption Act", "Regulations on Rewarding and Protecting Reporters of "
                                   "Corruption", "Public Interest Whistleblower Protection Act",
                                   "Article 169 of the Criminal Code", "integrity unit", "prosecutors",
                                   "close it with a reason", "status page"])
def test_the_default_english_text_names_the_rules_and_the_steps(words):
    assert words in notice.DEFAULT.body_en


def test_the_default_text_is_plain_paragraphs_in_both_languages():
    # Four headings, each followed by its paragraphs, the same in both languages.
    assert len(notice.DEFAULT.paragraphs("zh_Hant_TW")) == len(notice.DEFAULT.paragraphs("en")) == 9
    for locale in ("zh_Hant_TW", "en"):
        paragraphs = notice.DEFAULT.paragraphs(locale)
        assert not any(notice._CONTROL.search(p) for p in paragraphs)
        assert len(notice.DEFAULT.body(locale)) < notice.BODY_MAX


def test_the_newest_edit_is_the_notice(app, ctx, admin):
    actor = db.session.get(User, admin.id)
    notice.edit_notice(db.session, "舊的說明。", "Old text.", actor=actor)
    notice.edit_notice(db.session, NEW_ZH, NEW_EN, actor=actor)
    assert notice.current_notice(db.session) == notice.Notice(NEW_ZH, NEW_EN)
    assert notice.current_notice(db.session).paragraphs("en") == ["First paragraph.", "Second paragraph."]
    assert notices() == 2


def test_an_edit_is_audited_without_its_text(app, ctx, admin):
    row = notice.edit_notice(db.session, NEW_ZH, NEW_EN, actor=db.session.get(User, admin.id))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report_notice.edited"))
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.details) == (
        admin.id, "report_notice", str(row.id), {})
    assert row.edited_by_id == admin.id


def test_line_breaks_are_kept_as_one_character_and_surrounding_space_dropped(app, ctx):
    notice.edit_notice(db.session, "  第一段。\r\n\r\n第二段。 ", "One.\rTwo.\n", actor=SYSTEM)
    assert notice.current_notice(db.session) == notice.Notice("第一段。\n\n第二段。", "One.\nTwo.")


@pytest.mark.parametrize(("body_zh", "body_en", "field"), [
    ("", NEW_EN, "body_zh"),
    (NEW_ZH, "  \n ", "body_en"),
    ("字" * 20_001, NEW_EN, "body_zh"),
    (NEW_ZH, "A bell\x07 rings.", "body_en"),
    ("空字元\x00。", NEW_EN, "body_zh"),
])
def test_a_text_missing_too_long_or_with_control_characters_is_refused(app, ctx, body_zh, body_en, field):
    with pytest.raises(DomainError) as refused:
        notice.edit_notice(db.session, body_zh, body_en, actor=SYSTEM)
    assert refused.value.field == field
    assert notices() == 0


def test_tabs_and_a_text_of_exactly_the_limit_are_allowed(app, ctx):
    notice.edit_notice(db.session, "字" * 20_000, "Column\tcolumn", actor=SYSTEM)
    assert notices() == 1


# Who may.


@pytest.mark.parametrize("role", ["staff", "moderator", "citizen", "supplier", "integrity_officer"])
def test_the_service_refuses_every_role_but_administrators(app, request, role):
    account = request.getfixturevalue(role)
    with app.test_request_context():
        with pytest.raises(PermissionDenied):
            notice.edit_notice(db.session, NEW_ZH, NEW_EN, actor=db.session.get(User, account.id))
        with pytest.raises(PermissionDenied):
            notice.edit_notice(db.session, NEW_ZH, NEW_EN, actor=None)
        assert notices() == 0


def test_an_administrator_sees_the_current_text_and_publishes_a_new_one(app, admin):
    client = signed_in(app, admin)
    page = client.get(PATH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "檢舉頁面說明" in html and "獎勵保護檢舉貪污瀆職辦法" in html and "Whistleblower Protection Act" in html
    response = post_form(client, PATH, {"body_zh": NEW_ZH, "body_en": NEW_EN})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(PATH)
    with app.app_context():
        assert notice.current_notice(db.session) == notice.Notice(NEW_ZH, NEW_EN)
    assert "第二段：依貪污治罪條例辦理。" in client.get(PATH).get_data(as_text=True)


def test_the_administration_home_links_to_the_notice(app, admin):
    assert f'href="{PATH}"' in signed_in(app, admin).get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "other_agency_staff", "moderator", "citizen", "supplier",
                                  "integrity_officer"])
def test_every_other_role_is_refused_the_page_and_the_post(app, request, role):
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get(PATH).status_code == 403
    response = post_form(client, PATH, {"body_zh": NEW_ZH, "body_en": NEW_EN}, form_page="/")
    assert response.status_code == 403
    with app.app_context():
        assert notices() == 0


def test_an_authority_officer_is_refused_too(app):
    officer = make_account(app, "officer@aac.gov.tw", Role.integrity_officer, agency_code="A15070000")
    assert signed_in(app, officer).get(PATH).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(app):
    client = app.test_client()
    page = client.get(PATH)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    response = post_form(client, PATH, {"body_zh": NEW_ZH, "body_en": NEW_EN}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        assert notices() == 0


@pytest.mark.parametrize(("locale", "missing", "control"), [
    ("zh_Hant_TW", "請輸入英文內容。", "內容含有控制字元"),
    ("en", "Enter the text in English.", "The text holds control characters"),
])
def test_problems_are_shown_beside_their_fields_in_the_administrators_language(app, locale, missing, control):
    account = make_account(app, f"admin.{locale.lower()}@example.tw", Role.admin, locale=locale)
    client = signed_in(app, account)
    response = post_form(client, PATH, {"body_zh": "有\x07鈴聲。", "body_en": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert missing in html and control in html
    assert 'id="body_en-error"' in html and 'id="body_zh-error"' in html
    with app.app_context():
        assert notices() == 0
