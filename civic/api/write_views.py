"""The write API's addresses: a case's main fields and its parts, the answer to a feedback item,
workshops, and the token's own description at /api/v1/me.

Each does what a staff form does, through the same service, as the token's holder: it loads and
authorizes as that form's view does (the same 404 or 403), reads the JSON body, and calls one
service; civic.api.writing commits. Answers use the read API's serialization.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from civic.accounts.models import User
from civic.api import bearer
from civic.api import bodies as b
from civic.api import queries as read
from civic.api import serializers as s
from civic.api.params import ID_PATTERN, SLUG_PATTERN
from civic.api.spec import Operation, PathParameter, operation
from civic.api.views import SLUG, TRACKING_NUMBER, WORKSHOP_ID
from civic.api.writing import (
    Answer,
    body,
    bp,
    conflict,
    forbidden,
    not_found,
    respond,
    through_token,
    to_json,
    writes,
)
from civic.cases import parts, services
from civic.cases import permissions as case_permissions
from civic.cases import queries as case_queries
from civic.cases.models import Case
from civic.core.permissions import Permission, allowed
from civic.core.text import parse_id
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import permissions as feedback_permissions
from civic.feedback import queries as feedback_queries
from civic.feedback import services as feedback_services
from civic.feedback.tracking import PATTERN as TRACKING_PATTERN
from civic.feedback.tracking import normalize
from civic.integrations.models import ApiScope
from civic.procurement.queries import timelines_of
from civic.workshops import permissions as workshop_permissions
from civic.workshops import queries as workshop_queries
from civic.workshops import services as workshop_services
from civic.workshops.models import Workshop

PART_ID = PathParameter("The part's id, as the case's answer gives it.", ID_PATTERN)
CASES = ApiScope.cases_write.value
FEEDBACK = ApiScope.feedback_answer.value
WORKSHOPS = ApiScope.workshops_write.value


# The token itself


@bp.get("/api/v1/me")
@operation(Operation(summary=_l("Whom your token acts for and what it may do"), tag="write", response=b.MeSchema,
                     bearer=True, conditional=False))
@through_token
def me():
    """The token's holder (role and agency), its scopes and expiry: never the token itself."""
    token, holder = bearer.require(None)
    return respond(200, to_json(b.MeSchema().dump({"user": holder, "token": token})))


# Cases


