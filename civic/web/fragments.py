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
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g
from markupsafe import Markup

from civic.extensions import cache
from civic.web import page_cache
from civic.web.templating import current_locale

logger = logging.getLogger(__name__)

# Where ``prefetch`` leaves what it read for this request.
MEMO = "civic_fragments"


@dataclass(frozen=True)
class Fragment:
    """Which fragment: its ``name``, the ``tags`` of what it shows and what else it depends on
    (``vary``, e.g. the case and the page of its thread)."""

    name: str
    tags: tuple[str, ...]
    vary: tuple[object, ...] = ()


def _key(fragment: Fragment, locale: str, generations: list[str]) -> str:
    parts = [fragment.name, locale, *(str(value) for value in fragment.vary), *generations]
    return "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _all_tags(fragment: Fragment) -> tuple[str, ...]:
    return (page_cache.ALL, *dict.fromkeys(fragment.tags))


def prefetch(*wanted: Fragment) -> None:
    """Read the kept copies of the fragments one page is about to use in two round trips (the
    generations of all their tags, then the copies) instead of two for each; ``cached`` then
    finds them in this request's memo. The store being away leaves ``cached`` to try alone."""
    backend = current_app.extensions["cache"][cache]
    try:
        tags = tuple(dict.fromkeys(tag for fragment in wanted for tag in _all_tags(fragment)))
        current = dict(zip(tags, page_cache.generations(backend, tags), strict=True))
        keys = {fragment: _key(fragment, current_locale(), [current[tag] for tag in _all_tags(fragment)])
                for fragment in wanted}
        found = backend.get_many(*keys.values())
    except Exception as error:
        logger.warning("Page fragments could not be read: %s", type(error).__name__)
        return
    memo = g.setdefault(MEMO, {})
    for (fragment, key), kept in zip(keys.items(), found, strict=True):
        memo[fragment] = (key, kept)


def cached(fragment: Fragment, make: Callable[[], str]) -> Markup:
    """The ``fragment`` in the current language, made by ``make`` when no current copy is kept.

    ``make`` renders one of our templates, so what it returns and what is kept is HTML that is
    already escaped. The store being away costs only speed: the fragment is then made anew.
    """
    backend = current_app.extensions["cache"][cache]
    read = g.get(MEMO, {}).pop(fragment, None)
    if read is None:
        try:
            key = _key(fragment, current_locale(), page_cache.generations(backend, _all_tags(fragment)))
            kept = backend.get(key)
        except Exception as error:
            logger.warning("A page fragment could not be read: %s", type(error).__name__)
            return Markup(make())  # noqa: S704 - a rendered template
    else:
        key, kept = read
    if kept is not None:
        return Markup(kept)  # noqa: S704 - a rendered template
    made = str(make())
    try:
        backend.set(key, made)
    except Exception as error:
        logger.warning("A page fragment could not be kept: %s", type(error).__name__)
    return Markup(made)  # noqa: S704 - a rendered template
