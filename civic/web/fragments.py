"""Rendered parts of pages, kept for everyone: the case's record on its page, the list of cases.

The shared page copies (civic/web/page_cache.py) serve only visitors without a cookie; a signed-in
citizen, a clerk or a moderator gets every page made anew. Most of such a page is the same for
everyone who reads it in the same language (a case's disclosure, a page of the case list), so
that part is rendered once and kept in the page cache's store, beside the copies.

A fragment carries tags like a shared copy (``case-record:<slug>``, ``cases``, ``agencies``...,
see civic/site/page_tags.py) and its key holds their current generations, so a commit that
changes what it shows makes it unreachable at once. Nothing tied to one visitor (a form with a
CSRF token, what they may edit, whether they follow) may go into a fragment.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

from flask import current_app
from markupsafe import Markup

from civic.extensions import cache
from civic.web import page_cache
from civic.web.templating import current_locale

logger = logging.getLogger(__name__)


def _key(name: str, locale: str, vary: Iterable[object], generations: list[str]) -> str:
    parts = [name, locale, *(str(value) for value in vary), *generations]
    return "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached(name: str, *, tags: Iterable[str], vary: Iterable[object] = (),
           make: Callable[[], str]) -> Markup:
    """The fragment ``name`` in the current language for ``vary`` (what else it depends on, e.g.
    the query string), made by ``make`` when no current copy is kept.

    ``make`` renders one of our templates, so what it returns and what is kept is HTML that is
    already escaped. The store being away costs only speed: the fragment is then made anew.
    """
    backend = current_app.extensions["cache"][cache]
    try:
        key = _key(name, current_locale(), vary,
                   page_cache.generations(backend, (page_cache.ALL, *dict.fromkeys(tags))))
        kept = backend.get(key)
    except Exception as error:
        logger.warning("A page fragment could not be read: %s", type(error).__name__)
        return Markup(make())  # noqa: S704 - a rendered template
    if kept is not None:
        return Markup(kept)  # noqa: S704 - a rendered template
    made = str(make())
    try:
        backend.set(key, made)
    except Exception as error:
        logger.warning("A page fragment could not be kept: %s", type(error).__name__)
    return Markup(made)  # noqa: S704 - a rendered template
