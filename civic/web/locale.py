"""Which language a page is in: ``?lang=``, then the visit, the account, the browser.

The catalog folders, the value returned here and the names matched against Accept-Language
are all ``zh_Hant_TW`` / ``en``, so a browser asking for zh-TW really gets Chinese.
"""

from __future__ import annotations

from functools import cache

from babel import support
from flask import Flask, current_app, has_request_context, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

ZH = "zh_Hant_TW"
EN = "en"


def normalize_locale(value: str | None) -> str | None:
    """Map what people and browsers write (zh-TW, zh-Hant, en-US, ...) to a catalog name."""
    if not value:
        return None
    value = value.strip().replace("-", "_").lower()
    if value.startswith("zh"):
        return ZH
    if value.startswith("en"):
        return EN
    return None


def select_locale() -> str:
    if not has_request_context():
        # Commands and workers: the default, unless a caller forces a locale.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = normalize_locale(session.get("lang"))
    if chosen:
        return chosen
    if current_user and current_user.is_authenticated:
        chosen = normalize_locale(current_user.locale)
        if chosen:
            return chosen
    for language, _quality in request.accept_languages:
        chosen = normalize_locale(language)
        if chosen:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_requested_language() -> None:
    """Keep ``?lang=`` for the rest of the visit."""
    chosen = normalize_locale(request.args.get("lang"))
    if chosen and session.get("lang") != chosen:
        session["lang"] = chosen


@cache
def _traditional_form_messages() -> support.Translations:
    return support.Translations.load(messages_path(), ["zh_TW"], domain="wtforms")


def use_traditional_form_messages() -> None:
    """WTForms' own messages (a choice that was not offered, a bad CSRF token) in Traditional Chinese.

    Flask-WTF looks WTForms' catalog up by the page's locale, and for zh_Hant_TW it falls back
    to WTForms' zh catalog, which is Simplified Chinese. It keeps the catalog it found on the
    request, so handing it the zh_TW one first is enough.
    """
    if str(get_locale()) == ZH:
        request.wtforms_translations = _traditional_form_messages()


def html_lang(locale: str) -> str:
    """The BCP 47 tag for ``<html lang>``."""
    return "zh-Hant-TW" if locale == ZH else "en"


def switch_language_url(target: str) -> str:
    """The current page with ``lang`` set to ``target``, other query arguments kept."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [target]
    endpoint = request.endpoint or "site.home"
    return url_for(endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.before_request(remember_requested_language)
    app.before_request(use_traditional_form_messages)
