"""The integrity officers' inbox at /integrity/: the reports routed to the officer's unit, each report
with its messages, notes, attachments and the record of who read it, and the officers' actions.

Integrity officers only, behind the blueprint's wall; a report not routed to the officer's unit answers
404, as one that does not exist. Every read is audited; nothing here is ever kept by a cache.
"""

from __future__ import annotations

import re
from io import BytesIO

from flask import Blueprint, Response, abort, g, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from civic.core.permissions import Permission
from civic.extensions import db
from civic.reports import labels, permissions, queries, services
from civic.reports.models import ConfidentialReport
from civic.reports.staff_forms import AssignForm, InboxFilterForm, MessageForm, NoteForm, StatusForm
from civic.web.access import permission_required, walled
from civic.web.forms import post_form
from civic.web.paging import requested_page

# Integrity officers only: administrators, moderators and agency staff are refused.
bp = walled(Blueprint("integrity", __name__, url_prefix="/integrity"), Permission.read_reports)

# What may not stand in a file name sent back in a header.
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


@bp.after_request
def no_store(response: Response) -> Response:
    """No page, file or refusal of the inbox is kept by the browser or anything between."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _authority_id() -> int | None:
    """The authority's agency, looked up once a request: a report page asks for it to route, to list the
    officers and after each action."""
    if "integrity_authority_id" not in g:
        g.integrity_authority_id = queries.authority_agency_id(db.session)
    return g.integrity_authority_id


def load_report(report_id: int, *, whole: bool = True) -> ConfidentialReport:
    """The report, if it is routed to the current officer's unit: else 404. ``whole`` loads (and so
    decrypts) what it says; otherwise only what routing and the actions need."""
    authority_id = _authority_id()
    if whole:
        report = queries.get_report(db.session, report_id, current_user, authority_id=authority_id)
    else:
        report = queries.get_routing(db.session, report_id, current_user, authority_id=authority_id)
    if report is None or not permissions.can_read(current_user, report, authority_id=authority_id):
        abort(404)
    return report


@bp.get("/")
@permission_required(Permission.read_reports)
def index():
    """The reports the officer may read, newest first, without a word of what they say."""
    form = InboxFilterForm(MultiDict(request.args))
    number = requested_page()
    if number is None or not form.validate():
        return render_template("reports/integrity/index.html", form=form, page=None, statuses=labels.STATUSES), 400
    page = queries.list_inbox(db.session, current_user, authority_id=_authority_id(),
                              status=form.status.data or None, page=number)
    return render_template("reports/integrity/index.html", form=form, page=page, statuses=labels.STATUSES)


def render_detail(report_id: int, status: int = 200, **forms):
    """The whole report, its forms (a refused one as it was sent), and its history. Showing it is a
    read, and is recorded as one before anything is shown."""
    services.record_read(db.session, load_report(report_id, whole=False), actor=current_user)
    db.session.commit()
    report = load_report(report_id)
    locale = str(get_locale())
    status_form = forms.pop("status_form", None) or StatusForm(formdata=None)
    status_form.set_statuses(services.TRANSITIONS.get(report.status, ()))
    assign_form = forms.pop("assign_form", None) or AssignForm(formdata=None,
                                                                assignee=str(report.assigned_to_id or ""))
    assign_form.set_officers(queries.list_officers(db.session, report, authority_id=_authority_id()), locale)
    return render_template(
        "reports/integrity/detail.html", report=report, statuses=labels.STATUSES, actions=labels.ACTIONS,
        routing=labels.routing(report), history=queries.list_history(db.session, report),
        status_form=status_form, assign_form=assign_form,
        note_form=forms.pop("note_form", None) or NoteForm(formdata=None),
        message_form=forms.pop("message_form", None) or MessageForm(formdata=None),
    ), status


@bp.get("/<int:report_id>")
@permission_required(Permission.read_reports)
def detail(report_id: int):
    """One report as a whole, for the officers it is routed to."""
    return render_detail(report_id)


@bp.get("/<int:report_id>/attachments/<int:attachment_id>")
@permission_required(Permission.read_reports)
def attachment(report_id: int, attachment_id: int):
    """One of the report's attachments, as a download with the type read from its content when it
    was received; the download is recorded as a read."""
    report = load_report(report_id, whole=False)
    item = queries.get_attachment(db.session, report, attachment_id) or abort(404)
    services.record_read(db.session, report, actor=current_user, attachment=item)
    db.session.commit()
    name = _UNSAFE_IN_NAME.sub("_", item.filename or "").strip() or f"attachment-{item.id}"
    response = send_file(BytesIO(item.content), mimetype=item.media_type, as_attachment=True, download_name=name,
                         etag=False, conditional=False, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _act(report_id: int, form, form_key: str, call, *, field: str, done: str):
    """Run one of the report page's forms: its service on the report, then back to the report; a refused
    ``form`` is shown again on the report's page."""
    return post_form(form, call, show=lambda status: render_detail(report_id, status, **{form_key: form}),
                     field=field, done=done, then=url_for("integrity.detail", report_id=report_id))


@bp.post("/<int:report_id>/status")
@permission_required(Permission.read_reports)
def status(report_id: int):
    """Move the report on: under review, referred, closed with a reason, or reopened."""
    report = load_report(report_id, whole=False)
    form = StatusForm()
    form.set_statuses(services.TRANSITIONS.get(report.status, ()))
    return _act(report_id, form, "status_form",
                lambda: services.change_status(db.session, report, form.status.data, actor=current_user,
                                               reason=form.reason.data or ""),
                field="status", done=_("The report's status is changed."))


@bp.post("/<int:report_id>/assign")
@permission_required(Permission.read_reports)
def assign(report_id: int):
    """Give the report to one of the officers who read it, or to nobody."""
    report = load_report(report_id, whole=False)
    officers = queries.list_officers(db.session, report, authority_id=_authority_id())
    form = AssignForm()
    form.set_officers(officers, str(get_locale()))
    chosen = {str(officer.id): officer for officer in officers}
    return _act(report_id, form, "assign_form",
                lambda: services.assign(db.session, report, chosen.get(form.assignee.data or ""),
                                        actor=current_user),
                field="assignee", done=_("The report's officer is changed."))


@bp.post("/<int:report_id>/notes")
@permission_required(Permission.read_reports)
def note(report_id: int):
    """Add an internal note, never shown to the reporter."""
    report = load_report(report_id, whole=False)
    form = NoteForm()
    return _act(report_id, form, "note_form",
                lambda: services.add_note(db.session, report, form.note.data or "", actor=current_user),
                field="note", done=_("Note added."))


@bp.post("/<int:report_id>/messages")
@permission_required(Permission.read_reports)
def message(report_id: int):
    """Write to the reporter, who reads it on the status page."""
    report = load_report(report_id, whole=False)
    form = MessageForm()
    return _act(report_id, form, "message_form",
                lambda: services.send_message(db.session, report, form.message.data or "", actor=current_user),
                field="message", done=_("Message sent. The reporter reads it on the report's status page."))
