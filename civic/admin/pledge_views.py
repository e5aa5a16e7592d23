"""Administration of pledges: publishing pledge texts and the self-assessment questionnaire, recording
breaches."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from civic.cases import queries as case_queries
from civic.core.permissions import Permission
from civic.extensions import db
from civic.pledges import queries, services
from civic.pledges.forms import BreachForm, QuestionnaireForm, TextForm
from civic.web.access import permission_required, walled
from civic.web.forms import form_status, post_form, refusal

bp = walled(Blueprint("admin_pledges", __name__, url_prefix="/admin/pledges"), Permission.manage_pledges)


@bp.route("/texts", methods=["GET", "POST"])
@permission_required(Permission.manage_pledges)
def texts():
    """Every published version, and a form to publish a new one."""
    form = TextForm()
    cases = case_queries.list_published_case_choices(db.session)
    form.case.choices = [SelectChoice("", _("Every case (general text)"))] + [
        SelectChoice(c.slug, c.title(str(get_locale()))) for c in cases]
    if not form.validate_on_submit():
        return render_template("admin/pledge_texts.html", form=form, texts=queries.list_texts(db.session)), \
            form_status(form)
    case = case_queries.get_case_with_parts(db.session, form.case.data) if form.case.data else None
    with refusal(form, "body_zh") as refused:
        text = services.publish_text(db.session, services.TextInput(
            title_zh=form.title_zh.data, body_zh=form.body_zh.data, title_en=form.title_en.data or "",
            body_en=form.body_en.data or ""), case=case, actor=current_user)
    if refused:
        return render_template("admin/pledge_texts.html", form=form, texts=queries.list_texts(db.session)), 422
    version = text.version
    db.session.commit()
    flash(_("Version %(version)d is published.", version=version), "success")
    return redirect(url_for("admin_pledges.texts"))


@bp.route("/self-assessment", methods=["GET", "POST"])
@permission_required(Permission.manage_pledges)
def questionnaires():
    """Every published version of the self-assessment questionnaire, and a form to publish a new one."""
    form = QuestionnaireForm()
    current = queries.current_questionnaire(db.session)
    if not form.is_submitted() and current is not None:
        form.questions.data = "\n".join(f"{q['key']} | {q['text_zh']} | {q['text_en']}" for q in current.questions)

    def show(status: int):
        return render_template("admin/assessment_questionnaires.html", form=form,
                               questionnaires=queries.list_questionnaires(db.session)), status

    if not form.validate_on_submit():
        return show(form_status(form))
    with refusal(form, "questions") as refused:
        questionnaire = services.publish_questionnaire(db.session, form.question_list(), actor=current_user)
    if refused:
        return show(422)
    version = questionnaire.version
    db.session.commit()
    flash(_("Version %(version)d is published.", version=version), "success")
    return redirect(url_for("admin_pledges.questionnaires"))


@bp.route("/<receipt>/breach", methods=["GET", "POST"])
@permission_required(Permission.manage_pledges)
def breach(receipt: str):
    """Record a finding that a pledge was breached, with a public note."""
    pledge = queries.get_pledge(db.session, receipt) or abort(404)
    form = BreachForm()
    return post_form(
        form, lambda: services.record_breach(db.session, pledge, actor=current_user, note=form.note.data),
        show=lambda status: (render_template("admin/pledge_breach.html", form=form, pledge=pledge), status),
        field="note", done=_("The finding is recorded and public."),
        then=url_for("pledges.receipt", receipt=receipt))
