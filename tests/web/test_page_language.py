"""Every page speaks one language: WTForms' own messages and the hidden "Error:" before a field's
error come in the page's language, date fields do not ask for a format the date picker does not
show, Chinese-only content on an English page (and English runs on a Chinese one) carries its
own lang, and Chinese text uses full-width punctuation. Over HTTP, in both languages.
"""

from __future__ import annotations

import importlib
import re
from html import unescape

import pytest
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from civic.web.forms import DayField, PlainForm
from tests.feedback.conftest import post
from tests.feedback.test_follow_up import answer
from tests.support import login
from tests.workshops.conftest import hold

ZH_SPAN = '<span lang="zh-Hant-TW">'
HAN = re.compile(r"[\u3400-\u9fff]")


def visible(html: str) -> str:
    """The page's text without tags, scripts or styles, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_errors(html: str) -> list[str]:
    """The inside of every GOV.UK field error on the page, spaces collapsed."""
    return [" ".join(found.split()) for found in re.findall(r'class="govuk-error-message"[^>]*>(.*?)</p>', html, re.S)]


# WTForms' own messages.


class Row(PlainForm):
    name = StringField(validators=[DataRequired()])


class Everything(PlainForm):
    required = StringField(validators=[DataRequired()])
    typed = StringField(validators=[InputRequired()])
    email = StringField(validators=[Email(check_deliverability=False)])
    short = StringField(validators=[Length(max=3)])
    small = IntegerField(validators=[NumberRange(min=1, max=5)])
    whole = IntegerField()
    decimal = DecimalField()
    day = DateField()
    pick = SelectField(choices=[SelectChoice("a", "A")])
    listed = StringField(validators=[AnyOf(["x"])])
    maybe = StringField(validators=[Optional(), Length(max=2)])
    code = StringField(validators=[Regexp(r"^[a-z]+$")])
    rows = FieldList(FormField(Row), min_entries=1)


class PostedEverything(FlaskForm, Everything):
    class Meta:
        csrf = False


SENT = MultiDict({"required": "", "typed": "", "email": "not-an-address", "short": "abcd", "small": "9",
                  "whole": "many", "decimal": "some", "day": "soon", "pick": "b", "listed": "y", "maybe": "abc",
                  "code": "A1", "rows-0-name": ""})
ENGLISH = {"This field is required.", "Invalid email address.", "Not a valid choice.", "Not a valid integer value.",
           "Not a valid decimal value.", "Not a valid date value.", "Number must be between 1 and 5.",
           "Field cannot be longer than 3 characters.", "Field cannot be longer than 2 characters.",
           "Invalid value, must be one of: x.", "Invalid input."}


def _messages(form) -> list[str]:
    found = []
    for errors in form.errors.values():
        for error in errors:
            found += [message for row in error.values() for message in row] if isinstance(error, dict) else [error]
    return found


@pytest.mark.parametrize("form_class", [Everything, PostedEverything])
def test_wtforms_own_messages_are_in_traditional_chinese_on_a_chinese_page(app, form_class):
    with app.test_request_context("/", headers={"Accept-Language": "zh-TW"}):
        app.preprocess_request()
        form = form_class(formdata=SENT)
        assert not form.validate()
        messages = _messages(form)
    assert len(messages) == 13, messages
    for message in messages:
        assert HAN.search(message) and message not in ENGLISH, message
    assert "不是有效的選擇。" in messages and "此欄位是必需的。" in messages
    # Traditional, not the Simplified catalog WTForms would fall back to for zh.
    assert not any(simplified in "".join(messages) for simplified in ("选择", "无效", "数"))


@pytest.mark.parametrize("form_class", [Everything, PostedEverything])
def test_wtforms_own_messages_are_in_english_on_an_english_page(app, form_class):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        form = form_class(formdata=SENT)
        assert not form.validate()
        messages = _messages(form)
    assert set(messages) == ENGLISH
    assert not any(HAN.search(message) for message in messages)


def test_a_choice_not_offered_is_refused_in_the_pages_language(client):
    chinese = client.get("/cases?year=1900").get_data(as_text=True)
    assert "不是有效的選擇。" in chinese and "Not a valid choice" not in chinese
    english = client.get("/cases?year=1900&lang=en").get_data(as_text=True)
    assert "Not a valid choice." in english and "不是有效的選擇" not in english


def test_a_form_sent_without_its_security_token_is_refused_in_the_pages_language(app):
    chinese = app.test_client().post("/login", data={"email": "a@example.tw", "password": "x"})
    assert chinese.status_code == 400
    text = visible(chinese.get_data(as_text=True))
    assert "CSRF" not in text and "security token" not in text and "token" not in text.lower()
    english_client = app.test_client()
    english_client.get("/?lang=en")
    english = english_client.post("/login", data={"email": "a@example.tw", "password": "x"})
    assert english.status_code == 400
    assert "security token" in english.get_data(as_text=True)


# The hidden word before a field's error.


def test_a_fields_error_is_announced_in_the_pages_language(client):
    chinese = field_errors(client.get("/cases?year=1900").get_data(as_text=True))
    assert chinese == ['<span class="govuk-visually-hidden">錯誤：</span> 不是有效的選擇。']
    english = field_errors(client.get("/cases?year=1900&lang=en").get_data(as_text=True))
    assert english == ['<span class="govuk-visually-hidden">Error:</span> Not a valid choice.']


def test_the_error_macro_keeps_a_callers_own_hidden_word(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        macro = app.jinja_env.get_template("govuk_frontend_jinja/components/error-message/macro.html").module
        own = str(macro.govukErrorMessage({"text": "Too long", "visuallyHiddenText": "Problem"}))
        none = str(macro.govukErrorMessage({"text": "Too long", "visuallyHiddenText": False}))
    assert '<span class="govuk-visually-hidden">Problem:</span>' in own
    assert "govuk-visually-hidden" not in none and "Too long" in none


# Date fields: the browser's date picker shows the date its own way, so no label asks for YYYY-MM-DD.


DATE_FORMS = ("civic.admin.forms", "civic.cases.forms", "civic.commitments.forms", "civic.feedback.forms",
              "civic.search.forms")


def _date_labels():
    for name in DATE_FORMS:
        module = importlib.import_module(name)
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, PlainForm | FlaskForm)):
                continue
            for attribute, unbound in vars(form).items():
                kind = getattr(unbound, "field_class", None)
                if isinstance(kind, type) and issubclass(kind, DateField | DayField):
                    yield f"{name}.{form.__name__}.{attribute}", unbound.args[0] if unbound.args \
                        else unbound.kwargs.get("label")


def test_no_date_label_asks_for_a_format(app):
    labels = list(_date_labels())
    assert len(labels) >= 10, labels
    for language in ("zh-TW", "en"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            for where, label in labels:
                assert not re.search("yyyy|mm|dd", str(label), re.I), (where, str(label))


@pytest.mark.parametrize(("language", "since", "until"), [("zh_Hant_TW", "起日", "迄日"), ("en", "From", "Until")])
def test_the_search_dates_are_date_pickers_labelled_in_the_pages_language(client, language, since, until):
    page = client.get(f"/search?lang={language}").get_data(as_text=True)
    for name, label in (("since", since), ("until", until)):
        assert re.search(rf'<label class="govuk-label" for="{name}">\s*{label}\s*</label>', page), name
        assert re.search(rf'<input[^>]*id="{name}"[^>]*type="date"|<input[^>]*type="date"[^>]*id="{name}"', page)
    assert "YYYY" not in page


def test_the_audit_trails_dates_are_labelled_without_a_format(app, admin):
    client = app.test_client()
    login(client, admin)
    for language in ("zh_Hant_TW", "en"):
        page = client.get(f"/admin/audit?lang={language}").get_data(as_text=True)
        assert 'type="date"' in page and "YYYY" not in page


# Chinese-only content on an English page, and nothing marked on a Chinese one.


def _element(page: str, tag: str, css_class: str) -> str:
    match = re.search(rf'<{tag} class="{css_class}"[^>]*>', page)
    assert match, css_class
    return match.group()


def test_a_workshop_written_in_chinese_is_marked_on_an_english_page(app, staff):
    workshop_id = hold(app, staff)
    client = app.test_client()
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    assert 'lang="zh-Hant-TW"' in _element(page, "h1", "govuk-heading-xl")
    # The agency has no English name, so its Chinese one is what the page shows.
    assert f"{ZH_SPAN}測試機關 A00000001</span>" in page
    assert f"{ZH_SPAN}臺北市萬華區西園路二段 1 號</span>" in page
    assert 'lang="zh-Hant-TW"' in _element(page, "div", "govuk-body civic-prose")
    listing = client.get("/workshops?lang=en").get_data(as_text=True)
    assert f"{ZH_SPAN}萬大線施工交通維持工作坊</span>" in listing

    chinese = client.get(f"/workshops/{workshop_id}?lang=zh_Hant_TW").get_data(as_text=True)
    assert ZH_SPAN not in chinese
    assert "lang=" not in _element(chinese, "h1", "govuk-heading-xl")


def test_comments_and_answers_are_marked_and_english_titles_are_not(app, citizen, staff, published_case):
    number = post(app, citizen, published_case, "請問工程進度？")[1]
    answer(app, staff, number, "進度已公告於本局網站。", unit="工務科")
    client = app.test_client()
    page = client.get(f"/feedback/{number}?lang=en").get_data(as_text=True)
    assert re.search(r'<div class="govuk-body civic-prose civic-comment__body" lang="zh-Hant-TW">\s*<p>請問工程進度？',
                     page)
    assert re.search(r'<div class="govuk-body civic-prose" lang="zh-Hant-TW">\s*<p>進度已公告於本局網站。', page)
    assert f"· {ZH_SPAN}工務科</span>" in page
    # The case has an English title: shown as it is.
    assert ">Taipei MRT Wanda Line</a>" in page

    chinese = client.get(f"/feedback/{number}?lang=zh_Hant_TW").get_data(as_text=True)
    assert ZH_SPAN not in chinese and 'civic-comment__body" lang' not in chinese


def test_search_snippets_mark_the_other_languages_runs(app, citizen, published_case):
    post(app, citizen, published_case, "請問工程進度？")
    client = app.test_client()
    english = client.get("/search?q=工程進度&lang=en").get_data(as_text=True)
    assert f"{ZH_SPAN}請問</span><mark>{ZH_SPAN}工程進度</span></mark>{ZH_SPAN}？</span>" in english
    assert f"{ZH_SPAN}臺北捷運萬大線</span>" in english
    chinese = client.get("/search?q=metro&lang=zh_Hant_TW").get_data(as_text=True)
    assert '<span lang="en">A </span>' not in chinese
    assert re.search(r'<span lang="en">A <mark>metro</mark>', chinese) is None
    assert '<span lang="en">line linking Taipei and New Taipei</span>' in chinese
    assert ZH_SPAN not in chinese


# Full-width punctuation in Chinese.


CATALOG = "civic/translations/zh_Hant_TW/LC_MESSAGES/messages.po"
HALF_WIDTH_AFTER_CHINESE = re.compile(r"[\u3400-\u9fff][:;,!?(]|[:;,!?)][\u3400-\u9fff]|%\([a-z_]+\)[sd]: ")


def test_chinese_translations_use_full_width_punctuation():
    with open(CATALOG, "rb") as file:
        catalog = read_po(file, locale="zh_Hant_TW")
    wrong = []
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [text for text in texts if text and HALF_WIDTH_AFTER_CHINESE.search(text)]
    assert wrong == []


def test_the_history_of_an_item_uses_a_full_width_colon_in_chinese(app, citizen, staff, published_case):
    number = post(app, citizen, published_case)[1]
    answer(app, staff, number, "已處理。")
    client = app.test_client()
    history = visible(client.get(f"/feedback/{number}").get_data(as_text=True)).split("處理紀錄", 1)[-1]
    assert "：" in history and not re.search(r"[\u3400-\u9fff] ?: ", history)
    english = visible(client.get(f"/feedback/{number}?lang=en").get_data(as_text=True)).split("History", 1)[-1]
    assert ": " in english and "：" not in english


def test_a_search_is_titled_with_a_full_width_colon_in_chinese(client):
    assert "<title>搜尋：捷運" in client.get("/search?q=捷運").get_data(as_text=True)
    assert "<title>Search: metro" in client.get("/search?q=metro&lang=en").get_data(as_text=True)
