"""The moderators' screens for the showcase: apps waiting oldest first, approving, refusing with a
reason, and taking a published app down with a reason. Behind a wall for moderators and administrators;
every change goes through civic.showcase.services, which checks the actor again, audits and mails."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.core.permissions import Permission
from civic.extensions import db
from civic.showcase import endpoints, labels, permissions, queries, services
from civic.showcase.forms import DecisionForm, ReasonForm
from civic.showcase.models import AppStatus, ShowcaseApp
from civic.web.access import permission_required, require, walled
from civic.web.forms import post_form, refusal
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_apps", __name__, url_prefix="/admin/apps"), Permission.moderate_apps)


def _app(app_id: int) -> ShowcaseApp:
    require(permissions.can_moderate(current_user))
    return queries.get_app(db.session, app_id) or abort(404)


@bp.get("")
@permission_required(Permission.moderate_apps)
def index():
    """Apps by status: those waiting for a moderator first, the longest waiting at the top."""
    require(permissions.can_moderate(current_user))
    number = requested_page() or abort(404)
    try:
        status = AppStatus(request.args.get("status", AppStatus.pending))
    except ValueError:
        abort(404)
    return render_template("admin/apps.html", page=queries.list_for_moderators(db.session, status, page=number),
                           status=status, counts=queries.count_by_status(db.session), labels=labels)


def _render_app(app: ShowcaseApp, *, reject_form: ReasonForm | None = None,
                unpublish_form: ReasonForm | None = None, status: int = 200):
    summaries = {item.path: item.summary for item in endpoints.documented_reads(current_app)}
    return render_template("admin/app.html", app=app, summaries=summaries, labels=labels, anchor=endpoints.anchor,
                           reject_form=reject_form or ReasonForm(formdata=None),
                           unpublish_form=unpublish_form or ReasonForm(formdata=None),
                           own=app.submitter_id == current_user.id), status


@bp.get("/<int:app_id>")
@permission_required(Permission.moderate_apps)
def review(app_id: int):
    """One app as its maker sent it, with what a moderator may do with it now."""
    return _render_app(_app(app_id))


@bp.post("/<int:app_id>/approve")
@permission_required(Permission.moderate_apps)
def approve(app_id: int):
    """Publish an app that waits, as the moderator reviewed it; its maker is mailed. When it has changed
    or been decided on since, the moderator is sent back to it with the reason."""
    app = _app(app_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal() as refused:
        services.approve_app(db.session, app, actor=current_user, version=form.reviewed_version())
    if refused:
        return redirect(url_for("admin_apps.review", app_id=app_id))
    db.session.commit()
    flash(_("The app is published."), "success")
    return redirect(url_for("admin_apps.index"))


@bp.post("/<int:app_id>/reject")
@permission_required(Permission.moderate_apps)
def reject(app_id: int):
    """Refuse an app that waits, with a reason its maker is mailed."""
    app = _app(app_id)
    form = ReasonForm()
    return post_form(form, lambda: services.reject_app(db.session, app, actor=current_user, reason=form.reason.data,
                                                       version=form.reviewed_version()),
                     show=lambda status: _render_app(_app(app_id), reject_form=form, status=status),
                     field="reason", done=_("The app is not accepted; its maker is told why."),
                     then=url_for("admin_apps.index"))


@bp.post("/<int:app_id>/unpublish")
@permission_required(Permission.moderate_apps)
def unpublish(app_id: int):
    """Take a published app down, with a reason its maker is mailed."""
    app = _app(app_id)
    form = ReasonForm()
    return post_form(form, lambda: services.unpublish_app(db.session, app, actor=current_user,
                                                          reason=form.reason.data, version=form.reviewed_version()),
                     show=lambda status: _render_app(_app(app_id), unpublish_form=form, status=status),
                     field="reason", done=_("The app is taken down; its maker is told why."),
                     then=url_for("admin_apps.index", status=AppStatus.published))
