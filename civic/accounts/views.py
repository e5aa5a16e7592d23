"""Account pages: register, verify, sign in and out, reset a password, the profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.accounts import administration, queries, services, signin, two_factor_views
from civic.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmailForm,
    InvitationForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from civic.accounts.sessions import sign_in, sign_out
from civic.core.errors import DomainError, NotFound
from civic.extensions import db, limiter
from civic.web.access import public, safe_next, signed_in
from civic.web.forms import form_status, refusal
from civic.web.origin import request_origin

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """Create a citizen account and mail a link to confirm the address."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("accounts/register.html", form=form), status
    with refusal(form, "email") as refused:
        services.register(
            db.session,
            email=form.email.data,
            password=form.password.data,
            display_name=form.name.data,
            locale=str(get_locale()),
        )
    if refused:
        return render_template("accounts/register.html", form=form), 422
    db.session.commit()
    return render_template("accounts/check_email.html", email=form.email.data)


@bp.get("/verify/<token>")
@public
def verify(token: str):
    """Confirm an email address from the link in the registration mail."""
    try:
        services.verify_email(db.session, token)
    except DomainError as error:
        db.session.rollback()
        return render_template("accounts/link_problem.html", message=error.message,
                               resend=True), 400
    db.session.commit()
    flash(_("Your email address is confirmed. You can sign in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify/resend", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def resend_verification():
    """Send the confirmation link again."""
    form = EmailForm()
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("accounts/resend.html", form=form), status
    services.resend_verification(db.session, form.email.data)
    db.session.commit()
    return render_template("accounts/check_email.html", email=form.email.data)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with email and password."""
    next_url = safe_next(request.args.get("next"), url_for("site.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("accounts/login.html", form=form), status
    try:
        user = signin.authenticate(
            db.session, email=form.email.data, password=form.password.data,
            origin=request_origin(),
        )
    except signin.LoginRefused as error:
        db.session.commit()  # keep the failure count and the failure's audit entry
        form.password.errors = [*form.password.errors, error.message]
        return render_template("accounts/login.html", form=form), 422
    if user.two_factor_enrolled_at is not None:
        db.session.commit()  # the attempt stays counted until the code is right
        return two_factor_views.await_code(user, next_url)
    sign_in(user)
    db.session.commit()
    flash(_("You are signed in."), "success")
    return redirect(next_url)


@bp.post("/logout")
@public
def logout():
    """Sign out of this browser."""
    if current_user.is_authenticated:
        sign_out(current_user._get_current_object())
        db.session.commit()
        flash(_("You are signed out."), "success")
    return redirect(url_for("site.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    """Ask for a link to choose a new password."""
    form = EmailForm()
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("accounts/reset_request.html", form=form), status
    services.request_password_reset(db.session, form.email.data, origin=request_origin())
    db.session.commit()
    return render_template("accounts/reset_sent.html", email=form.email.data)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from the link in the reset mail."""
    try:
        person = services.check_reset_token(db.session, token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message,
                               reset=True), 400
    form = ResetPasswordForm()
    form.account_email = person.email
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("accounts/reset_password.html", form=form), status
    with refusal(form, "password") as refused:
        services.reset_password(db.session, token, form.password.data, origin=request_origin())
    if refused:
        return render_template("accounts/reset_password.html", form=form), 422
    if current_user.is_authenticated:
        sign_out(None)
    db.session.commit()
    flash(_("Your password has been changed and every session has been signed out. "
            "Sign in with your new password."), "success")
    return redirect(url_for("accounts.login"))


def _render_profile(**forms):
    user = current_user
    defaults = {
        "profile_form": ProfileForm(prefix="profile", data={"name": user.display_name,
                                                            "locale": user.locale}),
        "password_form": ChangePasswordForm(prefix="password"),
        "delete_form": DeleteAccountForm(prefix="delete"),
    }
    defaults.update(forms)
    return render_template("accounts/profile.html", **defaults)


@bp.get("/account")
@signed_in
def profile():
    """The signed-in user's own account."""
    return _render_profile()


@bp.post("/account")
@signed_in
def update_profile():
    """Change the name and language."""
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        return _render_profile(profile_form=form), 422
    with refusal(form, "name") as refused:
        services.update_profile(db.session, current_user, display_name=form.name.data,
                                locale=form.locale.data)
    if refused:
        return _render_profile(profile_form=form), 422
    db.session.commit()
    session["lang"] = form.locale.data
    flash(_("Your account has been updated."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/password")
@signed_in
def change_password():
    """Change the password; other signed-in browsers are signed out."""
    form = ChangePasswordForm(prefix="password")
    form.account_email = current_user.email
    if not form.validate_on_submit():
        return _render_profile(password_form=form), 422
    with refusal(form, "password") as refused:
        services.change_password(db.session, current_user, current=form.current_password.data,
                                 new=form.password.data, keep_token=current_user.session_token,
                                 origin=request_origin())
    if refused:
        return _render_profile(password_form=form), 422
    db.session.commit()
    flash(_("Your password has been changed. Other browsers have been signed out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/sessions/end-others")
@signed_in
def end_other_sessions():
    """Sign out every other browser."""
    count = services.end_other_sessions(db.session, current_user,
                                        keep_token=current_user.session_token, origin=request_origin())
    db.session.commit()
    flash(_("Other browsers signed out: %(count)d.", count=count), "success")
    return redirect(safe_next(request.form.get("next"), url_for("accounts.profile")))


@bp.get("/account/sessions")
@signed_in
def browser_sessions():
    """Every browser signed in to the account, each with a button to sign it out."""
    browsers = queries.list_sessions(db.session, current_user,
                                     current_token=current_user.session_token,
                                     idle_limit=current_app.config["SESSION_IDLE_TIMEOUT"])
    return render_template("accounts/sessions.html", browsers=browsers)


@bp.post("/account/sessions/<int:session_id>/end")
@signed_in
def end_browser_session(session_id: int):
    """Sign out one browser of the account; ending this browser's own session signs it out."""
    try:
        was_current = services.end_session_by_id(db.session, current_user, session_id,
                                                 current_token=current_user.session_token,
                                                 origin=request_origin())
    except NotFound:
        db.session.rollback()
        abort(404)
    if was_current:
        sign_out(None)
    db.session.commit()
    flash(_("You are signed out.") if was_current else _("That browser is signed out."), "success")
    return redirect(url_for("accounts.login" if was_current else "accounts.browser_sessions"))


@bp.post("/account/delete")
@signed_in
def delete_account():
    """Delete the account: personal data goes, public contributions stay as a former user's."""
    form = DeleteAccountForm(prefix="delete")
    if not form.validate_on_submit():
        return _render_profile(delete_form=form), 422
    user = current_user._get_current_object()
    with refusal(form, "password") as refused:
        services.delete_account(db.session, user, password=form.password.data)
    if refused:
        return _render_profile(delete_form=form), 422
    sign_out(None)
    db.session.commit()
    flash(_("Your account has been deleted."), "success")
    return redirect(url_for("site.home"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """Set up an account from an administrator's invitation: name and password."""
    try:
        invitation = administration.check_invitation(db.session, token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    form = InvitationForm()
    form.account_email = invitation.email
    if not form.validate_on_submit():
        return render_template("accounts/invitation.html", form=form, invitation=invitation), \
            form_status(form)
    with refusal(form, "password") as refused:
        user = administration.accept_invitation(db.session, token, name=form.name.data,
                                                password=form.password.data)
    if refused:
        return render_template("accounts/invitation.html", form=form, invitation=invitation), 422
    if current_user.is_authenticated:
        sign_out(current_user._get_current_object())
    sign_in(user)
    db.session.commit()
    flash(_("Welcome. Your account is ready and you are signed in."), "success")
    return redirect(url_for("site.home"))
