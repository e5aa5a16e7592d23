"""The agency staff inbox and the handling of one item: assign, note, status, answer, forward.

Staff see and act on their own agency's items only; other items answer 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code, list_active_agencies
from civic.cases import queries as case_queries
from civic.core.permissions import Permission, roles_with
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import deadlines, labels, permissions, queries, services
from civic.feedback.forms import (
    AssignForm,
    EmptyForm,
    ExtendForm,
    ForwardForm,
    InboxFilterForm,
    NoteForm,
    ResponseForm,
    StatusForm,
)
from civic.feedback.models import Feedback
from civic.web.access import permission_required
from civic.web.forms import post_form, refusal
from civic.web.paging import requested_page

bp = Blueprint("feedback_staff", __name__, url_prefix="/staff")


@bp.before_request
@permission_required(Permission.answer_feedback)
def wall() -> None:
    """The staff area is for agency staff only."""


def _colleagues() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.agency_id == current_user.agency_id, User.role.in_(roles_with(Permission.answer_feedback)), User.is_active)
        .order_by(User.display_name)))


@bp.get("/")
@permission_required(Permission.answer_feedback)
def inbox():
    """The agency's feedback, open and most overdue first."""
    form = InboxFilterForm(MultiDict(request.args))
    form.status.choices = [SelectChoice("", "")] + [SelectChoice(code, text) for code, text in labels.STATUSES.items()]
    cases = case_queries.list_agency_cases(db.session, current_user.agency_id)
    form.case.choices = [SelectChoice("", "")] + [SelectChoice(c.slug, c.title(str(get_locale()))) for c in cases]
    page_number = requested_page()
    if page_number is None or (request.args and not form.validate()):
        return render_template("feedback/inbox.html", form=form, page=None, now=utcnow()), 400
    filters = queries.InboxFilters(status=form.status.data or None, case=form.case.data or None,
                                   overdue=bool(form.overdue.data))
    page = queries.list_inbox(db.session, current_user.agency_id, filters, page=page_number, now=utcnow())
    return render_template("feedback/inbox.html", form=form, page=page, now=utcnow())


def load_item(tracking_number: str) -> Feedback:
    """The item, if the current staff member's agency is responsible for it; else 404."""
    feedback = queries.get_feedback(db.session, tracking_number)
    if feedback is None or not permissions.can_handle(current_user, feedback):
        abort(404)
    return feedback


def render_item(feedback: Feedback, status: int = 200, **forms):
    locale = str(get_locale())
    assign_form = forms.pop("assign_form", None) or AssignForm(
        formdata=None, assignee=str(feedback.assigned_to_id or ""))
    assign_form.set_colleagues(_colleagues())
    forward_form = forms.pop("forward_form", None) or ForwardForm(formdata=None)
    forward_form.set_agencies(list_active_agencies(db.session), feedback.agency_id, locale)
    extend_form = forms.pop("extend_form", None) or ExtendForm(formdata=None)
    status_form = forms.pop("status_form", None) or StatusForm(formdata=None)
    status_form.status.choices = [SelectChoice(code, labels.STATUSES[code])
                                  for code in services.ALLOWED_CHANGES.get(feedback.status, ())]
    return render_template(
        "feedback/item.html", feedback=feedback, now=utcnow(), notes=queries.list_notes(db.session, feedback),
        event_agencies=queries.get_forwarding_agencies(db.session, feedback),
        response_form=forms.pop("response_form", None) or ResponseForm(formdata=None),
        note_form=forms.pop("note_form", None) or NoteForm(formdata=None),
        assign_form=assign_form, forward_form=forward_form, status_form=status_form, extend_form=extend_form,
    ), status


@bp.get("/feedback/<tracking_number>")
@permission_required(Permission.answer_feedback)
def item(tracking_number: str):
    """One item for its agency's staff, with the public answer form."""
    return render_item(load_item(tracking_number))


def _act(feedback: Feedback, form, form_key: str, call, field: str, done: str, then: str | None = None):
    """Run one of the item page's forms: ``call`` its service and go back to the item (or ``then``); a
    refused ``form`` is shown again on the item page as ``form_key``."""
    return post_form(form, call, show=lambda status: render_item(feedback, status, **{form_key: form}),
                     field=field, done=done,
                     then=then or url_for("feedback_staff.item", tracking_number=feedback.tracking_number))


