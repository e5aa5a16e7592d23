"""The agency's workshops for its staff: hold, edit and cancel a workshop; the attendee list,
its CSV export, attendance and messages to participants.

Staff only, behind the blueprint's wall; each workshop only for its own agency's staff
(another agency's workshop answers 403: it is public, its attendees are not).
"""

from __future__ import annotations

import itertools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from civic.accounts.reauth import recent_sign_in_required_to_read
from civic.cases import queries as case_queries
from civic.core.errors import DomainError
from civic.core.permissions import Permission
from civic.core.text import parse_id
from civic.core.time import isoformat, utcnow
from civic.extensions import db
from civic.web.access import permission_required, require
from civic.web.downloads import csv_response
from civic.web.forms import form_status, refusal
from civic.workshops import labels, participants, permissions, queries, services
from civic.workshops.forms import CancelWorkshopForm, EmptyForm, MessageForm, WorkshopForm
from civic.workshops.models import Registration, Workshop
from civic.workshops.phones import for_display

bp = Blueprint("workshops_staff", __name__, url_prefix="/staff/workshops")


@bp.before_request
@permission_required(Permission.hold_workshops)
def wall() -> None:
    """The agency's workshop screens are for agency staff only."""


def load_own_workshop(workshop_id: int) -> Workshop:
    """The workshop, if the current staff member's agency holds it: else 404 or 403."""
    workshop = queries.get_workshop(db.session, workshop_id)
    if workshop is None:
        abort(404)
    require(permissions.can_manage(current_user, workshop))
    return workshop


def _form_with_cases(form: WorkshopForm) -> WorkshopForm:
    locale = str(get_locale())
    cases = [c for c in case_queries.list_agency_cases(db.session, current_user.agency_id) if c.is_published]
    form.set_cases(cases, locale)
    return form


@bp.get("/")
@permission_required(Permission.hold_workshops)
def index():
    """The agency's workshops, latest first, with seats taken and waiting."""
    workshops = queries.list_agency_workshops(db.session, current_user.agency_id)
    return render_template("workshops/staff_index.html", workshops=workshops, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.hold_workshops)
