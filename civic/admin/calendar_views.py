"""The office calendar that deadlines count: upload the DGPA's CSV, see what changes, apply it all."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from civic.admin.forms import CalendarImportForm
from civic.core import office_calendar
from civic.core.clock import OfficeDay
from civic.core.permissions import Permission
from civic.extensions import db
from civic.feedback.deadlines import import_office_calendar
from civic.web.access import permission_required, walled
from civic.web.forms import form_status

bp = walled(Blueprint("admin_calendar", __name__, url_prefix="/admin/calendar"), Permission.manage_calendar)


def _page(form: CalendarImportForm, calendar_file=None, status: int = 200):
    first, last, count = db.session.execute(
        select(func.min(OfficeDay.day), func.max(OfficeDay.day), func.count(OfficeDay.day))).one()
    return render_template("admin/calendar.html", form=form, calendar_file=calendar_file, first=first, last=last,
                           count=count), status


@bp.route("", methods=["GET", "POST"])
@permission_required(Permission.manage_calendar)
def index():
    """Upload an office calendar, check it, then put it in force and move open deadlines."""
    form = CalendarImportForm()
    if not form.validate_on_submit():
        return _page(form, status=form_status(form))
    if form.file.data:
        calendar_file = office_calendar.read(db.session, form.file.data.read())
        if calendar_file.rows:
            form.content.data = "\n".join(
                [",".join(office_calendar.COLUMNS)]
                + [f"{row.day:%Y%m%d},{office_calendar.WEEKDAYS[row.day.weekday()]},"
                   f"{2 if row.is_holiday else 0},{row.note.replace(',', '，')}" for row in calendar_file.rows])
        return _page(form, calendar_file, 200 if calendar_file.is_valid else 422)
    if not form.content.data:
        form.file.errors = [_("Choose a CSV file.")]
        return _page(form, status=422)
    calendar_file = office_calendar.read(db.session, form.content.data.encode("utf-8"))
    if not calendar_file.is_valid:
        return _page(form, calendar_file, 422)
    changed, moved = import_office_calendar(db.session, calendar_file, actor=current_user)
    db.session.commit()
    flash(_("The office calendar is in force: %(changed)d days changed, %(moved)d open deadlines moved.",
            changed=changed, moved=moved), "success")
    return redirect(url_for("admin_calendar.index"))
