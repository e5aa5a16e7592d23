"""Pledge pages: sign, the public registry, one receipt, a company and the search for one, withdrawal,
company claims, a company's integrity self-assessment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from civic.accounts.ubn import normalize as normalize_ubn
from civic.agencies.queries import list_active_agencies
from civic.cases import queries as case_queries
from civic.core import short_ids
from civic.extensions import db, limiter
from civic.pledges import queries, receipts, services
from civic.pledges.forms import (
    ClaimForm,
    CompanySearchForm,
    RegistryFilterForm,
    SignForm,
    WithdrawForm,
    assessment_form,
)
from civic.procurement.queries import company_tenders
from civic.web.access import public, signed_in
from civic.web.forms import form_status, post_form, refusal
from civic.web.paging import requested_page

bp = Blueprint("pledges", __name__)


def _sign_form() -> SignForm:
    form = SignForm()
    form.set_choices(queries.confirmed_companies(db.session, current_user.id),
                     case_queries.list_published_case_choices(db.session), str(get_locale()))
    return form


def _render_sign(form: SignForm, status: int = 200):
    slug = form.case.data or None
    case = case_queries.get_case_with_parts(db.session, slug) if slug else None
    return render_template("pledges/sign.html", form=form, text=queries.latest_text(db.session, case),
                           representations=queries.representations(db.session, current_user.id)), status


@bp.route("/pledges/sign", methods=["GET", "POST"])
@signed_in
@limiter.limit("30 per hour", methods=["POST"])
def sign():
    """Sign the integrity pledge for one's company, optionally for one case."""
    form = _sign_form()
    if request.method == "GET" and request.args.get("case"):
        form.case.data = request.args["case"]
    if not form.validate_on_submit():
        return _render_sign(form, form_status(form))
    case = case_queries.get_case_with_parts(db.session, form.case.data) if form.case.data else None
    if form.case.data and (case is None or not case.is_published):
        form.case.errors = [_("Choose a published case.")]
        return _render_sign(form, 422)
    data = services.SignInput(ubn=form.ubn.data, signer_name=form.signer_name.data,
                              signer_title=form.signer_title.data, agree=form.agree.data, case=case)
    with refusal(form, "ubn") as refused:
        pledge = services.sign(db.session, data, actor=current_user)
    if refused:
        return _render_sign(form, 422)
    receipt = pledge.receipt
    db.session.commit()
    flash(_("Signed. Your receipt number is %(receipt)s.", receipt=receipt), "success")
    return redirect(url_for("pledges.receipt", receipt=receipt))


@bp.get("/pledges")
@public
def registry():
    """The public registry of pledges, searchable by company, UBN, case, agency and status."""
    locale = str(get_locale())
    form = RegistryFilterForm(MultiDict(request.args))
    form.case.choices = [SelectChoice("", "")] + [
        SelectChoice(c.slug, c.title(locale)) for c in case_queries.list_published_case_choices(db.session)]
    form.agency.choices = [SelectChoice("", "")] + [SelectChoice(a.code, a.name(locale))
                                                     for a in list_active_agencies(db.session)]
    page = requested_page()
    if page is None or (request.args and not form.validate()):
        return render_template("pledges/registry.html", form=form, page=None), 400
    filters = queries.PledgeFilters(q=form.q.data or None, case=form.case.data or None,
                                    agency=form.agency.data or None, status=form.status.data or None)
    return render_template("pledges/registry.html", form=form,
                           page=queries.list_pledges(db.session, filters, page=page))


@bp.get("/pledges/<receipt>")
@public
def receipt(receipt: str):
    """One pledge and how anyone can check its hash."""
    pledge = queries.get_pledge(db.session, short_ids.normalize(receipt, "P")) or abort(404)
    content = services.content_of(pledge)
    can_withdraw = current_user.is_authenticated and queries.represents(db.session, current_user.id,
                                                                         pledge.company_id)
    return render_template("pledges/receipt.html", pledge=pledge, canonical=receipts.canonical(content),
                           recomputed=receipts.sha256(content), can_withdraw=can_withdraw and pledge.is_active)


