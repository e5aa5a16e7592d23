"""Copies of public pages for anonymous visitors.

Most of the site's traffic is people and bots reading case pages without signing in, and those
pages are the same for all of them. A view marked ``@page_cache.public`` is rendered once per
address and language and then served from the cache (Redis in production, so every worker
shares it) for PAGE_CACHE_SECONDS, or until a change to what those pages show is committed.

Nothing personal is ever stored or served: signed-in visitors, visitors with a message waiting
to be shown, requests that change the visitor's session, and pages that carry a CSRF token (a
form tied to one visitor) always get a fresh page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from flask import current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from civic.extensions import cache

STALE = "civic.page_cache.stale"
logger = logging.getLogger(__name__)


def _personal() -> bool:
    """Whether this request must not be answered with, or stored as, a shared copy."""
    return (
        request.method != "GET"
        or current_user.is_authenticated
        or session.modified
        or "_flashes" in session
    )


def _key() -> str:
    """The address with its query arguments in a fixed order, and the page's language."""
    query = urlencode(sorted(request.args.items(multi=True)))
    digest = hashlib.sha256(f"{get_locale()}|{request.path}?{query}".encode()).hexdigest()
    return f"page:{digest}"


def _shareable(response) -> bool:
    """Only a plain 200 page made without touching the visitor's session goes into the cache."""
    status = response[1] if isinstance(response, tuple) and len(response) > 1 else getattr(response, "status_code",
                                                                                          200)
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return status == 200 and not session.modified and field not in g


def public(view: Callable) -> Callable:
    """Serve ``view`` to anonymous visitors from the shared cache."""
    return cache.cached(unless=_personal, make_cache_key=lambda *args, **kwargs: _key(),
                        response_filter=_shareable)(view)


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
