"""The moderators' pages: reported comments, hidden comments, hiding and restoring, suspending accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.accounts.models import User
from civic.core.permissions import Permission
from civic.extensions import db
from civic.feedback import moderation, permissions, queries
from civic.feedback.forms import EmptyForm, HideForm, RestoreForm, SuspendForm
from civic.feedback.models import Comment
from civic.web.access import permission_required, require, safe_next
from civic.web.forms import form_status, post_form, refusal
from civic.web.paging import requested_page

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
@permission_required(Permission.moderate_comments)
def wall() -> None:
    """Moderation is for moderators and administrators only."""


def _render(status: int = 200, **forms):
    return render_template("feedback/moderation.html", reports=queries.list_open_reports(db.session),
                           hidden_count=queries.count_hidden_comments(db.session),
                           hide_form=forms.get("hide_form") or HideForm(formdata=None),
                           suspend_form=forms.get("suspend_form") or SuspendForm(formdata=None),
                           failed=forms.get("failed")), status


def _for_reason(action, target: Comment | User, form: HideForm | SuspendForm, form_key: str, done: str):
    """Hide a comment or suspend an account for the reason typed in the queue's ``form``, then back to
    the queue; a refused form is shown again as the page's ``form_key``."""
    failed = target.id
    return post_form(form, lambda: action(db.session, target, actor=current_user, reason=form.reason.data),
                     show=lambda status: _render(status, failed=failed, **{form_key: form}),
                     field="reason", done=done, then=url_for("moderation.queue"))


@bp.get("/")
@permission_required(Permission.moderate_comments)
def queue():
    """Reported comments waiting for a moderator."""
    require(permissions.can_moderate(current_user))
    return _render()


@bp.post("/comments/<int:comment_id>/hide")
@permission_required(Permission.moderate_comments)
def hide(comment_id: int):
    """Hide a comment with a public reason."""
    comment = db.get_or_404(Comment, comment_id)
    return _for_reason(moderation.hide_comment, comment, HideForm(), "hide_form", _("The comment is hidden."))


@bp.get("/hidden")
@permission_required(Permission.moderate_comments)
def hidden():
    """Comments hidden by a moderator, newest first, with who hid each, when and why."""
    require(permissions.can_moderate(current_user))
    number = requested_page()
    if number is None:
        abort(400)
    return render_template("feedback/hidden.html", page=queries.list_hidden_comments(db.session, page=number))


@bp.route("/comments/<int:comment_id>/restore", methods=["GET", "POST"])
@permission_required(Permission.moderate_comments)
def restore(comment_id: int):
    """Show a hidden comment again, with a public reason that its author is mailed."""
    comment = queries.get_comment_for_moderators(db.session, comment_id) or abort(404)
    require(permissions.can_moderate(current_user))
    back = safe_next(request.values.get("next"), url_for("moderation.hidden"))
    if not comment.is_hidden:
        flash(_("This comment is not hidden."), "error")
        return redirect(back)
    form = RestoreForm()
    if not form.validate_on_submit():
        return render_template("feedback/restore.html", comment=comment, form=form, back=back), \
            form_status(form)
    with refusal(form, "reason") as refused:
        moderation.restore_comment(db.session, comment, actor=current_user, reason=form.reason.data)
    if refused:
        comment = queries.get_comment_for_moderators(db.session, comment_id) or abort(404)
        return render_template("feedback/restore.html", comment=comment, form=form, back=back), 422
    db.session.commit()
    flash(_("The comment is shown again."), "success")
    return redirect(back)


@bp.post("/comments/<int:comment_id>/keep")
@permission_required(Permission.moderate_comments)
def keep(comment_id: int):
    """Keep a reported comment as it is and close its reports."""
    comment = db.get_or_404(Comment, comment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    moderation.dismiss_reports(db.session, comment, actor=current_user)
    db.session.commit()
    flash(_("The comment stays; its reports are closed."), "success")
    return redirect(url_for("moderation.queue"))


@bp.post("/users/<int:user_id>/suspend")
@permission_required(Permission.moderate_comments)
def suspend(user_id: int):
    """Suspend an abusive account; all its sessions end at once."""
    return _for_reason(moderation.suspend_author, db.get_or_404(User, user_id), SuspendForm(), "suspend_form",
                       _("The account is suspended and signed out everywhere."))
