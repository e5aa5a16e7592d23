"""The authority's consultation desk: the questions agency staff asked, open ones first; the answer;
the anonymised guidance texts, the authority's consent, publishing and taking down.

Behind the admin wall and a rule on each view; every change goes through civic.consultations.services,
which checks the actor again and writes the audit row and the mail.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.cases.labels import RISK_STAGES
from civic.consultations import labels, permissions, queries, services
from civic.consultations.forms import AnswerForm, EmptyForm, GuidanceForm
from civic.consultations.models import Consultation
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, require, walled
from civic.web.forms import post_button, post_form
from civic.web.paging import requested_page

bp = walled(Blueprint("admin_consultations", __name__, url_prefix="/admin/consultations"),
            Permission.answer_consultations)


def _consultation(consultation_id: int) -> Consultation:
    require(permissions.can_answer(current_user))
    return queries.get_consultation(db.session, consultation_id) or abort(404)


@bp.get("")
@permission_required(Permission.answer_consultations)
def index():
    """Every question agency staff asked: open ones first, oldest waiting first."""
    require(permissions.can_answer(current_user))
    page = requested_page() or abort(404)
    return render_template("admin/consultations.html", page=queries.list_consultations(db.session, page=page),
                           statuses=labels.STATUSES)


def _show(consultation: Consultation, *, answer_form: AnswerForm | None = None,
          guidance_form: GuidanceForm | None = None, status: int = 200):
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, answer=consultation.answer)
    if guidance_form is None:
        guidance_form = GuidanceForm(formdata=None, guidance_title=consultation.guidance_title,
                                     guidance_question=consultation.guidance_question,
                                     guidance_answer=consultation.guidance_answer,
                                     agrees=consultation.authority_agrees_to_publish)
    return render_template("admin/consultation.html", consultation=consultation, answer_form=answer_form,
                           guidance_form=guidance_form, button_form=EmptyForm(), statuses=labels.STATUSES,
                           stages=RISK_STAGES), status


@bp.get("/<int:consultation_id>")
@permission_required(Permission.answer_consultations)
def detail(consultation_id: int):
    """One question: the answer form, the anonymised guidance and the authority's consent."""
    return _show(_consultation(consultation_id))


def _post(consultation_id: int, form: AnswerForm | GuidanceForm, form_name: str, field: str, call, done: str):
    """The POST of the answer or the guidance form: run the service, commit and go back to the question,
    or show the question again (read anew: a refusal rolls back) with the form's problems."""
    consultation = _consultation(consultation_id)
    return post_form(form, lambda: call(consultation), field=field, done=done,
                     show=lambda status: _show(_consultation(consultation_id), **{form_name: form}, status=status),
                     then=url_for("admin_consultations.detail", consultation_id=consultation_id))


@bp.post("/<int:consultation_id>/answer")
@permission_required(Permission.answer_consultations)
def answer(consultation_id: int):
    """Answer the question (or correct the answer); the person who asked gets a mail with a link."""
    form = AnswerForm()
    return _post(consultation_id, form, "answer_form", "answer",
                 lambda consultation: services.answer(db.session, consultation, form.answer.data, actor=current_user),
                 _("The answer is saved and the asking agency can read it."))


@bp.post("/<int:consultation_id>/guidance")
@permission_required(Permission.answer_consultations)
def guidance(consultation_id: int):
    """Save the anonymised guidance texts and the authority's consent to publish them."""
    form = GuidanceForm()
    return _post(consultation_id, form, "guidance_form", "guidance_title",
                 lambda consultation: services.save_guidance(db.session, consultation, form.guidance_input(),
                                                             actor=current_user),
                 _("The guidance is saved."))


@bp.post("/<int:consultation_id>/publish")
@permission_required(Permission.answer_consultations)
def publish(consultation_id: int):
    """Publish the anonymised guidance on /guidance, when both sides agree."""
    consultation = _consultation(consultation_id)
    return post_button(lambda: services.publish(db.session, consultation, actor=current_user),
                       done=_("The guidance is published."),
                       then=url_for("admin_consultations.detail", consultation_id=consultation_id))


@bp.post("/<int:consultation_id>/unpublish")
@permission_required(Permission.answer_consultations)
def unpublish(consultation_id: int):
    """Take the published guidance down."""
    consultation = _consultation(consultation_id)
    return post_button(lambda: services.unpublish(db.session, consultation, actor=current_user),
                       done=_("The guidance is taken down."),
                       then=url_for("admin_consultations.detail", consultation_id=consultation_id))
