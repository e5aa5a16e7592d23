"""Agency staff and administrators keep cases up to date: applications, main fields, parts.

Staff act only on their own agency's cases; administrators on every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from civic.cases import changes, history, parts, permissions, queries, services
from civic.cases.forms import (
    ApplicationForm,
    CaseEditForm,
    ContractForm,
    DeleteForm,
    DocumentForm,
    FundingForm,
    MeetingForm,
    MemberForm,
    MilestoneForm,
    RemoveForm,
    RiskForm,
    TenderForm,
    VariationForm,
    lines,
    statements,
)
from civic.cases.models import Case
from civic.cases.thresholds import check_threshold
from civic.core.errors import DomainError, NotFound
from civic.core.permissions import Permission
from civic.extensions import db
from civic.web.access import permission_required, require, signed_in
from civic.web.forms import attach_error, attach_rule_errors, form_status, post_button, refusal

bp = Blueprint("cases_manage", __name__)


def load_editable_case(slug: str) -> Case:
    """The case with its parts, if the current user may edit it: else 404, or 403 if public. A POST
    changes it: the case is read locked, after any change being made to it (get_case_for_change)."""
    load = queries.get_case_for_change if request.method == "POST" else queries.get_case_with_parts
    case = load(db.session, slug)
    if case is None:
        abort(404)
    if not permissions.can_edit(current_user, case):
        abort(403 if case.is_published else 404)
    return case


@bp.get("/staff/cases")
@permission_required(Permission.edit_agency_cases)
def index():
    """The staff member's agency's cases, in every state."""
    return render_template("cases/staff_index.html",
                           cases=queries.list_agency_cases(db.session, current_user.agency_id))


@bp.route("/staff/cases/apply", methods=["GET", "POST"])
@permission_required(Permission.apply_for_cases)
def apply():
    """Apply for an integrity platform for one of the agency's projects."""
    require(permissions.can_apply(current_user))
    form = ApplicationForm()
    form.set_choices(queries.list_sectors(db.session), str(get_locale()))
    if not form.validate_on_submit():
        return render_template("cases/apply.html", form=form), form_status(form)
    risks = [services.RiskInput(stage=row.stage.data, risk=row.risk.data, mitigation=row.mitigation.data or "")
             for row in form.risks if row.risk.data]
    with refusal(form, "title_zh") as refused:
        case = services.submit_application(
            db.session, services.ApplicationInput(case=form.case_input(), reason=form.reason.data, risks=risks),
            actor=current_user)
    if refused:
        return render_template("cases/apply.html", form=form), 422
    db.session.commit()
    flash(_("Your application has been sent to the integrity authority."), "success")
    return redirect(url_for("cases_manage.overview", slug=case.slug))


@bp.get("/manage/cases/<slug>")
@signed_in
def overview(slug: str):
    """Everything about a case that its editors keep up to date."""
    case = load_editable_case(slug)
    return render_template("cases/manage.html", case=case, kinds=PART_KINDS,
                           threshold=check_threshold(case.procurement_kind, case.budget_ntd),
                           delete_form=DeleteForm())