@bp.post("/feedback/<tracking_number>")
@permission_required(Permission.answer_feedback)
def respond(tracking_number: str):
    """Publish the agency's official answer."""
    feedback = load_item(tracking_number)
    form = ResponseForm()
    if not form.validate_on_submit():
        return render_item(feedback, 422, response_form=form)
    with refusal(field=form.body) as refused:
        services.publish_response(db.session, feedback, actor=current_user, body=form.body.data,
                                  unit=form.unit.data or "")
    if refused:
        return render_item(feedback, 422, response_form=form)
    db.session.commit()
    flash(_("Your answer is published and the author has been told."), "success")
    return redirect(url_for("feedback_staff.item", tracking_number=tracking_number))


@bp.post("/feedback/<tracking_number>/acknowledge")
@permission_required(Permission.answer_feedback)
def acknowledge(tracking_number: str):
    """Acknowledge (受理) the item, in public; acknowledging it again changes nothing."""
    feedback = load_item(tracking_number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        done = services.acknowledge(db.session, feedback, actor=current_user)
    if refused:
        return redirect(url_for("feedback_staff.item", tracking_number=tracking_number))
    db.session.commit()
    flash(_("Acknowledged. The item's public page shows when.") if done
          else _("This item was already acknowledged."), "success" if done else "info")
    return redirect(url_for("feedback_staff.item", tracking_number=tracking_number))


@bp.post("/feedback/<tracking_number>/assign")
@permission_required(Permission.answer_feedback)
def assign(tracking_number: str):
    """Give the item to a colleague."""
    feedback = load_item(tracking_number)
    form = AssignForm()
    form.set_colleagues(_colleagues())
    return _act(feedback, form, "assign_form",
                lambda: services.assign(db.session, feedback, int(form.assignee.data) if form.assignee.data else None,
                                        actor=current_user),
                "assignee", _("Assigned."))


@bp.post("/feedback/<tracking_number>/note")
@permission_required(Permission.answer_feedback)
def note(tracking_number: str):
    """Add an internal note."""
    feedback = load_item(tracking_number)
    form = NoteForm()
    return _act(feedback, form, "note_form",
                lambda: services.add_note(db.session, feedback, form.note.data, actor=current_user),
                "note", _("Note added."))


@bp.post("/feedback/<tracking_number>/status")
@permission_required(Permission.answer_feedback)
def status(tracking_number: str):
    """Change the item's status."""
    feedback = load_item(tracking_number)
    form = StatusForm()
    form.status.choices = [SelectChoice(code, code) for code in services.ALLOWED_CHANGES.get(feedback.status, ())]
    return _act(feedback, form, "status_form",
                lambda: services.change_status(db.session, feedback, form.status.data, actor=current_user),
                "status", _("Status changed; the author has been told."))


@bp.post("/feedback/<tracking_number>/extend")
@permission_required(Permission.answer_feedback)
def extend(tracking_number: str):
    """Give the item more time, once, with a public reason."""
    feedback = load_item(tracking_number)
    form = ExtendForm()
    form.window = deadlines.extension_window(db.session, feedback)
    return _act(feedback, form, "extend_form",
                lambda: deadlines.extend_deadline(db.session, feedback, form.new_due.data,
                                                  actor=current_user, reason=form.reason.data),
                "new_due", _("The deadline is extended; the reason is public on the item's page."))


@bp.post("/feedback/<tracking_number>/forward")
@permission_required(Permission.answer_feedback)
def forward(tracking_number: str):
    """Send the item to the agency it belongs to, with a public reason."""
    feedback = load_item(tracking_number)
    form = ForwardForm()
    form.set_agencies(list_active_agencies(db.session), feedback.agency_id, str(get_locale()))
    return _act(feedback, form, "forward_form",
                lambda: services.forward(db.session, feedback, get_agency_by_code(db.session, form.agency.data),
                                         actor=current_user, reason=form.reason.data),
                "agency", _("Forwarded. The other agency's deadline starts now."),
                then=url_for("feedback_staff.inbox"))
