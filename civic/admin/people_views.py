"""Administration of people: find accounts, invite staff, moderators and admins, change roles,
suspend and reinstate, confirm supplier claims.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from civic.accounts import administration, two_factor
from civic.accounts.models import User
from civic.accounts.queries import (
    UserFilters,
    get_claim,
    get_invitation,
    list_pending_claims,
    list_pending_invitations,
    list_users,
)
from civic.accounts.reauth import recent_sign_in_required
from civic.admin.forms import (
    ConfirmClaimForm,
    EmptyForm,
    InviteForm,
    RejectClaimForm,
    RoleForm,
    SuspendForm,
    UserFilterForm,
    agency_choices,
)
from civic.agencies.queries import get_agency_by_code, list_active_agencies
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, walled
from civic.web.forms import form_status, post_button, post_form, refusal
from civic.web.origin import request_origin
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_people", __name__, url_prefix="/admin"), Permission.administer_users)


@bp.get("/users")
@permission_required(Permission.administer_users)
def index():
    """Accounts, searchable by name or email and filterable by role, agency and status."""
    form = UserFilterForm(MultiDict(request.args))
    form.agency.choices = agency_choices(list_active_agencies(db.session), str(get_locale()), blank="")
    page = requested_page()
    if page is None or (request.args and not form.validate()):
        return render_template("admin/users.html", form=form, page=None), 400
    filters = UserFilters(q=form.q.data or None, role=form.role.data or None, agency=form.agency.data or None,
                          status=form.status.data or None)
    return render_template("admin/users.html", form=form, page=list_users(db.session, filters, page=page),
                           invitations=list_pending_invitations(db.session),
                           claims=list_pending_claims(db.session), empty_form=EmptyForm())


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.agency.choices = agency_choices(list_active_agencies(db.session), str(get_locale()), blank="")
    return form


@bp.route("/users/invite", methods=["GET", "POST"])
@permission_required(Permission.administer_users)
@recent_sign_in_required
def invite():
    """Invite a staff member, moderator or admin by email."""
    form = _invite_form()
    agency = form.chosen_agency = get_agency_by_code(db.session, form.agency.data) if form.agency.data else None
    if not form.validate_on_submit():
        return render_template("admin/invite.html", form=form), form_status(form)
    with refusal(form, "email") as refused:
        administration.invite(db.session, email=form.email.data, role=form.role.data, agency=agency,
                              actor=current_user)
    if refused:
        return render_template("admin/invite.html", form=form), 422
    db.session.commit()
    flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("admin_people.index"))


@bp.post("/invitations/<int:invitation_id>/<any(resend, revoke):action>")
@permission_required(Permission.administer_users)
@recent_sign_in_required
def invitation(invitation_id: int, action: str):
    """Resend or withdraw a pending invitation."""
    pending = get_invitation(db.session, invitation_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        (administration.resend if action == "resend" else administration.revoke)(
            db.session, pending, actor=current_user)
    if refused:
        return redirect(url_for("admin_people.index"))
    db.session.commit()
    flash(_("The invitation has been sent again.") if action == "resend" else _("The invitation is withdrawn."),
          "success")
    return redirect(url_for("admin_people.index"))


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    return user


def _render_user(user: User, status: int = 200, **forms):
    role_form = forms.get("role_form") or RoleForm(formdata=None, role=user.role,
                                                    agency=user.agency.code if user.agency else "")
    role_form.agency.choices = agency_choices(list_active_agencies(db.session), str(get_locale()), blank="")
    return render_template("admin/user.html", user=user, role_form=role_form,
                           suspend_form=forms.get("suspend_form") or SuspendForm(formdata=None),
                           empty_form=EmptyForm()), status


@bp.get("/users/<int:user_id>")
@permission_required(Permission.administer_users)
def user(user_id: int):
    """One account: its role, agency and status, with the actions on it."""
    return _render_user(_user(user_id))


@bp.post("/users/<int:user_id>/role")
@permission_required(Permission.administer_users)
@recent_sign_in_required
def change_role(user_id: int):
    """Give the account another role or agency."""
    target = _user(user_id)
    form = RoleForm()
    form.agency.choices = agency_choices(list_active_agencies(db.session), str(get_locale()), blank="")

    def change() -> None:
        agency = get_agency_by_code(db.session, form.agency.data) if form.agency.data else None
        administration.change_role(db.session, target, role=form.role.data, agency=agency, actor=current_user)

    return post_form(form, change, show=lambda status: _render_user(_user(user_id), status, role_form=form),
                     field="role", done=_("The role has been changed; the person is signed out so it takes effect."),
                     then=url_for("admin_people.user", user_id=user_id))


@bp.post("/users/<int:user_id>/suspend")
@permission_required(Permission.administer_users)
@recent_sign_in_required
def suspend(user_id: int):
    """Suspend the account; all its sessions end at once."""
    target = _user(user_id)
    form = SuspendForm()
    return post_form(form, lambda: administration.suspend(db.session, target, actor=current_user,
                                                          reason=form.reason.data),
                     show=lambda status: _render_user(_user(user_id), status, suspend_form=form),
                     field="reason", done=_("The account is suspended and signed out everywhere."),
                     then=url_for("admin_people.user", user_id=user_id))


@bp.post("/users/<int:user_id>/reinstate")
@permission_required(Permission.administer_users)
@recent_sign_in_required
def reinstate(user_id: int):
    """Lift the account's suspension."""
    target = _user(user_id)
    return post_button(lambda: administration.reinstate(db.session, target, actor=current_user),
                       done=_("The account is active again."), then=url_for("admin_people.user", user_id=user_id))


