"""Public workshop pages: the list, one workshop with its sign-up form, calendars, and each
person's own registration page (reached by the secret link in their mail) to see or cancel it.

No page here shows anyone's personal data except, on their own registration page, the
person's own name and a masked email.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

import config as settings
from civic.core.errors import DomainError
from civic.core.time import isoformat, to_taipei, utcnow
from civic.extensions import db, limiter
from civic.web.access import public, require
from civic.web.errors import how_to_check_if_stored
from civic.web.forms import refusal
from civic.web.paging import requested_page
from civic.web.templating import format_datetime, time_tag
from civic.workshops import calendars, labels, permissions, queries, services
from civic.workshops.forms import EmptyForm, SignupForm, WorkshopFilterForm, signup_form
from civic.workshops.models import Registration, Workshop
from civic.workshops.retention import retention_days

bp = Blueprint("workshops", __name__)


@bp.app_template_global()
def workshop_label(table: str, code: str | None) -> str:
    """The label of a stored code, e.g. workshop_label('REGISTRATION_STATUSES', registration.status)."""
    return labels.label(getattr(labels, table), code)


@bp.app_template_filter("workshop_time")
def workshop_time(value: str | datetime | None) -> str:
    """A time from a mail's context (ISO 8601) or a model, in Taipei time and the page's language."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment)


@bp.app_template_global()
def workshop_when(workshop: Workshop) -> Markup:
    """When a workshop takes place: its start, and its end (only the time when on the same day)."""
    start, end = workshop.starts_at, workshop.ends_at
    if to_taipei(start).date() != to_taipei(end).date():
        return Markup("{} – {}").format(time_tag(start, with_time=True), time_tag(end, with_time=True))
    end_tag = Markup('<time datetime="{}">{}</time>').format(isoformat(end), to_taipei(end).strftime("%H:%M"))
    return Markup("{} – {}").format(time_tag(start, with_time=True), end_tag)


