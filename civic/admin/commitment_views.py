"""The authority's screens for the action plan's commitments: texts, yearly targets, milestones.

Behind the admin wall and a rule on each view; every change goes through civic.commitments.services,
which checks the actor again and writes the audit row.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.cases.forms import choices
from civic.commitments import permissions, queries, services
from civic.commitments.forms import CommitmentForm, MilestoneForm, RemoveForm, TargetForm
from civic.commitments.labels import MEASURES, year_label
from civic.commitments.models import Commitment
from civic.core.errors import DomainError
from civic.core.permissions import Permission
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.web.access import permission_required, require, walled
from civic.web.forms import form_status, post_form, refusal

bp = walled(Blueprint("admin_commitments", __name__, url_prefix="/admin/commitments"), Permission.manage_commitments)


def _commitment(code: str) -> Commitment:
    require(permissions.can_manage(current_user))
    return queries.get_commitment_by_code(db.session, code) or abort(404)


@bp.get("")
@permission_required(Permission.manage_commitments)
def index():
    """Every commitment with this year's progress, each linking to where its targets are set."""
    require(permissions.can_manage(current_user))
    now = utcnow()
    return render_template("admin/commitments.html", progress=queries.list_progress(db.session, now),
                           measures=MEASURES, year_label=year_label, current_year=to_taipei(now).year)


def _render_manage(commitment: Commitment, target_form: TargetForm, status: int = 200):
    now = utcnow()
    item = next(p for p in queries.list_progress(db.session, now) if p.commitment.id == commitment.id)
    return render_template("admin/commitment.html", item=item, commitment=commitment, target_form=target_form,
                           measures=MEASURES, year_label=year_label,
                           current_year=to_taipei(now).year), status


@bp.get("/<code>")
@permission_required(Permission.manage_commitments)
def manage(code: str):
    """One commitment: its texts, its targets by year with the value reached, and its milestones."""
    commitment = _commitment(code)
    return _render_manage(commitment, TargetForm(formdata=None, year=to_taipei(utcnow()).year))


def _commitment_form(commitment: Commitment | None) -> CommitmentForm:
    form = CommitmentForm(obj=commitment)
    form.measure.choices = choices(MEASURES, blank=_("Choose a measure"))
    if commitment is not None:
        # The code and the measure are fixed once chosen; whatever is posted, they stay.
        form.code.data = commitment.code
        form.measure.data = commitment.measure
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.manage_commitments)
def edit(code: str | None = None):
    """Add a commitment, or change the titles, descriptions and position of one."""
    require(permissions.can_manage(current_user))
    commitment = _commitment(code) if code is not None else None
    form = _commitment_form(commitment)

    def save() -> None:
        data = services.CommitmentInput(title_zh=form.title_zh.data, title_en=form.title_en.data or "",
                                        description_zh=form.description_zh.data or "",
                                        description_en=form.description_en.data or "", position=form.position.data)
        if commitment is None:
            services.create_commitment(db.session, form.code.data, form.measure.data, data, actor=current_user)
        else:
            services.update_commitment(db.session, commitment, data, actor=current_user)

    # The code is the commitment's own, or the new one as typed (the form strips it, as the service does).
    return post_form(form, save, show=lambda status: (render_template("admin/commitment_form.html", form=form,
                                                                      commitment=commitment), status),
                     field="title_zh", done=_("Commitment %(code)s saved.", code=form.code.data),
                     then=lambda: url_for("admin_commitments.manage", code=form.code.data))


@bp.post("/<code>/targets")
@permission_required(Permission.manage_commitments)
def set_target(code: str):
    """Set, or change, the target of one year."""
    commitment = _commitment(code)
    form = TargetForm()
    form.commitment = commitment
    if not form.validate_on_submit():
        return _render_manage(commitment, form, 422)
    with refusal(form, "target") as refused:
        services.set_target(db.session, commitment, year=form.year.data, target=form.target.data,
                            actor=current_user)
    if refused:
        return _render_manage(_commitment(code), form, 422)
    db.session.commit()
    flash(_("Target for %(year)s saved.", year=year_label(form.year.data, _locale())), "success")
    return redirect(url_for("admin_commitments.manage", code=code))


@bp.post("/<code>/targets/<int:year>/remove")
@permission_required(Permission.manage_commitments)
def remove_target(code: str, year: int):
    """Take away the target of one year."""
    commitment = _commitment(code)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        services.remove_target(db.session, commitment, year, actor=current_user)
    except DomainError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("Target for %(year)s removed.", year=year_label(year, _locale())), "success")
    return redirect(url_for("admin_commitments.manage", code=code))


@bp.route("/<code>/milestones/new", methods=["GET", "POST"])
@bp.route("/<code>/milestones/<int:milestone_id>", methods=["GET", "POST"])
@permission_required(Permission.manage_commitments)
def milestone(code: str, milestone_id: int | None = None):
    """Add a milestone, or change one's titles and dates (and mark it done)."""
    commitment = _commitment(code)
    found = None
    if milestone_id is not None:
        found = queries.get_milestone(db.session, commitment, milestone_id) or abort(404)
    form = MilestoneForm(obj=found)
    if not form.validate_on_submit():
        status = form_status(form)
        return render_template("admin/commitment_milestone.html", form=form, commitment=commitment,
                               milestone=found), status
    data = form.milestone_input()
    with refusal(form, "title_zh") as refused:
        if found is None:
            services.add_milestone(db.session, commitment, data, actor=current_user)
        else:
            services.update_milestone(db.session, found, data, commitment=commitment, actor=current_user)
    if refused:
        return render_template("admin/commitment_milestone.html", form=form, commitment=commitment,
                               milestone=found), 422
    db.session.commit()
    flash(_("Milestone saved."), "success")
    return redirect(url_for("admin_commitments.manage", code=code))


@bp.post("/<code>/milestones/<int:milestone_id>/remove")
@permission_required(Permission.manage_commitments)
def remove_milestone(code: str, milestone_id: int):
    """Remove a milestone."""
    commitment = _commitment(code)
    found = queries.get_milestone(db.session, commitment, milestone_id) or abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    services.remove_milestone(db.session, found, commitment=commitment, actor=current_user)
    db.session.commit()
    flash(_("Milestone removed."), "success")
    return redirect(url_for("admin_commitments.manage", code=code))


def _locale() -> str:
    return str(get_locale())
