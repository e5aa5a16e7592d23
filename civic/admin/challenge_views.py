"""The administrators' screens for the data challenges (開放資料競賽): list, add, change, remove.
Behind the administrators' wall; every change goes through civic.showcase.services, which checks the
actor again and writes the audit row."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.core.permissions import Permission
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.showcase import labels, permissions, queries, services
from civic.showcase.forms import ChallengeForm
from civic.showcase.models import Challenge
from civic.web.access import permission_required, require, walled
from civic.web.forms import post_button, post_form
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_challenges", __name__, url_prefix="/admin/challenges"), Permission.manage_challenges)


def _challenge(challenge_id: int) -> Challenge:
    require(permissions.can_manage_challenges(current_user))
    return queries.get_challenge(db.session, challenge_id) or abort(404)


@bp.get("")
@permission_required(Permission.manage_challenges)
def index():
    """Every challenge, the latest starting first, with its phase today in Taipei."""
    require(permissions.can_manage_challenges(current_user))
    number = requested_page() or abort(404)
    return render_template("admin/challenges.html", page=queries.list_all_challenges(db.session, page=number),
                           today=to_taipei(utcnow()).date(), labels=labels)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.manage_challenges)
def edit(challenge_id: int | None = None):
    """Announce a challenge, or change one's texts, dates and link."""
    require(permissions.can_manage_challenges(current_user))
    challenge = _challenge(challenge_id) if challenge_id is not None else None
    form = ChallengeForm(obj=challenge)

    def save() -> None:
        if challenge is None:
            services.create_challenge(db.session, form.challenge_input(), actor=current_user)
        else:
            services.update_challenge(db.session, challenge, form.challenge_input(), actor=current_user)

    return post_form(form, save, show=lambda status: (render_template("admin/challenge_form.html", form=form,
                                                                      challenge=challenge), status),
                     field="title_zh", done=_("The challenge is saved."), then=url_for("admin_challenges.index"))


@bp.post("/<int:challenge_id>/delete")
@permission_required(Permission.manage_challenges)
def delete(challenge_id: int):
    """Remove a challenge; the apps that entered it stay, without it."""
    challenge = _challenge(challenge_id)
    return post_button(lambda: services.delete_challenge(db.session, challenge, actor=current_user),
                       done=_("The challenge is removed."), then=url_for("admin_challenges.index"))