@bp.app_template_filter("masked_email")
def masked_email(email: str | None) -> str:
    """c***@example.tw: enough for people to recognise their own address, not to read it."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


@bp.app_template_global()
def workshops_now() -> datetime:
    return utcnow()


@bp.app_template_global()
def upcoming_workshops(limit: int = 3) -> list[Workshop]:
    """The next workshops, for the home page (templates/workshops/_upcoming.html)."""
    return queries.list_upcoming_workshops(db.session, utcnow(), limit=limit)


@bp.get("/workshops")
@public
def index():
    """Every workshop, upcoming first; filters by agency and case; past ones stay listed."""
    locale = str(get_locale())
    form = WorkshopFilterForm(MultiDict(request.args))
    form.set_choices(queries.list_filter_agencies(db.session), queries.list_filter_cases(db.session), locale)
    page_number = requested_page() or abort(400)
    if (request.args.get("agency") or request.args.get("case")) and not form.validate():
        return render_template("workshops/index.html", form=form, page=None, now=utcnow()), 400
    now = utcnow()
    filters = queries.WorkshopFilters(agency=form.agency.data or None, case=form.case.data or None)
    page = queries.list_workshops(db.session, filters, page=page_number, now=now)
    if page_number > page.pages:
        abort(404)
    return render_template("workshops/index.html", form=form, page=page, now=now)


def load_workshop(workshop_id: int) -> Workshop:
    return queries.get_workshop(db.session, workshop_id) or abort(404)


def render_detail(workshop: Workshop, form: SignupForm | None = None, status: int = 200):
    if form is None:
        prefill = {}
        if current_user.is_authenticated:
            prefill = {"name": current_user.display_name, "email": current_user.email}
        form = signup_form(workshop, formdata=None, **prefill)
    return render_template("workshops/detail.html", workshop=workshop, form=form, now=utcnow(),
                           can_manage=permissions.can_manage(current_user, workshop),
                           retention_days=retention_days()), status


@bp.get("/workshops/<int:workshop_id>")
@public
def detail(workshop_id: int):
    """One workshop: when, where, seats left, and the sign-up form while sign-ups are open."""
    return render_detail(load_workshop(workshop_id))


def _signup_limit() -> str:
    return current_app.config.get("WORKSHOP_SIGNUP_RATE_LIMIT", settings.Config.WORKSHOP_SIGNUP_RATE_LIMIT)


@bp.post("/workshops/<int:workshop_id>")
@public
@limiter.limit(_signup_limit)
def sign_up(workshop_id: int):
    """Sign up: a seat when one is free, otherwise a place on the waitlist."""
    workshop = load_workshop(workshop_id)
    require(permissions.can_sign_up(current_user))
    form = signup_form(workshop)
    if not form.validate_on_submit():
        return render_detail(workshop, form, 422)
    data = form.signup_input()
    user = current_user if current_user.is_authenticated else None
    with refusal(form, "name") as refused:
        result = services.sign_up(db.session, workshop, data, user=user, locale=str(get_locale()))
    if refused:
        return render_detail(load_workshop(workshop_id), form, 409 if refused.error.code == "conflict" else 422)
    token = result.registration.cancel_token
    how_to_check_if_stored(_("If your sign-up was stored, we will send you a mail about it. Signing up again "
                             "with the same email address is safe: we will tell you if you are already signed "
                             "up."))
    db.session.commit()
    if result.is_confirmed:
        flash(_("You have a seat. We have sent you a confirmation mail."), "success")
    else:
        # Waiting is not done: a neutral notice, not the green one.
        flash(_("The workshop is full. You are number %(place)d on the waitlist; we will mail you if a seat "
                "comes free.", place=result.place), "info")
    return redirect(url_for("workshops.registration", token=token))


def _calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store" if filename.startswith("my-") else "public, max-age=300"
    return response


def _calendar(workshops, name: str, *, online_for: Workshop | None = None) -> bytes:
    site = current_app.config["SITE_URL"]
    return calendars.build_calendar(
        workshops, name=name, host=urlsplit(site).hostname or "civic",
        page_url=lambda w: url_for("workshops.detail", workshop_id=w.id, _external=True),
        stamp=utcnow(), online_for=online_for, online_label=_("Online link"))


@bp.get("/workshops.ics")
@public
def feed():
    """Every upcoming workshop as an iCalendar feed to subscribe to (no personal data, no links)."""
    workshops = queries.list_upcoming_workshops(db.session, utcnow())
    return _calendar_response(_calendar(workshops, _("Participation workshops")), "workshops.ics")


@bp.get("/workshops/<int:workshop_id>.ics")
@public
def calendar(workshop_id: int):
    """One workshop as an iCalendar file."""
    workshop = load_workshop(workshop_id)
    return _calendar_response(_calendar([workshop], workshop.title), f"workshop-{workshop.id}.ics")


def load_registration(token: str) -> Registration | None:
    return queries.get_registration_by_token(db.session, token)


def _link_problem():
    return render_template("workshops/link_problem.html"), 404


@bp.get("/workshops/registrations/<token>")
@public
def registration(token: str):
    """A person's own registration: status, waitlist place, online link once seated, cancel link."""
    person = load_registration(token)
    if person is None or person.purged_at is not None:
        return _link_problem()
    return render_template("workshops/registration.html", registration=person, workshop=person.workshop,
                           place=queries.waitlist_place(db.session, person), now=utcnow())


@bp.get("/workshops/registrations/<token>/calendar.ics")
@public
def my_calendar(token: str):
    """The person's own calendar file: with the online link once they hold a seat."""
    person = load_registration(token)
    if person is None or person.purged_at is not None:
        return _link_problem()
    workshop = person.workshop
    return _calendar_response(_calendar([workshop], workshop.title, online_for=workshop if person.holds_seat
                                        else None), f"my-workshop-{workshop.id}.ics")


@bp.route("/workshops/registrations/<token>/cancel", methods=["GET", "POST"])
@public
def cancel(token: str):
    """Cancel one's own registration from the link in the mail, after confirming."""
    person = load_registration(token)
    if person is None or person.purged_at is not None:
        return _link_problem()
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("workshops/cancel.html", registration=person, workshop=person.workshop, form=form,
                               now=utcnow(), error=None)
    try:
        services.cancel_registration(db.session, person)
    except DomainError as error:
        db.session.rollback()
        person = load_registration(token)
        return render_template("workshops/cancel.html", registration=person, workshop=person.workshop, form=form,
                               now=utcnow(), error=error.message), 409
    db.session.commit()
    flash(_("Your registration has been cancelled. Thank you for telling us."), "success")
    return redirect(url_for("workshops.registration", token=token))
