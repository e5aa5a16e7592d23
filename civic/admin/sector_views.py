"""Administration of the managed list of sectors: list, add, change, remove an unused one."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.admin.forms import EmptyForm, SectorForm
from civic.cases.forms import choices
from civic.cases.queries import get_sector_by_code, list_sectors
from civic.cases.sectors import OC4IDS_SECTORS, SectorInput, case_counts, create_sector, delete_sector, update_sector
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, walled
from civic.web.forms import post_button, post_form

bp = walled(Blueprint("admin_sectors", __name__, url_prefix="/admin/sectors"), Permission.manage_sectors)


@bp.get("")
@permission_required(Permission.manage_sectors)
def index():
    """Every sector in the order lists show them, with how many cases use it."""
    return render_template("admin/sectors.html", sectors=list_sectors(db.session), counts=case_counts(db.session),
                           empty_form=EmptyForm())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.manage_sectors)
def edit(code: str | None = None):
    """Add a sector, or change the names, OC4IDS code and position of one."""
    sector = None
    if code is not None:
        sector = get_sector_by_code(db.session, code) or abort(404)
    form = SectorForm(obj=sector)
    form.oc4ids_code.choices = choices({key: f"{key} – {title}" for key, title in OC4IDS_SECTORS.items()},
                                       blank=_("Choose a sector"))
    if sector is not None:
        # The code is fixed once chosen; whatever is posted, the sector's own code stays.
        form.code.data = sector.code

    def save() -> None:
        data = SectorInput(code=form.code.data, name_zh=form.name_zh.data, name_en=form.name_en.data,
                           oc4ids_code=form.oc4ids_code.data, position=form.position.data)
        if sector is None:
            create_sector(db.session, data, actor=current_user)
        else:
            update_sector(db.session, sector, data, actor=current_user)

    return post_form(form, save, show=lambda status: (render_template("admin/sector_form.html", form=form,
                                                                      sector=sector), status),
                     field="code", done=_("Sector %(code)s saved.", code=form.code.data),
                     then=url_for("admin_sectors.index"))


@bp.post("/<code>/delete")
@permission_required(Permission.manage_sectors)
def delete(code: str):
    """Remove a sector no case uses."""
    sector = get_sector_by_code(db.session, code) or abort(404)
    return post_button(lambda: delete_sector(db.session, sector, actor=current_user),
                       done=_("Sector %(code)s removed.", code=code), then=url_for("admin_sectors.index"))
