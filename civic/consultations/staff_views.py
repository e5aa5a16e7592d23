"""The consultation desk for agency staff: the agency's questions to the integrity authority, a form
to ask one, and each question with its answer and the agency's consent to publication.

Staff only, behind the blueprint's wall; each question only for its own agency's staff (another
agency's question answers 404: nothing says it exists).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.cases import queries as case_queries
from civic.cases.labels import RISK_STAGES
from civic.consultations import labels, permissions, queries, services
from civic.consultations.forms import ConsentForm, QuestionForm
from civic.consultations.models import Consultation
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, require, walled
from civic.web.forms import post_form, refusal
from civic.web.paging import requested_page

# The consultation desk is for agency staff only.
bp = walled(Blueprint("consultations_staff", __name__, url_prefix="/staff/consult"), Permission.ask_consultations)


def load_own_consultation(consultation_id: int) -> Consultation:
    """The question, if the current staff member's agency asked it: else 404."""
    require(permissions.can_ask(current_user))
    consultation = queries.get_consultation(db.session, consultation_id)
    if consultation is None or not permissions.can_follow(current_user, consultation):
        abort(404)
    return consultation


def _question_form() -> QuestionForm:
    form = QuestionForm()
    form.set_cases(case_queries.list_agency_cases(db.session, current_user.agency_id), str(get_locale()))
    return form


@bp.route("", methods=["GET", "POST"])
@permission_required(Permission.ask_consultations)
def index():
    """The agency's questions, newest first, and the form to ask a new one."""
    require(permissions.can_ask(current_user))
    page = requested_page() or abort(404)
    form = _question_form()

    def show(status: int):
        found = queries.list_agency_consultations(db.session, current_user.agency_id, page=page)
        return render_template("consultations/staff_index.html", page=found, form=form, statuses=labels.STATUSES,
                               stages=RISK_STAGES), status

    asked: list[Consultation] = []
    return post_form(form, lambda: asked.append(services.ask(db.session, form.question_input(), actor=current_user)),
                     show=show, field="question",
                     done=_("Your question is with the integrity authority. You will get an email when it is "
                            "answered."),
                     then=lambda: url_for("consultations_staff.detail", consultation_id=asked[0].id))


@bp.get("/<int:consultation_id>")
@permission_required(Permission.ask_consultations)
def detail(consultation_id: int):
    """One question of the agency, its answer, and the agency's consent to publication."""
    consultation = load_own_consultation(consultation_id)
    return render_template("consultations/staff_detail.html", consultation=consultation, form=ConsentForm(),
                           statuses=labels.STATUSES, stages=RISK_STAGES)


@bp.post("/<int:consultation_id>/consent")
@permission_required(Permission.ask_consultations)
def consent(consultation_id: int):
    """Give or withdraw the agency's consent to publishing the question as guidance."""
    consultation = load_own_consultation(consultation_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    agrees = form.agrees.data == "yes"
    with refusal() as refused:
        services.set_asker_consent(db.session, consultation, agrees, actor=current_user)
    if not refused:
        db.session.commit()
        flash(_("The authority may publish it anonymised.") if agrees
              else _("Your consent is withdrawn: it will not be published."), "success")
    return redirect(url_for("consultations_staff.detail", consultation_id=consultation_id))
