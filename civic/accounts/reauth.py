"""Asking a signed-in person to prove again who they are before a sensitive action: changing a
role, suspending, inviting, changing the second step, exporting attendees' personal data.

Whoever signed in or confirmed within RECENT_SIGN_IN_SECONDS goes straight through. Anyone else
gets a page asking for their password (and a code, where the second step is on) in place of the
action. For a form, that page carries what was submitted as hidden fields and posts it back to the
same address, so nothing typed is lost; for a download, it posts to /account/confirm, which sends
the browser on once confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, render_template, request, url_for
from flask_login import current_user

from civic.accounts import signin
from civic.accounts.forms import ConfirmIdentityForm
from civic.accounts.sessions import confirmed_since, mark_confirmed
from civic.extensions import db
from civic.web.origin import request_origin

# Fields of the confirmation form itself, never replayed into the action.
_OWN_FIELDS = ("confirm-", "csrf_token")


def recent_sign_in_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Guard a form's POST: confirm first, then carry on with what was submitted."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD", "OPTIONS") or _recent():
            return view(*args, **kwargs)
        if "confirm-password" not in request.form:
            return render_confirmation(ConfirmIdentityForm(formdata=None, prefix="confirm"),
                                       action=here(), carry=True)
        outcome = confirm_identity(carry=True)
        return view(*args, **kwargs) if outcome is None else outcome

    return wrapped


def recent_sign_in_required_to_read(view: Callable[..., Any]) -> Callable[..., Any]:
    """Guard a page or a download of personal data: confirm first, then come back to it."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if _recent():
            return view(*args, **kwargs)
        return render_confirmation(ConfirmIdentityForm(formdata=None, prefix="confirm"),
                                   action=url_for("two_factor.confirm", next=here()))

    return wrapped


def confirm_identity(*, carry: bool = False) -> Any | None:
    """Check the confirmation form of this request: None when the person is confirmed (and noted
    so), otherwise the page to answer with, explaining what was wrong."""
    form = ConfirmIdentityForm(prefix="confirm")
    if form.validate():
        try:
            signin.reconfirm(db.session, current_user._get_current_object(), password=form.password.data,
                             code=form.code.data or "", origin=request_origin())
        except signin.LoginRefused as refused:
            db.session.commit()  # the failure counts towards the lock, and the trail keeps it
            form.password.errors = [*form.password.errors, refused.message]
        else:
            db.session.commit()
            mark_confirmed()
            return None
    return render_confirmation(form, action=here(), carry=carry, status=422)


def render_confirmation(form: ConfirmIdentityForm, *, action: str, carry: bool = False, status: int = 200):
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if not name.startswith(_OWN_FIELDS)] if carry else []
    return render_template("accounts/confirm.html", form=form, action=action, carried=carried,
                           needs_code=current_user.two_factor_enrolled_at is not None), status


def _recent() -> bool:
    return confirmed_since(current_app.config["RECENT_SIGN_IN_SECONDS"])


def here() -> str:
    """This request's path and query, without the dangling "?" of an empty query."""
    return request.full_path.rstrip("?")
