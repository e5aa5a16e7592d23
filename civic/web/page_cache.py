"""Copies of public pages for anonymous visitors.

Most of the site's traffic is people and bots reading case pages without signing in, and those
pages are the same for all of them. A view marked ``@page_cache.public`` is rendered once per
address and language, and the finished response is kept in the cache (Redis in production, so
every worker shares it) for PAGE_CACHE_SECONDS, or until a change to what those pages show is
committed. Copies are answered by a WSGI layer in front of Flask, so a copy costs two cache
reads (the generations of its tags, then the copy) and nothing else.

Each view declares the tags of what its pages show; a commit bumps the generations of the tags
of the objects it changed, so it drops only the copies that show them. Generations live in the
same store as the copies, so with Redis every worker sees a change at once. The first request
for a dropped page makes it anew; the others arriving while it does get the old copy, so a burst
of changes (workshop sign-ups) costs one page made per change, not one per reader.

Only requests without any cookie share copies: nobody signed in, no message waiting to be
shown, no form tied to one visitor. A page is kept only when it is a 200 that sets no cookie
(a page carrying a CSRF token sets one, as the token's secret goes into the session).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from civic.core.db import hook_sessions
from civic.extensions import cache

STALE = "civic.page_cache.stale"
logger = logging.getLogger(__name__)


Tags = Callable[[dict], Iterable[str]]

# Every copy carries ALL; a change whose pages cannot be told bumps it and so drops every copy.
ALL = "*"


def public(*, tags: Tags):
    """Let anonymous visitors share the pages ``view`` makes.

    ``tags`` names what a page shows, from the address's view arguments, e.g.
    ``tags=lambda args: (f"case:{args['slug']}", "agencies")``; a commit that changes one of
    those drops the page's copies and no other. The vocabulary: ``case:<slug>`` and
    ``agency:<code>`` for one case or agency, ``cases``, ``agencies``, ``feedback``,
    ``workshops`` and ``commitments`` for what lists and figures show (see civic/site/page_tags.py).
    """
    def mark(view: Callable) -> Callable:
        view.shared_with_anonymous_visitors = True
        view.page_tags = tags
        return view

    return mark


def _may_share(environ: dict) -> bool:
    return (environ["REQUEST_METHOD"] == "GET" and not environ.get("HTTP_COOKIE")
            and not environ.get("HTTP_AUTHORIZATION"))


def _address(environ: dict) -> str:
    """Where the page was asked for, its query arguments in a fixed order, and the languages the
    browser accepts (which decide the page's language when there is no cookie): one copy each."""
    query = urlencode(sorted(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)))
    parts = [environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
             environ.get("PATH_INFO", ""), query, environ.get("HTTP_ACCEPT_LANGUAGE", "")]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _version(generations: list[str]) -> str:
    """The current generations of the page's tags: a copy made under others is out of date."""
    return "\x1f".join(generations)


# While one request makes an out-of-date page anew, the others asking for it get the copy it
# replaces, rather than all making it at once (each workshop sign-up drops its case's page, which
# is then asked for by every reader at the same moment). Only for as long as that one request
# takes, and never longer than this.
REMAKING_SECONDS = 5


# A tag's generation is a random token rather than a counter: a counter that expired or was
# evicted would start again at a number its old copies were kept under. A missing generation is
# replaced by a new token, so losing one only drops copies, never brings an old one back.
GENERATION_SECONDS = 24 * 60 * 60


def _generation_key(tag: str) -> str:
    return "tag:" + tag


def _new_generation() -> str:
    return secrets.token_hex(8)


def generations(backend, tags: tuple[str, ...]) -> list[str]:
    """The current generation of each tag, read with one round trip (and one write per missing tag,
    which only happens the first time a tag is seen or after it expired)."""
    keys = [_generation_key(tag) for tag in tags]
    found = backend.get_many(*keys)
    for index, value in enumerate(found):
        if value is None:
            token = _new_generation()
            found[index] = token if backend.add(keys[index], token, timeout=GENERATION_SECONDS) \
                else backend.get(keys[index])
    return [str(value) for value in found]