@bp.post("/users/<int:user_id>/two-factor/reset")
@permission_required(Permission.administer_users)
@recent_sign_in_required
def reset_two_factor(user_id: int):
    """Remove the person's authenticator app and recovery codes (a lost phone)."""
    target = _user(user_id)
    return post_button(
        lambda: two_factor.reset(db.session, target, actor=current_user, origin=request_origin()),
        done=_("Two-step sign-in is reset: the person is signed out and mailed, and sets it up again "
               "at the next sign-in."),
        then=url_for("admin_people.user", user_id=user_id))


def _render_claim(pending, status: int = 200, **forms):
    return render_template("admin/claim.html", claim=pending,
                           confirm_form=forms.get("confirm_form") or ConfirmClaimForm(
                               formdata=None, name="" if pending.company.is_named else pending.claimed_name),
                           reject_form=forms.get("reject_form") or RejectClaimForm(formdata=None)), status


@bp.get("/claims/<int:claim_id>")
@permission_required(Permission.administer_users)
def claim_review(claim_id: int):
    """One claim: the name the claimant typed beside the name on record, to confirm or reject."""
    return _render_claim(get_claim(db.session, claim_id) or abort(404))


@bp.post("/claims/<int:claim_id>/<any(confirm, reject):decision>")
@permission_required(Permission.administer_users)
def claim(claim_id: int, decision: str):
    """Confirm (recording a name if the company has none) or reject, with a reason, a claim."""
    pending = get_claim(db.session, claim_id) or abort(404)
    form = ConfirmClaimForm() if decision == "confirm" else RejectClaimForm()
    forms = {f"{decision}_form": form}
    if not form.validate_on_submit():
        return _render_claim(pending, 422, **forms)
    with refusal(form, "name" if decision == "confirm" else "reason") as refused:
        if decision == "confirm":
            administration.confirm_claim(db.session, pending, actor=current_user, name=form.name.data or "")
        else:
            administration.reject_claim(db.session, pending, actor=current_user, reason=form.reason.data)
    if refused:
        return _render_claim(get_claim(db.session, claim_id) or abort(404), 422, **forms)
    db.session.commit()
    flash(_("Claim confirmed.") if decision == "confirm" else _("Claim rejected."), "success")
    return redirect(url_for("admin_people.index"))