@bp.route("/manage/cases/<slug>/edit", methods=["GET", "POST"])
@signed_in
def edit(slug: str):
    """Change the main fields of a case."""
    case = load_editable_case(slug)
    # The form is filled from the case's values, its sector by code (the choices are codes).
    form = CaseEditForm(data={**{name: getattr(case, name) for name in services.CASE_FIELDS},
                              "slug": case.slug, "sector": case.sector.code})
    form.existing = case
    form.set_choices(queries.list_sectors(db.session), str(get_locale()))
    if not form.validate_on_submit():
        return render_template("cases/edit.html", case=case, form=form), form_status(form)
    tender = form.tender_input()
    with refusal(form, "title_zh") as refused:
        changed = services.update_case(db.session, case, form.case_input(), actor=current_user,
                                       reason=form.reason.data or "")
        if tender is not None:
            # Added with the change, in the same transaction: a refused tender stores neither.
            try:
                parts.add_tender(case, tender, actor=current_user)
            except DomainError as error:
                raise form.tender_errors([error])[0] from error
            changed = True
    if refused:
        return render_template("cases/edit.html", case=case, form=form), 422
    db.session.commit()
    flash(_("The case has been updated.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("cases_manage.overview", slug=case.slug))


@bp.post("/manage/cases/<slug>/resubmit")
@signed_in
def resubmit(slug: str):
    """Send a returned application to the authority again."""
    case = load_editable_case(slug)
    return post_button(lambda: services.resubmit_application(db.session, case, actor=current_user),
                       done=_("Your application has been sent to the integrity authority."),
                       then=url_for("cases_manage.overview", slug=slug))


# Parts: one registry drives the add, edit and delete screens of every kind of part.


@dataclass(frozen=True)
class PartKind:
    title: Any
    form: type
    add: Any
    update: Any
    to_input: Any
    from_part: Any
    # The part's rules (parts.<kind>_errors), asked with the form's own checks so that one
    # submission shows every problem; the services ask them again.
    errors: Any = None
    # Hands the form the choices it takes from the case, as prepare(form, case).
    prepare: Any = None

    def make_form(self, case: Case, **kwargs):
        form = self.form(**kwargs)
        if self.prepare is not None:
            self.prepare(form, case)
        return form


def _member_input(form):
    return parts.MemberInput(name=form.name.data, organisation=form.organisation.data, role=form.role.data)


def _meeting_input(form):
    return parts.MeetingInput(
        held_on=form.held_on.data, title=form.title.data, place=form.place.data or "",
        attendees=lines(form.attendees.data), agenda=form.agenda.data or "",
        statements=statements(form.statements.data), decisions=lines(form.decisions.data),
        follow_ups=form.follow_ups.data or "")


def _meeting_data(meeting):
    return {"held_on": meeting.held_on, "title": meeting.title, "place": meeting.place,
            "attendees": "\n".join(meeting.attendees), "agenda": meeting.agenda,
            "statements": "\n".join(f"{s.speaker}：{s.content}" for s in meeting.statements),
            "decisions": "\n".join(d.content for d in meeting.decisions), "follow_ups": meeting.follow_ups}


def _risk_input(form):
    return services.RiskInput(stage=form.stage.data, risk=form.risk.data, likelihood=form.likelihood.data,
                              impact=form.impact.data, mitigation=form.mitigation.data or "",
                              owner=form.owner.data or "", status=form.status.data)


def _milestone_input(form):
    return parts.MilestoneInput(title_zh=form.title_zh.data, title_en=form.title_en.data or "",
                                milestone_type=form.milestone_type.data, planned_on=form.planned_on.data,
                                actual_on=form.actual_on.data)


def _document_input(form):
    return parts.DocumentInput(title=form.title.data, url=form.url.data,
                               document_type=form.document_type.data or "")


def _contract_input(form):
    return parts.ContractInput(title=form.title.data, ubn=form.ubn.data, company_name=form.company_name.data,
                               award_value_ntd=form.award_value_ntd.data,
                               tender_number=form.tender_number.data or "", awarded_on=form.awarded_on.data,
                               tender_id=form.tender_id(), starts_on=form.starts_on.data,
                               ends_on=form.ends_on.data, scope=form.scope.data or "")


def _contract_data(contract):
    return {"title": contract.title, "tender_number": contract.tender_number, "ubn": contract.company.ubn,
            "company_name": contract.company.name, "award_value_ntd": contract.award_value_ntd,
            "awarded_on": contract.awarded_on,
            "tender": "" if contract.tender_id is None else str(contract.tender_id),
            "starts_on": contract.starts_on, "ends_on": contract.ends_on, "scope": contract.scope}


def _tender_input(form):
    return parts.TenderInput(unit_id=form.unit_id.data or "", job_number=form.job_number.data or "")


def _funding_input(form):
    return parts.FundingInput(source=form.source.data or "", amount_ntd=form.amount_ntd.data)


def _variation_input(form):
    return parts.VariationInput(
        contract_id=form.contract_id(), kind=form.kind.data or "", approved_on=form.approved_on.data,
        rationale=form.rationale.data or "", new_value_ntd=form.new_value_ntd.data,
        new_ends_on=form.new_ends_on.data, description=form.description.data or "")


def _variation_data(variation):
    return {**_attributes(variation), "contract": str(variation.contract_id)}


def _attributes(part):
    return {column.key: getattr(part, column.key) for column in part.__table__.columns}


PART_KINDS: dict[str, PartKind] = {
    "members": PartKind(_l("Platform member"), MemberForm, parts.add_member, parts.update_member,
                        _member_input, _attributes),
    "meetings": PartKind(_l("Meeting"), MeetingForm, parts.add_meeting, parts.update_meeting,
                         _meeting_input, _meeting_data, parts.meeting_errors),
    "risks": PartKind(_l("Risk"), RiskForm, parts.add_risk, parts.update_risk, _risk_input, _attributes),
    "milestones": PartKind(_l("Milestone"), MilestoneForm, parts.add_milestone, parts.update_milestone,
                           _milestone_input, _attributes, parts.milestone_errors),
    "documents": PartKind(_l("Document"), DocumentForm, parts.add_document, parts.update_document,
                          _document_input, _attributes, parts.document_errors),
    "contracts": PartKind(_l("Contract"), ContractForm, parts.add_contract, parts.update_contract,
                          _contract_input, _contract_data, parts.contract_errors,
                          prepare=lambda form, case: form.set_choices(case.tenders)),
    "tenders": PartKind(_l("Tender"), TenderForm, parts.add_tender, parts.update_tender,
                        _tender_input, _attributes, parts.tender_errors),
    "funding": PartKind(_l("Source of funds"), FundingForm, parts.add_funding, parts.update_funding,
                        _funding_input, _attributes, parts.funding_errors),
    "variations": PartKind(_l("Contract variation"), VariationForm, parts.add_variation, parts.update_variation,
                           _variation_input, _variation_data, parts.variation_errors,
                           prepare=lambda form, case: form.set_choices(case.contracts)),
}


def describe(case: Case, part) -> list:
    """The part's recorded values as the public record will show them once it is removed."""
    reader = changes.Reader(str(get_locale()), queries.list_sectors(db.session), {},
                            contracts={contract.id: contract.title for contract in case.contracts})
    return reader.describe(history.snapshot(db.session, part), history.KINDS[type(part)])


def _kind(kind: str) -> PartKind:
    return PART_KINDS.get(kind) or abort(404)


def _find_part(case: Case, kind: str, part_id: int):
    for part in getattr(case, kind):
        if part.id == part_id:
            return part
    abort(404)


@bp.route("/manage/cases/<slug>/<kind>/new", methods=["GET", "POST"])
@bp.route("/manage/cases/<slug>/<kind>/<int:part_id>/edit", methods=["GET", "POST"])
@signed_in
def part_form(slug: str, kind: str, part_id: int | None = None):
    """Add a part to a case, or change one."""
    spec = _kind(kind)
    case = load_editable_case(slug)
    part = _find_part(case, kind, part_id) if part_id is not None else None
    form = spec.make_form(case)
    if part is not None and not form.is_submitted():
        form = spec.make_form(case, data=spec.from_part(part))
    valid = form.validate_on_submit()
    if form.is_submitted() and spec.errors is not None:
        valid = attach_rule_errors(form, spec.errors(case, spec.to_input(form)), next(iter(form._fields))) and valid
    if not valid:
        return render_template("cases/part_form.html", case=case, form=form, spec=spec, kind=kind,
                               part=part), form_status(form)
    with refusal(form, next(iter(form._fields))) as refused:
        if part is None:
            spec.add(case, spec.to_input(form), actor=current_user)
        else:
            spec.update(case, part.id, spec.to_input(form), actor=current_user, reason=form.reason.data or "")
    if refused:
        return render_template("cases/part_form.html", case=case, form=form, spec=spec, kind=kind,
                               part=part), 422
    db.session.commit()
    flash(_("Saved. The change is in the case's public history."), "success")
    return redirect(url_for("cases_manage.overview", slug=slug) + f"#{kind}")


@bp.route("/manage/cases/<slug>/<kind>/<int:part_id>/delete", methods=["GET", "POST"])
@signed_in
def delete_part(slug: str, kind: str, part_id: int):
    """Remove a part of a case, after showing what goes and asking why."""
    spec = _kind(kind)
    case = load_editable_case(slug)
    part = _find_part(case, kind, part_id)
    form = RemoveForm()
    # What the page shows is read now: a refused removal rolls back and lets go of the parts.
    page = {"case": case, "form": form, "spec": spec, "kind": kind, "fields": describe(case, part)}
    if not form.validate_on_submit():
        return render_template("cases/remove.html", **page), form_status(form)
    try:
        parts.remove_part(case, kind, part_id, actor=current_user, reason=form.reason.data or "")
    except NotFound:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error, "reason")
        return render_template("cases/remove.html", **page), 422
    db.session.commit()
    flash(_("Removed. The change is in the case's public history."), "success")
    return redirect(url_for("cases_manage.overview", slug=slug) + f"#{kind}")
