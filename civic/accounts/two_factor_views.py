"""Two-step sign-in pages: setting up an authenticator app, the code after the password, recovery
codes, and the confirmation asked before sensitive actions."""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from civic.accounts import reauth, signin, two_factor
from civic.accounts.forms import TwoFactorLoginForm, TwoFactorSetupForm
from civic.accounts.models import User
from civic.accounts.sessions import sign_in
from civic.core.time import utcnow
from civic.extensions import db, limiter
from civic.web.access import public, safe_next, signed_in
from civic.web.forms import form_status, refusal
from civic.web.origin import request_origin

bp = Blueprint("two_factor", __name__)

# The session key of a sign-in whose password was right and whose code is awaited, and how long
# (seconds) it waits.
PENDING = "two_factor_pending"
PENDING_SECONDS = 300
# What a person who must set up the second step may still reach before they have.
OPEN_WHILE_ENROLLING = frozenset({
    "two_factor.setup", "two_factor.enrol", "two_factor.confirm", "accounts.logout", "static",
    "site.healthz", "site.status", "site.accessibility", "site.favicon",
})
# Open data reads the same for everyone, signed in or not.
OPEN_DATA_BLUEPRINTS = frozenset({"api", "feeds"})


@bp.before_app_request
def lead_to_enrolment() -> Any:
    """Staff, moderators and administrators without an authenticator app see only its set-up page."""
    if (request.endpoint is None or request.endpoint in OPEN_WHILE_ENROLLING
            or request.blueprint in OPEN_DATA_BLUEPRINTS):
        return None
    if not current_user.is_authenticated or not two_factor.must_enrol(current_user):
        return None
    wanted = reauth.here() if request.method == "GET" else None
    return redirect(url_for("two_factor.setup", next=wanted), 303)


def await_code(user: User, next_url: str) -> Any:
    """After a right password for an account with the second step: ask for its code."""
    session[PENDING] = {"user": user.id, "at": int(utcnow().timestamp()), "next": next_url}
    return redirect(url_for("two_factor.login_code"))


def _pending_user() -> tuple[User, str] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or utcnow().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.is_active or not user.is_verified or user.two_factor_enrolled_at is None:
        return None
    return user, pending.get("next") or url_for("site.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    """The second step of sign-in: a code from the app, or a recovery code."""
    waiting = _pending_user()
    if waiting is None:
        session.pop(PENDING, None)
        flash(_("Sign in again: the code was not typed within five minutes of the password."), "info")
        return redirect(url_for("accounts.login"))
    user, next_url = waiting
    form = TwoFactorLoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login_code.html", form=form), form_status(form)
    try:
        kind = signin.second_step(db.session, user, form.code.data, origin=request_origin())
    except signin.LoginRefused as refused:
        db.session.commit()  # keep the failure count and its audit entry
        form.code.errors = [*form.code.errors, refused.message]
        return render_template("accounts/login_code.html", form=form), 422
    session.pop(PENDING, None)
    sign_in(user, second_step=kind)
    left = two_factor.recovery_codes_left(db.session, user) if kind == "recovery_code" else None
    db.session.commit()
    flash(_("You are signed in."), "success")
    if left is not None:
        flash(ngettext("You used a recovery code: %(num)d is left. Make new ones on your account's "
                       "two-step sign-in page.",
                       "You used a recovery code: %(num)d are left. Make new ones on your account's "
                       "two-step sign-in page.", left), "warning")
    return redirect(safe_next(next_url, url_for("site.home")))


@bp.get("/account/two-factor")
@signed_in
def setup():
    """Set up an authenticator app (QR code, its address as text, the code it shows), or, once
    set up, the state of the second step with its actions."""
    user = current_user._get_current_object()
    factor = two_factor.get_factor(db.session, user)
    if user.two_factor_enrolled_at is not None and (factor is None or factor.pending_secret is None):
        return render_template("accounts/two_factor.html", factor=factor,
                               codes_left=two_factor.recovery_codes_left(db.session, user),
                               required=two_factor.is_required(user))
    secret = two_factor.begin(db.session, user)
    db.session.commit()
    return _render_setup(user, secret, TwoFactorSetupForm())


def _render_setup(user: User, secret: str, form: TwoFactorSetupForm, status: int = 200):
    uri = two_factor.provisioning_uri(user, secret)
    # segno writes the code as SVG paths only, none of the address's text: safe to embed.
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff"))  # noqa: S704
    key = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("accounts/two_factor_setup.html", form=form, uri=uri, qr=qr, key=key,
                           required=two_factor.must_enrol(user), next=request.args.get("next")), status


@bp.post("/account/two-factor")
@signed_in
@reauth.recent_sign_in_required
def enrol():
    """Turn the app on with its first code; the recovery codes are shown once, here."""
    user = current_user._get_current_object()
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        with refusal(form, "code") as refused:
            codes = two_factor.confirm(db.session, user, form.code.data, origin=request_origin())
        if not refused:
            db.session.commit()
            return _render_codes(codes, first=True)
    # Shown again with the secret the app may already hold (or a new one, kept for the next try).
    secret = two_factor.begin(db.session, user)
    db.session.commit()
    return _render_setup(user, secret, form, 422)


def _render_codes(codes: list[str], *, first: bool):
    next_url = safe_next(request.args.get("next"), url_for("two_factor.setup"))
    return render_template("accounts/recovery_codes.html", codes=codes, first=first, next=next_url)


@bp.post("/account/two-factor/recovery-codes")
@signed_in
@reauth.recent_sign_in_required
def renew_codes():
    """Ten new recovery codes in place of all the old ones."""
    with refusal() as refused:
        codes = two_factor.renew_recovery_codes(db.session, current_user._get_current_object(),
                                                origin=request_origin())
    if refused:
        return redirect(url_for("two_factor.setup"))
    db.session.commit()
    return _render_codes(codes, first=False)


@bp.post("/account/two-factor/replace")
@signed_in
@reauth.recent_sign_in_required
def replace():
    """Set up another app (a new phone); the old one works until the new one's code is typed."""
    two_factor.restart(db.session, current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("two_factor.setup"))


@bp.post("/account/two-factor/off")
@signed_in
@reauth.recent_sign_in_required
def turn_off():
    """Turn the second step off, where the role allows it."""
    with refusal() as refused:
        two_factor.turn_off(db.session, current_user._get_current_object(), origin=request_origin())
    if not refused:
        db.session.commit()
        flash(_("The second step of sign-in is off: your password alone signs you in."), "success")
    return redirect(url_for("two_factor.setup" if refused else "accounts.profile"))


@bp.post("/account/confirm")
@signed_in
def confirm():
    """Confirm the password (and code) before a page or download that asked for it, then go there."""
    outcome = reauth.confirm_identity()
    if outcome is not None:
        return outcome
    return redirect(safe_next(request.args.get("next"), url_for("accounts.profile")))