@bp.route("/pledges/<receipt>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw(receipt: str):
    """The signing company withdraws its pledge, with a public reason."""
    pledge = queries.get_pledge(db.session, short_ids.normalize(receipt, "P")) or abort(404)
    if not queries.represents(db.session, current_user.id, pledge.company_id):
        abort(403)
    form = WithdrawForm()
    return post_form(
        form, lambda: services.withdraw(db.session, pledge, actor=current_user, reason=form.reason.data),
        show=lambda status: (render_template("pledges/withdraw.html", form=form, pledge=pledge), status),
        field="reason", done=_("The pledge is withdrawn; the reason is public."),
        then=url_for("pledges.receipt", receipt=pledge.receipt))


@bp.get("/companies")
@public
def company_search():
    """Companies by name or 統一編號, with how many pledges and contracts each has."""
    form = CompanySearchForm(MultiDict(request.args))
    page = requested_page()
    if page is None or (request.args and not form.validate()):
        return render_template("pledges/company_search.html", form=form, page=None), 400
    return render_template("pledges/company_search.html", form=form,
                           page=queries.search_companies(db.session, form.q.data or None, page=page))


@bp.get("/companies/<ubn>")
@public
def company(ubn: str):
    """One company's pledges, the contracts it holds and the tenders it bid for or won on published
    cases. A company known only from announcements shows under the name they give it; one whose name
    nobody has confirmed, and that no announcement names, is not found. A number typed with
    full-width digits or spaces goes to the page's one address."""
    if normalize_ubn(ubn) != ubn:
        return redirect(url_for("pledges.company", ubn=normalize_ubn(ubn)), 301)
    found = services.company_by_ubn(db.session, ubn)
    name = found.name if found else queries.announced_name(db.session, ubn) or abort(404)
    can_assess = bool(found and current_user.is_authenticated
                      and queries.represents(db.session, current_user.id, found.id)
                      and queries.current_questionnaire(db.session) is not None)
    return render_template(
        "pledges/company.html", ubn=ubn, name=name, can_assess=can_assess,
        assessments=queries.list_company_assessments(db.session, found.id) if found else [],
        pledges=queries.list_company_pledges(db.session, found.id) if found else [],
        contracts=queries.list_company_contracts(db.session, found.id) if found else [],
        tenders=company_tenders(db.session, ubn))


@bp.route("/companies/<ubn>/self-assessment", methods=["GET", "POST"])
@signed_in
@limiter.limit("30 per hour", methods=["POST"])
def self_assessment(ubn: str):
    """A confirmed representative answers the current integrity self-assessment for the company."""
    company = services.company_by_ubn(db.session, ubn) or abort(404)
    if not queries.represents(db.session, current_user.id, company.id):
        abort(403)
    questionnaire = queries.current_questionnaire(db.session) or abort(404)
    form = assessment_form(questionnaire, str(get_locale()), data=None if request.method == "POST" else
                           _last_answers(company.id))

    def show(status: int):
        form.version.data = str(questionnaire.version)
        return render_template("pledges/self_assessment.html", form=form, company=company,
                               questionnaire=questionnaire), status

    if not form.validate_on_submit():
        return show(form_status(form))
    with refusal(form, form.first_field().name) as refused:
        services.submit_assessment(db.session, company, version=form.version_number(), answers=form.answers(),
                                   actor=current_user)
    if refused:
        return show(422)
    db.session.commit()
    flash(_("Your answers are published on the company's page."), "success")
    return redirect(url_for("pledges.company", ubn=company.ubn, _anchor="self-assessment"))


def _last_answers(company_id: int) -> dict[str, str]:
    """The company's latest answers as the form's fields, so changing one is not answering all
    again; a question the latest answers did not have starts empty."""
    latest = next(iter(queries.list_company_assessments(db.session, company_id)), None)
    if latest is None:
        return {}
    fields = {}
    for key, given in latest.answers.items():
        fields[f"answer_{key}"] = given.get("answer", "")
        fields[f"note_{key}"] = given.get("note", "")
    return fields


@bp.route("/account/companies", methods=["GET", "POST"])
@signed_in
def companies():
    """The companies one represents, and asking to represent another."""
    form = ClaimForm()
    if not form.validate_on_submit():
        return render_template("pledges/companies.html", form=form,
                               representations=queries.representations(db.session, current_user.id)), \
            form_status(form)
    with refusal(form, "ubn") as refused:
        services.claim_company(db.session, current_user, ubn=form.ubn.data, name=form.name.data)
    if refused:
        return render_template("pledges/companies.html", form=form,
                               representations=queries.representations(db.session, current_user.id)), 422
    db.session.commit()
    flash(_("Your request is sent; an administrator will confirm it."), "success")
    return redirect(url_for("pledges.companies"))