def editable_case(holder: User, slug: str) -> Case:
    """The case with its parts, locked for the change (queries.get_case_for_change), if the holder may
    edit it: else 404, or 403 if it is public (as the staff pages answer)."""
    case = case_queries.get_case_for_change(db.session, slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    if case is None:
        raise not_found(_("There is no case %(slug)s.", slug=slug[:80]))
    if not case_permissions.can_edit(holder, case):
        if case.is_published:
            raise forbidden(_("You may not change this case: only its agency's staff and the integrity authority "
                              "may."))
        raise not_found(_("There is no case %(slug)s.", slug=slug[:80]))
    return case


def case_answer(case: Case) -> dict[str, Any]:
    return s.CaseSchema().dump(read.case_record(db.session, case, now=utcnow()))


CASE_EXAMPLES = {
    "zh": {"summary_zh": "連接臺北市萬華區與新北市土城、樹林的捷運路線，全長約22公里。", "budget_ntd": 46650000000,
           "reason": "依112年度修正計畫更新經費與概要"},
    "en": {"title_en": "Taipei MRT Wanda–Zhonghe–Shulin Line", "summary_en": "A metro line of about 22 km linking "
           "Wanhua with Tucheng and Shulin.", "reason": "English title and summary brought up to date"},
}


@bp.patch("/api/v1/cases/<slug>")
@operation(Operation(summary=_l("Change a case's main fields"), tag="write", response=s.CaseSchema, method="patch",
                     path={"slug": SLUG}, body=b.CaseChangeSchema, examples=CASE_EXAMPLES, scope=CASES,
                     conditional=False, refusals=(409,),
                     description=_l("The fields of the staff edit form; those not sent stay as they are. Each "
                                    "change goes in the case's public record with the reason.")))
@writes(CASES)
def change_case(holder: User, slug: str) -> Answer:
    """Change the main fields of a case, as its edit form does."""
    case = editable_case(holder, slug)
    given = body(b.CaseChangeSchema)
    current = {name: getattr(case, name) for name in services.CASE_FIELDS}
    values = {**current, "slug": case.slug, "sector": case.sector.code, **given}
    reason = values.pop("reason", "")
    data = services.CaseInput(sector_code=values.pop("sector"), **values)
    services.update_case(db.session, case, data, actor=holder, reason=reason)
    return Answer(case_answer(case))


# Parts of a case: one registry drives the add, change and remove addresses of every kind.


@dataclass(frozen=True)
class PartKind:
    """How the API names a kind of part, reads its body and answers with it."""

    name: str
    summary: Any
    body: type[Schema]
    change: type[Schema]
    response: type[Schema]
    add: Callable[..., Any]
    update: Callable[..., Any]
    # The body (as loaded) as the part services take it.
    to_input: Callable[[dict[str, Any]], Any]
    # A part's values as a body, which a PATCH's fields overlay.
    current: Callable[[Any], dict[str, Any]]
    examples: dict[str, dict[str, Any]]
    # The part in the read API's serialization.
    dump: Callable[[Case, Any], dict[str, Any]] | None = None
    # The services' names of fields whose body name differs (a refusal names the body's).
    renamed: Mapping[str, str] = field(default_factory=dict)

    def answer(self, case: Case, part: Any) -> dict[str, Any]:
        return self.dump(case, part) if self.dump is not None else self.response().dump(part)


def _fields(*names: str) -> Callable[[Any], dict[str, Any]]:
    return lambda part: {name: getattr(part, name) for name in names}


def _meeting_input(data: dict[str, Any]) -> parts.MeetingInput:
    statements = [(item["speaker"], item["content"]) for item in data.get("statements", [])]
    return parts.MeetingInput(**{**data, "statements": statements})


def _meeting_values(meeting: Any) -> dict[str, Any]:
    return {**_fields("held_on", "title", "place", "attendees", "agenda", "follow_ups")(meeting),
            "statements": [{"speaker": item.speaker, "content": item.content} for item in meeting.statements],
            "decisions": [item.content for item in meeting.decisions]}


def _contract_values(contract: Any) -> dict[str, Any]:
    return {**_fields("title", "tender_number", "tender_id", "award_value_ntd", "awarded_on", "starts_on",
                      "ends_on", "scope")(contract), "ubn": contract.company.ubn, "company_name": contract.company.name}


def _tender_answer(case: Case, tender: Any) -> dict[str, Any]:
    timeline = next(line for line in timelines_of(db.session, case) if line.tender.id == tender.id)
    return s.TenderSchema().dump(timeline)


PART_KINDS: dict[str, PartKind] = {kind.name: kind for kind in (
    PartKind("members", _l("a platform member"), b.MemberInputSchema, b.MemberChangeSchema, s.MemberSchema,
             parts.add_member, parts.update_member, lambda data: parts.MemberInput(**data),
             _fields("name", "organisation", "role"),
             {"zh": {"name": "林○○", "organisation": "法務部廉政署", "role": "integrity_unit"},
              "en": {"name": "Lin", "organisation": "Agency Against Corruption", "role": "integrity_unit"}}),
    PartKind("meetings", _l("a meeting"), b.MeetingInputSchema, b.MeetingChangeSchema, s.MeetingSchema,
             parts.add_meeting, parts.update_meeting, _meeting_input, _meeting_values,
             {"zh": {"held_on": "2026-03-19", "title": "第5次廉政平臺會議", "place": "捷運工程局第一會議室",
                     "attendees": ["王○○, 捷運工程局", "林○○, 廉政署"],
                     "statements": [{"speaker": "王○○", "content": "報告CQ850區段標履約進度。"}],
                     "decisions": ["每季公開會議紀錄。"]},
              "en": {"held_on": "2026-03-19", "title": "5th integrity platform meeting",
                     "attendees": ["Wang, Department of Rapid Transit Systems"],
                     "statements": [{"speaker": "Wang", "content": "Progress of contract CQ850."}],
                     "decisions": ["Publish the minutes every quarter."]}}),
    PartKind("risks", _l("a risk"), b.RiskInputSchema, b.RiskChangeSchema, s.RiskSchema,
             parts.add_risk, parts.update_risk, lambda data: services.RiskInput(**data),
             _fields("stage", "risk", "likelihood", "impact", "mitigation", "owner", "status"),
             {"zh": {"stage": "tendering", "risk": "投標廠商家數過少，恐有圍標疑慮", "likelihood": "medium",
                     "impact": "high", "mitigation": "延長等標期並公開說明會紀錄", "owner": "政風室"},
              "en": {"stage": "tendering", "risk": "Too few bidders: possible bid rigging", "impact": "high",
                     "mitigation": "Longer tender period; minutes of the briefing published"}}),
    PartKind("milestones", _l("a milestone"), b.MilestoneInputSchema, b.MilestoneChangeSchema, s.MilestoneSchema,
             parts.add_milestone, parts.update_milestone, lambda data: parts.MilestoneInput(**data),
             _fields("title_zh", "title_en", "milestone_type", "planned_on", "actual_on"),
             {"zh": {"title_zh": "主體工程完工", "milestone_type": "delivery", "planned_on": "2027-12-31"},
              "en": {"title_zh": "主體工程完工", "title_en": "Main works completed", "milestone_type": "delivery",
                     "planned_on": "2027-12-31"}}),
    PartKind("documents", _l("a document"), b.DocumentInputSchema, b.DocumentChangeSchema, s.DocumentSchema,
             parts.add_document, parts.update_document, lambda data: parts.DocumentInput(**data),
             _fields("title", "url", "document_type"),
             {"zh": {"title": "可行性研究報告", "url": "https://www.dorts.gov.taipei/feasibility.pdf",
                     "document_type": "feasibilityStudy"},
              "en": {"title": "Feasibility study", "url": "https://www.dorts.gov.taipei/feasibility-en.pdf",
                     "document_type": "feasibilityStudy"}}),
    PartKind("contracts", _l("a contract"), b.ContractInputSchema, b.ContractChangeSchema, s.ContractSchema,
             parts.add_contract, parts.update_contract, lambda data: parts.ContractInput(**data), _contract_values,
             {"zh": {"title": "CQ850區段標土建工程", "ubn": "90000006", "company_name": "示範營造股份有限公司",
                     "award_value_ntd": 1148000000, "awarded_on": "2026-04-20"},
              "en": {"title": "CQ850 civil works", "ubn": "90000006", "company_name": "Demo Construction Co.",
                     "award_value_ntd": 1148000000, "scope": "Civil works of the CQ850 section"}},
             renamed={"tender": "tender_id"}),
    PartKind("tenders", _l("a tender"), b.TenderInputSchema, b.TenderChangeSchema, s.TenderSchema,
             parts.add_tender, parts.update_tender, lambda data: parts.TenderInput(**data),
             _fields("unit_id", "job_number"),
             {"zh": {"unit_id": "3.76.47", "job_number": "捷工112-CQ850"},
              "en": {"unit_id": "A.17.2.1", "job_number": "111-A-023"}}, _tender_answer),
    PartKind("funding", _l("a source of funds"), b.FundingInputSchema, b.FundingChangeSchema, s.FundingSourceSchema,
             parts.add_funding, parts.update_funding, lambda data: parts.FundingInput(**data),
             _fields("source", "amount_ntd"),
             {"zh": {"source": "中央補助", "amount_ntd": 12000000000},
              "en": {"source": "Central government grant", "amount_ntd": 12000000000}}),
    PartKind("variations", _l("a contract variation"), b.VariationInputSchema, b.VariationChangeSchema,
             s.VariationSchema, parts.add_variation, parts.update_variation, lambda data: parts.VariationInput(**data),
             _fields("contract_id", "kind", "approved_on", "new_value_ntd", "new_ends_on", "description", "rationale"),
             {"zh": {"contract_id": 1, "kind": "duration", "approved_on": "2026-05-02", "new_ends_on": "2028-06-30",
                     "rationale": "地質改良增加工期"},
              "en": {"contract_id": 1, "kind": "value", "approved_on": "2026-05-02", "new_value_ntd": 1210000000,
                     "rationale": "Ground improvement added to the works"}}, renamed={"contract": "contract_id"}),
)}


def _part(case: Case, kind: PartKind, part_id: str) -> Any:
    found = parse_id(part_id)
    for part in getattr(case, kind.name):
        if part.id == found:
            return part
    raise not_found(_("That item is not part of this case."))


def _part_url(case: Case, kind: PartKind, part: Any) -> str:
    return url_for(f"api_write.change_{kind.name}", slug=case.slug, part_id=part.id, _external=True)


def _add_view(kind: PartKind) -> Callable[..., Answer]:
    def view(holder: User, slug: str) -> Answer:
        case = editable_case(holder, slug)
        part = kind.add(case, kind.to_input(body(kind.body)), actor=holder)
        return Answer(kind.answer(case, part), 201, _part_url(case, kind, part))

    view.__doc__ = f"Add to a case's {kind.name}, as its part form does."
    return view


def _change_view(kind: PartKind) -> Callable[..., Answer]:
    def view(holder: User, slug: str, part_id: str) -> Answer:
        case = editable_case(holder, slug)
        part = _part(case, kind, part_id)
        given = body(kind.change)
        reason = given.pop("reason", "")
        updated = kind.update(case, part.id, kind.to_input({**kind.current(part), **given}), actor=holder,
                              reason=reason)
        return Answer(kind.answer(case, updated))

    view.__doc__ = f"Change one of a case's {kind.name}, as its part form does; the record keeps the reason."
    return view


def _remove_view(kind: PartKind) -> Callable[..., Answer]:
    def view(holder: User, slug: str, part_id: str) -> Answer:
        case = editable_case(holder, slug)
        part = _part(case, kind, part_id)
        parts.remove_part(case, kind.name, part.id, actor=holder, reason=body(b.RemovalSchema).get("reason", ""))
        return Answer(None, 204)

    view.__doc__ = f"Remove one of a case's {kind.name}; the record keeps every value it had, and the reason."
    return view


def _register_parts() -> None:
    for kind in PART_KINDS.values():
        common = {"tag": "write", "scope": CASES, "conditional": False, "refusals": (409,)}
        bp.add_url_rule(
            f"/api/v1/cases/<slug>/{kind.name}", endpoint=f"add_{kind.name}", methods=["POST"],
            view_func=operation(Operation(
                summary=_l("Add %(part)s to a case", part=kind.summary), response=kind.response, method="post",
                status=201, path={"slug": SLUG}, body=kind.body, examples=kind.examples, **common))(
                writes(CASES, renamed=kind.renamed)(_add_view(kind))))
        part_path = f"/api/v1/cases/<slug>/{kind.name}/<part_id>"
        bp.add_url_rule(
            part_path, endpoint=f"change_{kind.name}", methods=["PATCH"],
            view_func=operation(Operation(
                summary=_l("Change %(part)s of a case", part=kind.summary), response=kind.response, method="patch",
                path={"slug": SLUG, "part_id": PART_ID}, body=kind.change,
                examples={language: {**example, "reason": reason} for (language, example), reason in
                          zip(kind.examples.items(), ("依會議決議修正", "Corrected after the meeting"), strict=True)},
                description=_l("The fields not sent stay as they are. A published case's change needs a reason."),
                **common))(writes(CASES, renamed=kind.renamed)(_change_view(kind))))
        bp.add_url_rule(
            part_path, endpoint=f"remove_{kind.name}", methods=["DELETE"],
            view_func=operation(Operation(
                summary=_l("Remove %(part)s of a case", part=kind.summary), response=None, method="delete",
                status=204, path={"slug": SLUG, "part_id": PART_ID}, body=b.RemovalSchema, body_required=False,
                examples={"zh": {"reason": "重複登錄"}, "en": {"reason": "Entered twice"}},
                description=_l("A published case's removal needs a reason; the record keeps every value the "
                               "part had."), **common))(writes(CASES, renamed=kind.renamed)(_remove_view(kind))))


_register_parts()


# Feedback


def handled_item(holder: User, tracking_number: str):
    """The item, if the holder's agency is responsible for it: 403 without the permission to answer
    (as the staff area's wall), 404 for another agency's item or none."""
    if not allowed(holder, Permission.answer_feedback):
        raise forbidden(_("Only agency staff answer feedback."))
    number = normalize(tracking_number)
    item = feedback_queries.get_feedback(db.session, number) if TRACKING_PATTERN.fullmatch(number) else None
    if item is None or not feedback_permissions.can_handle(holder, item):
        raise not_found(_("No item has the tracking number %(number)s. Check it and try again.",
                          number=tracking_number[:80]))
    return item


@bp.post("/api/v1/feedback/<tracking_number>/answer")
@operation(Operation(
    summary=_l("Publish the agency's answer to a feedback item"), tag="write", response=s.FeedbackSchema,
    method="post", path={"tracking_number": TRACKING_NUMBER}, body=b.AnswerInputSchema, scope=FEEDBACK,
    conditional=False, refusals=(409,),
    description=_l("As the answer form of the staff inbox: the author and the followers are told. An item answered "
                   "whose author followed up gets the further answer."),
    examples={"zh": {"body": "本局已於3月19日公布分包商名冊，之後每季更新。", "unit": "工程管理科"},
              "en": {"body": "The bureau published the list of subcontractors on 19 March and updates it every "
                             "quarter.", "unit": "Works Management Section"}}))
@writes(FEEDBACK)
def answer_feedback(holder: User, tracking_number: str) -> Answer:
    """Publish the agency's official answer, as the staff inbox's answer form does."""
    item = handled_item(holder, tracking_number)
    given = body(b.AnswerInputSchema)
    feedback_services.publish_response(db.session, item, actor=holder, body=given["body"],
                                       unit=given.get("unit", ""))
    # The answer's own history event was written without the item's events: read the item afresh.
    db.session.flush()
    db.session.expire_all()
    row = read.get_feedback(db.session, item.tracking_number)
    if row is None:
        raise not_found(_("No item has the tracking number %(number)s. Check it and try again.",
                          number=tracking_number[:80]))
    return Answer(s.FeedbackSchema().dump(row))


# Workshops


WORKSHOP_EXAMPLES = {
    "zh": {"title": "萬大線二期工程說明會", "description": "說明施工期間交通維持計畫，歡迎里民參加。",
           "starts_at": "2027-03-19T14:00:00+08:00", "ends_at": "2027-03-19T16:00:00+08:00", "capacity": 60,
           "location": "新北市土城區公所大禮堂", "accessibility": "無障礙坡道，現場提供手語翻譯。",
           "questions": ["您住在哪一里？"]},
    "en": {"title": "Wanda Line phase 2: briefing", "description": "Traffic during the works, explained.",
           "starts_at": "2027-03-19T14:00:00+08:00", "ends_at": "2027-03-19T16:00:00+08:00", "capacity": 60,
           "online_url": "https://meet.example.gov.tw/wanda-2", "location": ""},
}


# The workshop services' names of fields whose body name differs.
WORKSHOP_FIELDS = {"signup_deadline": "signup_deadline_at"}


def _holding(holder: User) -> None:
    if not allowed(holder, Permission.hold_workshops):
        raise forbidden(_("Only agency staff hold workshops."))


def own_workshop(holder: User, workshop_id: str) -> Workshop:
    """The workshop, if the holder's agency holds it: 403 without the permission to hold workshops
    or for another agency's (it is public, its attendees are not), 404 for none."""
    _holding(holder)
    found = parse_id(workshop_id)
    workshop = workshop_queries.get_workshop(db.session, found) if found is not None else None
    if workshop is None:
        raise not_found(_("There is no workshop %(id)s.", id=workshop_id[:80]))
    if not workshop_permissions.can_manage(holder, workshop):
        raise forbidden(_("Only the holding agency's staff can change this workshop."))
    return workshop


def _workshop_input(data: dict[str, Any]) -> workshop_services.WorkshopInput:
    values = {**data, "case_slug": data.get("case") or None}
    values.pop("case", None)
    return workshop_services.WorkshopInput(**values)


def workshop_answer(workshop: Workshop) -> dict[str, Any]:
    db.session.flush()
    db.session.expire(workshop)
    return s.WorkshopSchema().dump(read.get_workshop(db.session, workshop.id))


@bp.post("/api/v1/workshops")
@operation(Operation(summary=_l("Hold a workshop for your agency"), tag="write", response=s.WorkshopSchema,
                     method="post", status=201, body=b.WorkshopInputSchema, examples=WORKSHOP_EXAMPLES,
                     scope=WORKSHOPS, conditional=False,
                     description=_l("As the staff form: published at once and open for sign-ups.")))
@writes(WORKSHOPS, renamed=WORKSHOP_FIELDS)
def add_workshop(holder: User) -> Answer:
    """Hold a new workshop for the holder's agency."""
    _holding(holder)
    if not workshop_permissions.can_create(holder):
        raise forbidden(_("Only agency staff hold workshops."))
    workshop = workshop_services.create_workshop(db.session, _workshop_input(body(b.WorkshopInputSchema)),
                                                 actor=holder)
    return Answer(workshop_answer(workshop), 201, url_for("api.workshop", workshop_id=workshop.id, _external=True))


@bp.patch("/api/v1/workshops/<workshop_id>")
@operation(Operation(summary=_l("Change a workshop"), tag="write", response=s.WorkshopSchema, method="patch",
                     path={"workshop_id": WORKSHOP_ID}, body=b.WorkshopChangeSchema, scope=WORKSHOPS,
                     conditional=False, refusals=(409,),
                     examples={"zh": {"location": "新北市土城區公所三樓會議室", "capacity": 80},
                               "en": {"capacity": 80, "accessibility": "Step-free access; captions on screen."}},
                     description=_l("The fields not sent stay as they are. People signed up hear of a new time or "
                                    "place; more seats go to the waitlist in order.")))
@writes(WORKSHOPS, renamed=WORKSHOP_FIELDS)
def change_workshop(holder: User, workshop_id: str) -> Answer:
    """Change a workshop, as its edit form does."""
    workshop = own_workshop(holder, workshop_id)
    if workshop.is_cancelled:
        raise conflict(_("This workshop has been cancelled."))
    current = {"title": workshop.title, "description": workshop.description,
               "case": workshop.case.slug if workshop.case else None, "starts_at": workshop.starts_at,
               "ends_at": workshop.ends_at, "signup_deadline_at": workshop.signup_deadline_at,
               "capacity": workshop.capacity, "location": workshop.location, "online_url": workshop.online_url,
               "accessibility": workshop.accessibility, "questions": list(workshop.questions)}
    data = _workshop_input({**current, **body(b.WorkshopChangeSchema)})
    workshop_services.update_workshop(db.session, workshop, data, actor=holder)
    return Answer(workshop_answer(workshop))


@bp.post("/api/v1/workshops/<workshop_id>/cancel")
@operation(Operation(summary=_l("Cancel a workshop"), tag="write", response=s.WorkshopSchema, method="post",
                     path={"workshop_id": WORKSHOP_ID}, body=b.CancellationSchema, scope=WORKSHOPS,
                     conditional=False, refusals=(409,),
                     examples={"zh": {"reason": "颱風警報，停止上班上課，說明會延期另行公告。"},
                               "en": {"reason": "Typhoon warning: offices are closed. A new date will follow."}},
                     description=_l("As the staff page: everyone signed up is told, with the reason.")))
@writes(WORKSHOPS)
def cancel_workshop(holder: User, workshop_id: str) -> Answer:
    """Call a workshop off with a public reason, as the staff page does."""
    workshop = own_workshop(holder, workshop_id)
    workshop_services.cancel_workshop(db.session, workshop, actor=holder, reason=body(b.CancellationSchema)["reason"])
    return Answer(workshop_answer(workshop))

