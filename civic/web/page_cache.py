"""Copies of public pages for anonymous visitors.

Most of the site's traffic is people and bots reading case pages without signing in, and those
pages are the same for all of them. A view marked ``@page_cache.public`` is rendered once per
address and language, and the finished response is kept in the cache (Redis in production, so
every worker shares it) for PAGE_CACHE_SECONDS, or until a change to what those pages show is
committed. Copies are answered by a WSGI layer in front of Flask, so a copy costs one cache
read and nothing else.

Only requests without any cookie share copies: nobody signed in, no message waiting to be
shown, no form tied to one visitor. A page is kept only when it is a 200 that sets no cookie
(a page carrying a CSRF token sets one, as the token's secret goes into the session).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from civic.extensions import cache

STALE = "civic.page_cache.stale"
logger = logging.getLogger(__name__)


def public(view: Callable) -> Callable:
    """Let anonymous visitors share the pages ``view`` makes."""
    view.shared_with_anonymous_visitors = True
    return view


def _may_share(environ: dict) -> bool:
    return (environ["REQUEST_METHOD"] == "GET" and not environ.get("HTTP_COOKIE")
            and not environ.get("HTTP_AUTHORIZATION"))


def _key(environ: dict) -> str:
    """Where the page was asked for, its query arguments in a fixed order, and the languages
    the browser accepts (which decide the page's language when there is no cookie).
    """
    query = urlencode(sorted(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)))
    parts = [environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
             environ.get("PATH_INFO", ""), query, environ.get("HTTP_ACCEPT_LANGUAGE", "")]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class SharedCopies:
    """WSGI layer that answers cookie-less GETs from the copies and keeps the pages marked public."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def _is_public(self, environ: dict) -> bool:
        """Whether the address belongs to a view marked public (the API, feeds and static files
        never cost a cache read)."""
        try:
            endpoint, _arguments = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return False
        view = self.app.view_functions.get(endpoint)
        return getattr(view, "shared_with_anonymous_visitors", False)

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        if not _may_share(environ) or not self._is_public(environ):
            return self.wsgi_app(environ, start_response)
        backend = self.app.extensions["cache"][cache]
        key = _key(environ)
        try:
            copy = backend.get(key)
        except Exception as error:
            logger.warning("The page cache could not be read: %s", type(error).__name__)
            copy = None
        if copy is not None:
            status, headers, body = copy
            start_response(status, list(headers))
            return [body]
        answer: dict = {}

        def keep(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = answer.get("headers", [])
        if answer.get("status", "").startswith("200 ") and not any(
                name.lower() == "set-cookie" for name, _value in headers):
            try:
                backend.set(key, (answer["status"], headers, body))
            except Exception as error:
                logger.warning("The page cache could not be written: %s", type(error).__name__)
        return [body]


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


_shown_by: tuple[str, ...] = ()


def _note(session: Session, _flush_context) -> None:
    if session.info.get(STALE):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj).__module__.startswith(_shown_by):
            session.info[STALE] = True
            return


def _clear(session: Session) -> None:
    if session.info.pop(STALE, False) and has_app_context():
        try:
            cache.clear()
        except Exception:
            # The change is committed; copies left behind expire after PAGE_CACHE_SECONDS.
            logger.exception("The page cache could not be cleared")


def _forget(session: Session, _previous) -> None:
    session.info.pop(STALE, None)


def install(*, shown_by: tuple[str, ...]) -> None:
    """Clear the copies whenever a commit changes an object of the modules named in ``shown_by``
    (the domains whose data the cached pages show).
    """
    global _shown_by
    _shown_by = shown_by
    if not event.contains(Session, "after_flush", _note):
        event.listen(Session, "after_flush", _note)
        event.listen(Session, "after_commit", _clear)
        event.listen(Session, "after_soft_rollback", _forget)