def new():
    """Hold a new workshop for the staff member's agency."""
    require(permissions.can_create(current_user))
    form = _form_with_cases(WorkshopForm(case=request.args.get("case", "")))
    if not form.validate_on_submit():
        return render_template("workshops/form.html", form=form, workshop=None), form_status(form)
    with refusal(form, "title") as refused:
        workshop = services.create_workshop(db.session, form.workshop_input(), actor=current_user)
    if refused:
        return render_template("workshops/form.html", form=form, workshop=None), 422
    workshop_id = workshop.id
    db.session.commit()
    flash(_("The workshop is published and open for sign-ups."), "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.hold_workshops)
def edit(workshop_id: int):
    """Change a workshop; people signed up hear of a new time or place."""
    workshop = load_own_workshop(workshop_id)
    if workshop.is_cancelled:
        abort(409)
    form = WorkshopForm(obj=None, data=None if request.method == "POST" else {
        "title": workshop.title, "description": workshop.description,
        "case": workshop.case.slug if workshop.case else "", "starts_at": workshop.starts_at,
        "ends_at": workshop.ends_at, "signup_deadline": workshop.signup_deadline_at,
        "capacity": workshop.capacity, "location": workshop.location, "online_url": workshop.online_url,
        "accessibility": workshop.accessibility, "questions": "\n".join(workshop.questions)})
    form.existing = workshop
    _form_with_cases(form)
    if not form.validate_on_submit():
        return render_template("workshops/form.html", form=form, workshop=workshop), \
            form_status(form)
    with refusal(form, "title") as refused:
        promoted = services.update_workshop(db.session, workshop, form.workshop_input(), actor=current_user)
    if refused:
        return render_template("workshops/form.html", form=form, workshop=load_own_workshop(workshop_id)), 422
    db.session.commit()
    flash(_("Saved.") if not promoted else
          ngettext("Saved. %(num)d person on the waitlist now has a seat and has been told.",
                   "Saved. %(num)d people on the waitlist now have a seat and have been told.", len(promoted)),
          "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))


def render_manage(workshop: Workshop, status: int = 200, **forms):
    registrations = queries.list_registrations(db.session, workshop.id)
    return render_template(
        "workshops/manage.html", workshop=workshop, registrations=registrations,
        counts=queries.count_registrations(db.session, workshop.id), now=utcnow(),
        attendance_opens=participants.attendance_opens(workshop), phone=for_display,
        attendance_form=forms.pop("attendance_form", None) or EmptyForm(formdata=None),
        attendance_error=forms.pop("attendance_error", None),
        cancel_form=EmptyForm(formdata=None),
    ), status


@bp.get("/<int:workshop_id>")
@permission_required(Permission.hold_workshops)
def manage(workshop_id: int):
    """The attendee list of one of the agency's workshops, with attendance and actions."""
    return render_manage(load_own_workshop(workshop_id))


@bp.post("/<int:workshop_id>/attendance")
@permission_required(Permission.hold_workshops)
def attendance(workshop_id: int):
    """Record who came."""
    workshop = load_own_workshop(workshop_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [parse_id(value) for value in request.form.getlist("attended")]
    if None in ids:
        abort(400)
    try:
        attended, _changed = participants.record_attendance(db.session, workshop, set(ids),
                                                        actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return render_manage(load_own_workshop(workshop_id), 422, attendance_error=error.message)
    db.session.commit()
    flash(_("Attendance saved: %(count)d attended.", count=attended), "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))


@bp.post("/<int:workshop_id>/registrations/<int:registration_id>/cancel")
@permission_required(Permission.hold_workshops)
def cancel_registration(workshop_id: int, registration_id: int):
    """Cancel one person's registration for them (e.g. they phoned); the waitlist moves up."""
    workshop = load_own_workshop(workshop_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.workshop_id != workshop.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        promoted = services.cancel_registration(db.session, registration, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return render_manage(load_own_workshop(workshop_id), 409, attendance_error=error.message)
    db.session.commit()
    flash(_("The registration is cancelled and the person has been told.") if not promoted else
          _("The registration is cancelled; the first person on the waitlist now has the seat and has been told."),
          "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))


@bp.get("/<int:workshop_id>/attendees.csv")
@permission_required(Permission.hold_workshops)
@recent_sign_in_required_to_read
def export(workshop_id: int):
    """The attendee list as CSV, UTF-8 with a BOM so Excel reads the Chinese; audited."""
    workshop = load_own_workshop(workshop_id)
    registrations = queries.list_registrations(db.session, workshop.id)
    participants.record_export(db.session, workshop, actor=current_user)
    db.session.commit()
    header = [_("Status"), _("Waitlist number"), _("Name"), _("Email"), _("Phone"), _("Signed up"), _("Attended"),
              *workshop.questions]
    rows = ([labels.label(labels.REGISTRATION_STATUSES, person.status), person.position or "", person.name,
             person.email, person.phone, isoformat(person.created_at),
             isoformat(person.attended_at) if person.attended_at else "",
             *(list(person.answers or []) + [""] * len(workshop.questions))[:len(workshop.questions)]]
            for person in registrations)
    return csv_response(itertools.chain([header], rows), f"workshop-{workshop.id}-attendees.csv", private=True)


@bp.route("/<int:workshop_id>/message", methods=["GET", "POST"])
@permission_required(Permission.hold_workshops)
def message(workshop_id: int):
    """Write to the workshop's participants by mail (through the outbox)."""
    workshop = load_own_workshop(workshop_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_template("workshops/message.html", workshop=workshop, form=form), \
            form_status(form)
    with refusal(form, "body") as refused:
        count = participants.message_participants(db.session, workshop, actor=current_user, audience=form.audience.data,
                                              subject=form.subject.data, body=form.body.data)
    if refused:
        return render_template("workshops/message.html", workshop=load_own_workshop(workshop_id), form=form), 422
    db.session.commit()
    flash(ngettext("Your message is on its way to %(num)d person.", "Your message is on its way to %(num)d people.",
                   count), "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))


@bp.route("/<int:workshop_id>/cancel", methods=["GET", "POST"])
@permission_required(Permission.hold_workshops)
def cancel(workshop_id: int):
    """Call the workshop off with a public reason; everyone signed up is told."""
    workshop = load_own_workshop(workshop_id)
    form = CancelWorkshopForm()
    if not form.validate_on_submit():
        return render_template("workshops/cancel_workshop.html", workshop=workshop, form=form), \
            form_status(form)
    with refusal(form, "reason") as refused:
        told = services.cancel_workshop(db.session, workshop, actor=current_user, reason=form.reason.data)
    if refused:
        return render_template("workshops/cancel_workshop.html", workshop=load_own_workshop(workshop_id),
                               form=form), 409
    db.session.commit()
    flash(ngettext("The workshop is cancelled; %(num)d person has been told.",
                   "The workshop is cancelled; %(num)d people have been told.", told), "success")
    return redirect(url_for("workshops_staff.manage", workshop_id=workshop_id))