def bump(tags: Iterable[str]) -> None:
    """Make the copies of every page carrying one of ``tags`` out of date: the next request for
    one makes it anew (while it does, others asking for it get the old copy)."""
    backend = current_app.extensions["cache"][cache]
    backend.set_many({_generation_key(tag): _new_generation() for tag in set(tags)},
                     timeout=GENERATION_SECONDS)


class SharedCopies:
    """WSGI layer that answers cookie-less GETs from the copies and keeps the pages marked public."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def _tags(self, environ: dict) -> tuple[str, ...] | None:
        """What the page at the address shows, when it belongs to a view marked public; None
        otherwise (the API, feeds and static files never cost a cache read)."""
        try:
            endpoint, arguments = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return None
        view = self.app.view_functions.get(endpoint)
        if not getattr(view, "shared_with_anonymous_visitors", False):
            return None
        return (ALL, *dict.fromkeys(view.page_tags(arguments)))

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        tags = self._tags(environ) if _may_share(environ) else None
        if tags is None:
            return self.wsgi_app(environ, start_response)
        backend = self.app.extensions["cache"][cache]
        address = _address(environ)
        # The generations are read before the page is made: a change committed meanwhile bumps
        # them, so a page made from data older than the change is kept as out of date.
        try:
            version = _version(generations(backend, tags))
            copy = backend.get(address)
            remaking = copy is not None and copy[0] != version and not backend.add(
                "remaking:" + address, 1, timeout=REMAKING_SECONDS)
        except Exception as error:
            logger.warning("The page cache could not be read: %s", type(error).__name__)
            return self.wsgi_app(environ, start_response)
        if copy is not None and (copy[0] == version or remaking):
            _version_kept, status, headers, body = copy
            start_response(status, list(headers))
            return [body]
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        try:
            result = self.wsgi_app(environ, keep)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        finally:
            if copy is not None:
                self._done_remaking(backend, address)
        headers = answer.get("headers", [])
        try:
            if answer.get("status", "").startswith("200 ") and not any(
                    name.lower() == "set-cookie" for name, _value in headers):
                backend.set(address, (version, answer["status"], headers, body))
            elif copy is not None:
                backend.delete(address)  # the page is gone or refused now: no old copy of it
        except Exception as error:
            logger.warning("The page cache could not be written: %s", type(error).__name__)
        return [body]

    @staticmethod
    def _done_remaking(backend, address: str) -> None:
        try:
            backend.delete("remaking:" + address)
        except Exception as error:
            logger.warning("The page cache could not be written: %s", type(error).__name__)


def reachable() -> bool:
    """Whether the store of the copies answers (always, for the in-process store)."""
    backend = current_app.extensions["cache"][cache]
    client = getattr(backend, "_write_client", None)
    if client is None:
        return True
    try:
        return bool(client.ping())
    except Exception:  # any failure of the store means it is not there
        return False


TagsOf = Callable[[Session, list[object]], set[str]]


def _everything(_session: Session, _objects: list[object]) -> set[str]:
    return {ALL}


_tags_of: TagsOf = _everything


def _note(session: Session, _flush_context) -> None:
    """Add the tags of what this flush changed to those the transaction will bump."""
    stale = session.info.setdefault(STALE, set())
    if ALL in stale:
        return
    changed = [*session.new, *(obj for obj in session.dirty if session.is_modified(obj)), *session.deleted]
    if not changed:
        return
    try:
        stale |= _tags_of(session, changed)
    except Exception:
        # A change whose pages cannot be told drops every copy rather than leave one stale.
        logger.exception("The pages a change shows could not be told")
        stale.add(ALL)


def _bump(session: Session) -> None:
    tags = session.info.pop(STALE, None)
    if tags and has_app_context():
        try:
            bump(tags)
        except Exception:
            # The change is committed; copies left behind expire after PAGE_CACHE_SECONDS.
            logger.exception("The page cache generations could not be bumped")


def _forget(session: Session, _previous) -> None:
    session.info.pop(STALE, None)


def install(*, tags_of: TagsOf) -> None:
    """Drop the copies that show what a commit changed: ``tags_of(session, objects)`` tells,
    during the flush, the tags of the objects it wrote (ALL when it cannot tell), and after the
    commit those tags are bumped.
    """
    global _tags_of
    _tags_of = tags_of
    hook_sessions(after_flush=_note, after_commit=_bump, after_soft_rollback=_forget)
