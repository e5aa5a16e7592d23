"""Administration of agencies: list, search, create, edit, (de)activate, delete, import CSV."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.admin.forms import AgencyForm, EmptyForm, ImportForm, agency_choices
from civic.agencies import importing
from civic.agencies.models import Agency
from civic.agencies.queries import get_agency_by_code, list_active_agencies, list_agencies
from civic.agencies.services import delete_agency, save_agency, set_active
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, walled
from civic.web.forms import form_status, post_form, refusal
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_agencies", __name__, url_prefix="/admin/agencies"), Permission.manage_agencies)


@bp.get("")
@permission_required(Permission.manage_agencies)
def index():
    """Every agency, searchable by code or name."""
    q = request.args.get("q", "").strip()[:100]
    page = list_agencies(db.session, q=q or None, page=requested_page() or abort(400))
    return render_template("admin/agencies.html", page=page, q=q)


def _form_page(form: AgencyForm, agency: Agency | None, status: int = 200):
    return render_template("admin/agency_form.html", form=form, agency=agency), status


def _agency_form(agency: Agency | None) -> AgencyForm:
    data = {}
    if agency is not None and request.method == "GET":
        data = {"code": agency.code, "name_zh": agency.name_zh, "name_en": agency.name_en,
                "parent_code": db.session.get(Agency, agency.parent_id).code if agency.parent_id else "",
                "contact_email": agency.contact_email, "response_days": agency.response_days,
                "counts_calendar_days": not agency.answers_in_working_days}
    form = AgencyForm(**data)
    candidates = [a for a in list_active_agencies(db.session) if agency is None or a.id != agency.id]
    form.parent_code.choices = agency_choices(candidates, str(get_locale()))
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.manage_agencies)
def edit(code: str | None = None):
    """Create an agency, or change one."""
    agency = None
    if code is not None:
        agency = get_agency_by_code(db.session, code) or abort(404)
    form = _agency_form(agency)
    # The agency keeps the code as typed (the form strips it).
    code = form.code.data
    return post_form(form, lambda: save_agency(db.session, form.agency_input(), agency=agency, actor=current_user),
                     show=lambda status: _form_page(form, agency, status), field="code",
                     done=_("Agency %(code)s saved.", code=code), then=url_for("admin_agencies.index", q=code))


@bp.post("/<code>/active")
@permission_required(Permission.manage_agencies)
def toggle_active(code: str):
    """Deactivate an agency, or bring it back."""
    agency = get_agency_by_code(db.session, code) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    set_active(db.session, agency, active=not agency.is_active, actor=current_user)
    db.session.commit()
    flash(_("Agency %(code)s is active again.", code=code) if agency.is_active
          else _("Agency %(code)s is deactivated.", code=code), "success")
    return redirect(url_for("admin_agencies.index", q=code))


@bp.post("/<code>/delete")
@permission_required(Permission.manage_agencies)
def delete(code: str):
    """Delete an agency nothing refers to."""
    agency = get_agency_by_code(db.session, code) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        delete_agency(db.session, agency, actor=current_user)
    if refused:
        return redirect(url_for("admin_agencies.index", q=code))
    db.session.commit()
    flash(_("Agency %(code)s deleted.", code=code), "success")
    return redirect(url_for("admin_agencies.index"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Permission.manage_agencies)
def import_csv():
    """Upload a CSV of agencies, see every row checked, then import it all or nothing."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/agency_import.html", form=form, plan=None), form_status(form)
    if form.file.data:
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [_("Save the file as UTF-8 CSV and upload it again.")]
            return render_template("admin/agency_import.html", form=form, plan=None), 422
        plan = importing.parse(db.session, text)
        form.content.data = text
        return render_template("admin/agency_import.html", form=form, plan=plan), 200 if plan.is_valid else 422
    if not form.content.data:
        form.file.errors = [_("Choose a CSV file.")]
        return render_template("admin/agency_import.html", form=form, plan=None), 422
    plan = importing.parse(db.session, form.content.data)
    with refusal(form, "file") as refused:
        written = importing.apply(db.session, plan, actor=current_user)
    if refused:
        return render_template("admin/agency_import.html", form=form, plan=plan), 422
    db.session.commit()
    flash(_("%(count)d agencies imported.", count=written), "success")
    return redirect(url_for("admin_agencies.index"))
