"""Signed-in sessions through Flask-Login, kept server-side so they can be revoked at once."""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import login_user, logout_user

from civic.accounts import services
from civic.accounts.models import User
from civic.core.time import utcnow
from civic.extensions import db, login_manager
from civic.web.access_log import is_private
from civic.web.origin import request_origin

# The session key holding when (Unix seconds) the person last gave their password.
CONFIRMED_AT = "confirmed_at"


def load_user(token: str) -> User | None:
    # The report pages leave no trace of a visit, not even the session's last-seen time, which could
    # otherwise be set beside a report's time of arrival.
    user = services.load_session(db.session, token, touch=not (has_request_context() and is_private(request.path)))
    if user is not None:
        user.session_token = token
    return user


def sign_in(user: User, *, second_step: str | None = None) -> None:
    """Open a new server-side session for ``user`` in this browser; the trail records the sign-in
    and, where one was asked, how the second step was passed. An account with the second step
    set up is signed in only once its code was checked (``second_step`` says how)."""
    if user.two_factor_enrolled_at is not None and second_step is None:
        raise ValueError("an account with two-step sign-in needs its second step before signing in")
    token = services.start_session(db.session, user, origin=request_origin(), second_step=second_step)
    user.session_token = token
    # A fresh cookie at login, so a session id planted before login is worthless.
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    mark_confirmed()
    login_user(user)
    # The page after signing in speaks the account's language; so do messages flashed now.
    refresh()


def mark_confirmed() -> None:
    """Note that the person proved who they are just now (see civic.accounts.reauth)."""
    session[CONFIRMED_AT] = int(utcnow().timestamp())


def confirmed_since(seconds: int) -> bool:
    """True when the person signed in or confirmed their password in the last ``seconds``."""
    confirmed = session.get(CONFIRMED_AT)
    return isinstance(confirmed, int) and utcnow().timestamp() - confirmed <= seconds


def sign_out(user: User | None) -> None:
    """End this browser's session, server-side as well; the trail records the sign-out."""
    if user is not None and user.session_token:
        services.end_session(db.session, user.session_token, origin=request_origin())
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None
