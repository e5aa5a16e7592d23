"""What every template can use: dates in Taipei time, the language switch, the page language."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask, get_flashed_messages
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from civic.core import time as civic_time
from civic.core.permissions import Permission, allowed
from civic.core.roles import Role
from civic.web.locale import EN, ZH, html_lang, switch_language_url
from civic.web.paging import pagination_params

ROLE_LABELS = {
    Role.citizen: _l("Citizen"),
    Role.supplier: _l("Supplier representative"),
    Role.staff: _l("Agency staff"),
    Role.moderator: _l("Moderator"),
    Role.admin: _l("Administrator"),
    Role.integrity_officer: _l("Integrity officer"),
}


def can(permission: str) -> bool:
    """Whether the signed-in person holds ``permission``, named as in ``Permission``; a name it does not
    know is an error, not a quiet no. Reads only ``current_user``, never the database."""
    return allowed(current_user, Permission(permission))


def role_label(role: str) -> str:
    """The role's name in the page's language; a role this table does not know, as it is stored."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def current_locale() -> str:
    return str(get_locale() or ZH)


def _moment(value: datetime | str) -> datetime:
    """A datetime, or the ISO 8601 text a mail's context holds for one."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def format_date(value: datetime | str | None) -> str:
    return civic_time.format_date(_moment(value), current_locale()) if value else ""


def format_day(value: date | str | None) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return civic_time.format_day(day, current_locale()) if day else ""


def format_datetime(value: datetime | str | None) -> str:
    return civic_time.format_datetime(_moment(value), current_locale()) if value else ""


def time_tag(value: datetime | str | None, with_time: bool = False) -> Markup:
    """``<time datetime="...">`` with the date as people read it (from a datetime or its ISO text)."""
    if not value:
        return Markup("")
    value = _moment(value)
    shown = format_datetime(value) if with_time else format_date(value)
    return Markup('<time datetime="{}">{}</time>').format(
        civic_time.isoformat(value), escape(shown)
    )


ZH_TAG = html_lang(ZH)


def zh_lang() -> Markup:
    """` lang="zh-Hant"` on an element whose content is written only in Chinese (a meeting's minutes,
    a risk, an answer) when the page is in English, so screen readers read it with a Chinese voice;
    nothing on a Chinese page."""
    return Markup("") if current_locale() == ZH else Markup(' lang="{}"').format(ZH_TAG)


def zh_text(value: object) -> Markup:
    """Chinese-only text inline: wrapped in ``<span lang="zh-Hant">`` on an English page."""
    if value is None or value == "":
        return Markup("")
    if current_locale() == ZH:
        return escape(value)
    return Markup('<span lang="{}">{}</span>').format(ZH_TAG, value)


def zh_unless(value: object, english: object) -> Markup:
    """A name or title that has an English version and falls back to Chinese (``agency.name(locale)``
    with ``agency.name_en``): marked as ``|zh`` marks it only when ``english`` is empty, that is
    when the Chinese is what an English page shows."""
    return escape(value) if english else zh_text(value)


# A run of Chinese: Han characters and CJK or full-width punctuation, with digits and spaces inside it.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
ZH_RUN = re.compile(rf"[{_CJK}](?:[{_CJK}0-9 ]*[{_CJK}])?")
# A run of English: two words or more, parted by spaces (a lone code or abbreviation is at home in
# Chinese text); never part of an address (name@agency.gov.tw, a path) or of an escaped &amp;.
EN_RUN = re.compile(r"(?<![&#@/.\w-])[A-Za-z][A-Za-z0-9'’-]*(?:[,;:!?().\"]*\s+[(\"]*[A-Za-z0-9][A-Za-z0-9'’-]*)+"
                    r"(?![@/\w-]|\.\w)")
_TAG = re.compile(r"(<[^>]*>)")


def language_runs(value: object) -> Markup:
    """Text that runs one language into the other (a search snippet, a line of the audit trail):
    each run in the language the page is not in is wrapped in ``<span lang>``, runs of Chinese on
    an English page and runs of English words on a Chinese one. Markup already in ``value``
    (``<mark>``) is kept; a run is cut where a tag stands."""
    html = escape(value)
    chinese_page = current_locale() == ZH
    run = EN_RUN if chinese_page else ZH_RUN
    span = Markup('<span lang="{}">').format("en" if chinese_page else ZH_TAG)
    parts = _TAG.split(html)
    marked = "".join(part if index % 2 else run.sub(lambda found: f"{span}{found.group()}</span>", part)
                     for index, part in enumerate(parts))
    return Markup(marked)  # noqa: S704 - escaped above; only spans added between its tags


def context() -> dict[str, object]:
    locale = current_locale()
    other = EN if locale == ZH else ZH
    return {
        "current_locale": locale,
        "html_lang": html_lang(locale),
        "other_locale": other,
        "other_locale_name": "English" if other == EN else "中文",
        "other_locale_tag": html_lang(other),
        "switch_language_url": lambda: switch_language_url(other),
        "flashes": lambda: get_flashed_messages(with_categories=True),
    }


def init_app(app: Flask) -> None:
    app.context_processor(context)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(zh_text, "zh")
    app.add_template_filter(zh_unless, "zh_unless")
    app.add_template_filter(language_runs, "language_runs")
    app.add_template_global(zh_lang)
    app.add_template_global(time_tag)
    app.add_template_global(pagination_params)
    app.add_template_global(role_label)
    app.add_template_global(can)
