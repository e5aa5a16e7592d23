"""The audit trail (read-only, filterable, CSV) and the outbox (counts, failures, retry)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from civic.accounts.queries import get_user_by_email
from civic.admin import trail
from civic.admin.forms import AuditFilterForm, EmptyForm
from civic.core import audit
from civic.core.permissions import Permission
from civic.core.time import start_of_taipei_day
from civic.extensions import db
from civic.notifications import services as outbox
from civic.web.access import permission_required, walled
from civic.web.downloads import csv_response
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_trail", __name__, url_prefix="/admin"), Permission.read_audit_trail)

PER_PAGE = 50


def _filters(form: AuditFilterForm) -> audit.AuditFilters | None:
    """The filters of the form, or None (with the form's errors set) when they are wrong."""
    ok = form.validate()
    actor_id = None
    if form.actor.data:
        actor = get_user_by_email(db.session, form.actor.data)
        if actor is None:
            form.actor.errors = [*form.actor.errors, _("There is no account with this email address.")]
            ok = False
        else:
            actor_id = actor.id
    if not ok:
        return None
    since, until = form.since.data, form.until.data
    return audit.AuditFilters(actor_id=actor_id, action=form.action.data or None,
                              target_type=form.target_type.data or None, target_id=form.target_id.data or None,
                              since=start_of_taipei_day(since) if since else None,
                              until=start_of_taipei_day(until + timedelta(days=1)) if until else None)


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(MultiDict(request.args))
    form.set_choices(trail.action_choices(), trail.target_type_choices())
    return form


@bp.get("/audit", endpoint="trail")
@permission_required(Permission.read_audit_trail)
def trail_page():
    """Every audited act as prose: when, what, to which target, who, details. Never editable."""
    form = _filter_form()
    page = requested_page()
    filters = _filters(form)
    if filters is None or page is None:
        return render_template("admin/audit.html", form=form, rows=None, columns=trail.columns()), 400
    entries, total = audit.list_entries(db.session, filters, page=page, per_page=PER_PAGE)
    rows = trail.read(db.session, entries, str(get_locale()))
    return render_template("admin/audit.html", form=form, rows=rows, columns=trail.columns(), total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)))


@bp.get("/audit.csv")
@permission_required(Permission.read_audit_trail)
def trail_csv():
    """The filtered trail as the page reads it, as CSV (UTF-8 with BOM for Excel), streamed."""
    form = _filter_form()
    filters = _filters(form)
    if filters is None:
        abort(400)
    locale = str(get_locale())

    def rows() -> Iterator[list[str]]:
        yield trail.columns()
        for batch in audit.iter_batches(db.session, filters):
            yield from (trail.csv_cells(row) for row in trail.read(db.session, batch, locale))

    return csv_response(rows(), "audit.csv", stream=True)


@bp.get("/outbox")
@permission_required(Permission.read_audit_trail)
def mail():
    """Mail by state, and the failures with their last error."""
    return render_template("admin/outbox.html", counts=outbox.count_by_status(db.session),
                           failed=outbox.list_failed(db.session), empty_form=EmptyForm())


@bp.post("/outbox/retry")
@bp.post("/outbox/<int:message_id>/retry")
@permission_required(Permission.send_notifications)
def retry(message_id: int | None = None):
    """Queue failed mail again: one message, or all."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = outbox.retry_failed(db.session, message_id, actor=current_user)
    audit.record(db.session, "outbox.retried", actor_id=current_user.id, target_type="outbox",
                 target_id=message_id or "*", count=count)
    db.session.commit()
    flash(_("%(count)d messages queued again.", count=count), "success")
    return redirect(url_for("admin_trail.mail"))
