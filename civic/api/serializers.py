"""What the open data API shows of each object: explicit allowlists as marshmallow schemas.

The same schemas dump the responses and describe them in the OpenAPI document, so the document
cannot drift from what is sent. Never dump a model wholesale: a field that is not listed here
is not public (emails, internal notes, assignees, application reasons, review comments...).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields, pre_dump

from civic.api.params import PERIOD_PATTERN
from civic.api.queries import CommentRow, Gone
from civic.cases import disclosure
from civic.core.time import to_taipei, utcnow
from civic.feedback.models import Comment, Feedback
from civic.procurement.signals import DEFINITIONS as SIGNALS

NULLABLE_STRING = {"type": ["string", "null"]}
URI = {"type": "string", "format": "uri"}


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the Taipei offset and the microseconds, so that a bot can pass an
    ``updated_at`` back as ``updated_since`` without losing anything."""
    return None if value is None else to_taipei(value).isoformat(timespec="microseconds")


class Timestamp(fields.DateTime):
    """An aware UTC datetime, written as ``iso`` writes it."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return iso(value)


def all_required(schema: type[Schema]) -> type[Schema]:
    """Mark every field required: every key is always present (null when empty), and the
    OpenAPI document says so."""
    for field in schema._declared_fields.values():
        field.required = True
    return schema


def _nullable(field: fields.Field) -> fields.Field:
    field.allow_none = True
    return field


# Cases


@all_required
class SectorSchema(Schema):
    code = fields.String()
    name = fields.String(attribute="name_zh")
    name_en = fields.String()
    oc4ids = fields.String(attribute="oc4ids_code", metadata={"description": "OC4IDS projectSector code"})


@all_required
class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    role = fields.String(metadata={"enum": ["agency", "integrity_unit", "prosecutor", "auditor", "expert",
                                            "civil_society"]})


@all_required
class StatementSchema(Schema):
    speaker = fields.String()
    content = fields.String()


class DecisionSchema(Schema):
    content = fields.String()


@all_required
class MeetingSchema(Schema):
    id = fields.Integer()
    held_on = fields.Date()
    title = fields.String()
    place = fields.String()
    attendees = fields.List(fields.String())
    agenda = fields.String()
    statements = fields.List(fields.Nested(StatementSchema))
    decisions = fields.Pluck(DecisionSchema, "content", many=True)
    follow_ups = fields.String()


@all_required
class RiskSchema(Schema):
    id = fields.Integer()
    stage = fields.String(metadata={"enum": ["planning", "tendering", "award", "contract_implementation"]})
    risk = fields.String()
    likelihood = fields.String(metadata={"enum": ["low", "medium", "high"]})
    impact = fields.String(metadata={"enum": ["low", "medium", "high"]})
    mitigation = fields.String()
    owner = fields.String()
    status = fields.String(metadata={"enum": ["open", "mitigating", "closed"]})


@all_required
class MilestoneSchema(Schema):
    id = fields.Integer()
    title = fields.String(attribute="title_zh")
    title_en = fields.String()
    type = fields.String(attribute="milestone_type", metadata={"description": "OC4IDS milestoneType code"})
    planned_on = _nullable(fields.Date())
    actual_on = _nullable(fields.Date())


@all_required
class DocumentSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    url = fields.String()
    document_type = fields.String(metadata={"description": "OC4IDS documentType code, or empty"})


@all_required
class SupplierSchema(Schema):
    ubn = fields.String(metadata={"description": "統一編號, the company's unified business number"})
    name = fields.String()


@all_required
class ContractSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    tender_number = fields.String()
    supplier = fields.Nested(SupplierSchema, attribute="company")
    award_value_ntd = fields.Integer()
    awarded_on = _nullable(fields.Date())
    starts_on = _nullable(fields.Date(metadata={"description": "Start of the contract period as signed"}))
    ends_on = _nullable(fields.Date(metadata={"description": "End of the contract period as signed"}))
    scope = fields.String(metadata={"description": "What the contract buys, as signed"})


@all_required
class FundingSourceSchema(Schema):
    id = fields.Integer()
    source = fields.String()
    amount_ntd = _nullable(fields.Integer())


@all_required
class VariationSchema(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    kind = fields.String(metadata={"enum": ["value", "duration", "scope"]})
    approved_on = fields.Date()
    new_value_ntd = _nullable(fields.Integer(metadata={"description": "The contract price after a value variation"}))
    new_ends_on = _nullable(fields.Date(metadata={"description": "The contract's end after a duration variation"}))
    description = fields.String()
    rationale = fields.String(metadata={"description": "Why the contract was changed"})


@all_required
class StageDisclosureSchema(Schema):
    filled = fields.Integer()
    total = fields.Integer()
    percent = fields.Integer()
    due = fields.Boolean(metadata={"description": "Whether the case has reached the stage"})
    missing = fields.List(fields.String(), metadata={
        "description": "The stage's data points not yet published, by key (empty while the stage is not due)"})


def _disclosure(case) -> dict[str, dict[str, Any]]:
    return {score.stage.code: {"filled": score.filled, "total": score.total, "percent": score.percent,
                               "due": score.due,
                               "missing": [point.key for point in score.missing] if score.due else []}
            for score in disclosure.assess(case)}


# Tenders on the e-procurement system and risk signals


def _ubns(companies) -> list[str]:
    return [company.ubn for company in companies]


UBNS = {"type": "array", "items": {"type": "string"}}


@all_required
class AnnouncementSchema(Schema):
    """One announcement of a tender, as the e-procurement system published it."""

    date = fields.Date(attribute="published_on", metadata={"examples": ["2026-04-20"]})
    type = fields.String(attribute="type_label", metadata={
        "description": "The announcement's type as published", "examples": ["決標公告"]})
    kind = fields.String(metadata={"enum": ["tender", "correction", "award", "failed", "other"],
                                   "description": "Where it stands in the tender's life: tender (招標), "
                                                  "correction (更正), award (決標), failed (無法決標), other"})
    title = fields.String(metadata={"examples": ["萬大線CQ850區段標土建工程"]})
    budget = _nullable(fields.Integer(attribute="budget_ntd", metadata={
        "description": "預算金額 in NTD, as announced", "examples": [1200000000]}))
    reserve_price = _nullable(fields.Integer(attribute="reserve_price_ntd", metadata={
        "description": "底價 in NTD, as announced with the award", "examples": [1150000000]}))
    award_amount = _nullable(fields.Integer(attribute="award_amount_ntd", metadata={
        "description": "決標金額 in NTD", "examples": [1148000000]}))
    bidder_count = _nullable(fields.Integer(metadata={"description": "投標廠商家數, as announced",
                                                      "examples": [1]}))
    bidders = fields.Function(lambda announcement: _ubns(announcement.bidders), metadata={
        **UBNS, "description": "The bidders' 統一編號", "examples": [["90000006"]]})
    winners = fields.Function(lambda announcement: _ubns(announcement.winners), metadata={
        **UBNS, "description": "The winners' 統一編號", "examples": [["90000006"]]})
    official_url = fields.String(metadata={"description": "The announcement on web.pcc.gov.tw; empty when the "
                                                          "source names none"})


@all_required
class TenderSchema(Schema):
    """A tender the case names (a Timeline), with what the system announced about it, oldest first."""

    id = fields.Integer(attribute="tender.id")
    unit_id = fields.String(attribute="tender.unit_id", metadata={
        "description": "The agency's e-procurement code", "examples": ["3.76.47"]})
    job_number = fields.String(attribute="tender.job_number", metadata={
        "description": "The agency's case number of the tender", "examples": ["CQ850-2026"]})
    unit_name = fields.String(attribute="tender.unit_name", metadata={
        "description": "The procuring entity as the system names it; empty before the first import"})
    official_url = fields.String(metadata={"description": "The newest official page the announcements name, "
                                                          "or empty"})
    announcements = fields.List(fields.Nested(AnnouncementSchema))


@all_required
class LanguagesSchema(Schema):
    zh = fields.String(metadata={"description": "Traditional Chinese (Taiwan)"})
    en = fields.String()


@all_required
class SignalSourceSchema(Schema):
    name = fields.String(metadata={"description": "The definition the signal follows",
                                   "examples": ["OCDS Cardinal R018 (Single bid received)"]})
    url = fields.String(metadata={"description": "Where the definition is published; empty when it has no "
                                                 "stable address"})


@all_required
class SignalSchema(Schema):
    """A risk signal: a fact in the data worth a second look, never an accusation."""

    code = fields.String(metadata={"enum": list(SIGNALS)})
    title = fields.Nested(LanguagesSchema)
    explanation = fields.Nested(LanguagesSchema, metadata={"description": "What it means and what it does not"})
    data = fields.Dict(metadata={"description": "The data it came from, e.g. the tender, announcement and "
                                                "number of bidders, or the contract with its price or period "
                                                "as signed and after its latest variation (growth_percent: "
                                                "how much more, in per cent) and the variations' ids",
                                 "examples": [{"tender": "3.76.47 CQ850-2026", "announcement": "BDM-1-71000003",
                                               "published_on": "2026-04-20", "bidder_count": 1,
                                               "procedure": "公開招標"}]})
    source = fields.Nested(SignalSourceSchema)

    @pre_dump
    def _in_languages(self, signal, **kwargs: Any) -> dict[str, Any]:
        return signal.in_languages()


def _case_url(case) -> str:
    return url_for("case_page.detail", slug=case.slug, _external=True)


@all_required
class CaseSchema(Schema):
    slug = fields.String()
    title = fields.String(attribute="title_zh", metadata={"description": "Title in Traditional Chinese"})
    title_en = fields.String()
    agency = fields.Function(lambda case: case.agency.code,
                             metadata={"type": "string", "description": "The owning agency's code"})
    status = fields.String(metadata={"enum": ["identification", "preparation", "tendering", "implementation",
                                              "completed", "cancelled", "suspended"]})
    sector = fields.Nested(SectorSchema)
    procurement_kind = fields.String(metadata={"enum": ["works", "goods", "services"]})
    county = fields.String()
    address = fields.String()
    latitude = _nullable(fields.Float())
    longitude = _nullable(fields.Float())
    budget_ntd = _nullable(fields.Integer())
    contract_value_ntd = _nullable(fields.Integer())
    summary = fields.String(attribute="summary_zh")
    summary_en = fields.String()
    platform_established_on = _nullable(fields.Date())
    year = _nullable(fields.Integer())
    is_best_practice = fields.Boolean()
    best_practice_reason = fields.String(attribute="best_practice_reason_zh")
    best_practice_reason_en = fields.String()
    completeness = fields.Integer(metadata={"description": "Percentage of the common mandatory fields filled in"})
    disclosure = fields.Function(_disclosure, metadata={
        "type": "object", "description": "For each stage of the CoST Infrastructure Data Standard "
        "(identification, preparation, procurement, implementation, completion), how many of its data points "
        "the case has published",
        "properties": {code: {"$ref": "#/components/schemas/StageDisclosure"} for code in disclosure.STAGE_CODES},
        "required": list(disclosure.STAGE_CODES)})
    environmental_impact = fields.String()
    land_impact = fields.String(metadata={"description": "Land acquisition and resettlement impact"})
    budget_approved_on = _nullable(fields.Date())
    funding = fields.List(fields.Nested(FundingSourceSchema), metadata={"description": "Sources of the budget"})
    variations = fields.List(fields.Nested(VariationSchema), metadata={
        "description": "Changes to the contracts after signing, in the order they were approved"})
    completed_on = _nullable(fields.Date())
    final_cost_ntd = _nullable(fields.Integer())
    final_scope = fields.String()
    completion_changes = fields.String(metadata={
        "description": "Why the final cost, date or scope differ from what was planned"})
    is_demo = fields.Boolean(metadata={"description": "Demonstration data, not a real case"})
    published_at = _nullable(Timestamp())
    updated_at = Timestamp()
    members = fields.List(fields.Nested(MemberSchema))
    meetings = fields.List(fields.Nested(MeetingSchema))
    risks = fields.List(fields.Nested(RiskSchema))
    milestones = fields.List(fields.Nested(MilestoneSchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    contracts = fields.List(fields.Nested(ContractSchema))
    tenders = fields.List(fields.Nested(TenderSchema), attribute="timelines", metadata={
        "description": "The case's tenders on the e-procurement system, each with its announcements"})
    signals = fields.List(fields.Nested(SignalSchema), metadata={
        "description": "Risk signals computed from the case's data when the answer (or the bulk file) was made: "
                       "facts worth a second look, never accusations. Lists carry the same as the case's own "
                       "address."})
    url = fields.Function(_case_url, metadata=URI)
    oc4ids_url = fields.Function(lambda case: url_for("api.case_oc4ids", slug=case.slug, _external=True),
                                 metadata=URI)


# Agencies


@all_required
class AgencySchema(Schema):
    code = fields.String()
    name = fields.String(attribute="name_zh")
    name_en = fields.String()
    parent = fields.Function(lambda agency: agency.parent.code if agency.parent else None,
                             metadata={**NULLABLE_STRING, "description": "The supervising agency's code"})
    response_days = fields.Integer(metadata={"description": "Days the agency has to answer public input"})
    is_active = fields.Boolean()
    updated_at = Timestamp()
    url = fields.Function(
        lambda agency: url_for("agencies.detail", code=agency.code, _external=True) if agency.is_active else None,
        metadata={"type": ["string", "null"], "format": "uri"})


@all_required
class MonthSchema(Schema):
    month = fields.String(metadata={"pattern": r"^\d{4}-\d{2}$"})
    received = fields.Integer(metadata={"description": "Items received in the month (Taipei)"})
    acknowledged_on_time = fields.Integer(metadata={"description": "Of those, acknowledged by their "
                                                                   "acknowledgement deadline"})
    answered = fields.Integer(metadata={"description": "Of those, answered"})
    answered_on_time = fields.Integer(metadata={"description": "Of those, answered by the deadline"})
    median_working_days = _nullable(fields.Float(metadata={"description": "Median working days to answer"}))
    overdue_now = fields.Integer(metadata={"description": "Of those, open past the deadline now"})
    extended = fields.Integer(metadata={"description": "Of those, given more time"})
    reopened = fields.Integer(metadata={"description": "Of those, reopened after an answer"})


@all_required
class AgencyStatsSchema(Schema):
    agency = fields.String()
    updated_at = Timestamp()
    cases = fields.Integer(metadata={"description": "Published cases"})
    average_completeness = _nullable(fields.Integer())
    received = fields.Integer()
    answered = fields.Integer()
    answered_on_time = fields.Integer()
    on_time_share = _nullable(fields.Integer(metadata={"description": "Percentage of answers given on time"}))
    overdue_now = fields.Integer()
    median_days = _nullable(fields.Float(metadata={"description": "Median days from receipt to answer"}))
    months = fields.List(fields.Nested(MonthSchema))
    period = fields.String(metadata={"description": "The period counted: items received in it (Taipei dates)",
                                     "pattern": PERIOD_PATTERN})
    acknowledged_on_time = fields.Integer(metadata={"description": "Items acknowledged by their acknowledgement "
                                                                   "deadline"})
    acknowledged_on_time_share = _nullable(fields.Integer(metadata={
        "description": "Percentage of the items with an acknowledgement deadline acknowledged by it"}))
    median_working_days = _nullable(fields.Float(metadata={
        "description": "Median working days (office calendar) from the day received to the day answered"}))
    extended = fields.Integer(metadata={"description": "Items whose deadline was extended"})
    reopened = fields.Integer(metadata={"description": "Items reopened after an answer"})
    too_few_to_compare = fields.Boolean(metadata={"description": "Fewer than 10 items received: too few to "
                                                                 "compare shares fairly"})


# Comments and feedback


COMMENT_STATES = ["visible", "hidden", "deleted"]


def comment_state(comment: Comment) -> str:
    """Deleted and hidden comments are tombstones: no words, no author."""
    if comment.is_deleted:
        return "deleted"
    if comment.is_hidden:
        return "hidden"
    return "visible"


def if_visible(comment: Comment, value: Any) -> Any:
    """``value`` for a visible comment, None for a tombstone."""
    return value if comment_state(comment) == "visible" else None


def public_author(comment: Comment) -> str | None:
    """The author's display name, as the page shows it; None for tombstones and former users."""
    author = comment.author
    if author is None or author.deleted_at is not None:
        return None
    return if_visible(comment, author.display_name)


@all_required
class ResponseSchema(Schema):
    agency = fields.Function(lambda response: response.agency.code, metadata={"type": "string"})
    unit = fields.String(metadata={"description": "The answering unit, e.g. 工程管理科"})
    body_html = fields.String(metadata={"description": "The answer as cleaned HTML"})
    created_at = Timestamp()


@all_required
class FeedbackSummarySchema(Schema):
    tracking_number = fields.String()
    status = fields.String(metadata={"enum": ["received", "in_progress", "answered", "closed"]})
    agency = fields.Function(lambda item: item.agency.code, metadata={"type": "string"})
    received_at = Timestamp()
    acknowledge_by = _nullable(Timestamp())
    acknowledged_at = _nullable(Timestamp())
    due_at = Timestamp()
    answered_at = _nullable(Timestamp())
    closed_at = _nullable(Timestamp())
    url = fields.Function(lambda item: url_for("api.feedback", tracking_number=item.tracking_number,
                                               _external=True), metadata=URI)


class _CommentFields(Schema):
    """The comment itself, as a tombstone when it was deleted or hidden."""

    id = fields.Integer(attribute="comment.id")
    state = fields.Function(lambda row: comment_state(row.comment), metadata={"type": "string", "enum": COMMENT_STATES})
    author = fields.Function(lambda row: public_author(row.comment),
                             metadata={**NULLABLE_STRING, "description": "Display name; null for tombstones "
                                                                         "and former users"})
    body_html = fields.Function(lambda row: if_visible(row.comment, row.comment.body_html),
                                metadata={**NULLABLE_STRING, "description": "Cleaned HTML; null for tombstones"})
    hidden_reason = fields.Function(
        lambda row: row.comment.hidden_reason if comment_state(row.comment) == "hidden" else None,
        metadata={"type": ["string", "null"],
                  "enum": ["spam", "abuse", "personal_data", "off_topic", "illegal", None]})
    created_at = Timestamp(attribute="comment.created_at")
    edited_at = _nullable(Timestamp(attribute="comment.edited_at"))


@all_required
class CommentSchema(_CommentFields):
    case = fields.String(attribute="case_slug")
    parent_id = _nullable(fields.Integer(attribute="comment.parent_id"))
    meeting_id = _nullable(fields.Integer(attribute="comment.meeting_id"))
    risk_id = _nullable(fields.Integer(attribute="comment.risk_id"))
    updated_at = Timestamp()
    feedback = _nullable(fields.Nested(FeedbackSummarySchema, attribute="comment.feedback"))
    response = fields.Function(
        lambda row: _response(row.comment.feedback),
        metadata={"anyOf": [{"$ref": "#/components/schemas/Response"}, {"type": "null"}],
                  "description": "The agency's official answer, for a top-level comment"})


def _response(feedback: Feedback | None) -> dict | None:
    if feedback is None or feedback.response is None:
        return None
    return ResponseSchema().dump(feedback.response)


@all_required
class CommentBodySchema(_CommentFields):
    pass


def _to_agency(event) -> str | None:
    if event.kind == "forwarded":
        return event.data.get("new")
    if event.kind == "escalated":
        # Earlier escalations named the supervising agency as "supervisor".
        return event.data.get("agency") or event.data.get("supervisor")
    return None


@all_required
class EventSchema(Schema):
    kind = fields.String(metadata={"enum": ["received", "status_changed", "answered", "forwarded", "overdue",
                                            "escalated", "withdrawn", "extended", "deadline_moved",
                                            "acknowledged", "reopened"]})
    at = Timestamp(attribute="created_at")
    status = fields.Function(
        lambda event: event.data.get("new") if event.kind == "status_changed" else None,
        metadata={**NULLABLE_STRING, "description": "The new status, for status_changed"})
    from_agency = fields.Function(lambda event: event.data.get("old") if event.kind == "forwarded" else None,
                                  metadata=NULLABLE_STRING)
    to_agency = fields.Function(_to_agency, metadata={
        **NULLABLE_STRING, "description": "The agency an item was forwarded to, or whose staff were told of it "
                                          "when escalated"})
    escalated_to = fields.Function(
        lambda event: (event.data.get("to") or "supervisor") if event.kind == "escalated" else None,
        metadata={"type": ["string", "null"], "enum": ["supervisor", "authority", None],
                  "description": "Who was told of an escalated item: the supervising agency or the integrity "
                                 "authority"})
    on_time = fields.Function(
        lambda event: event.data.get("on_time") if event.kind in ("acknowledged", "answered") else None,
        metadata={"type": ["boolean", "null"], "description": "For acknowledged and answered: whether in time"})
    reason = fields.Function(lambda event: event.data.get("reason") if event.kind in ("forwarded", "extended")
                             else None,
                             metadata={**NULLABLE_STRING, "description": "The public reason of a forwarding or an "
                                                                         "extension"})
    due_at = fields.Function(lambda event: event.data.get("new")
                             if event.kind in ("extended", "deadline_moved", "reopened") else None,
                             metadata={**NULLABLE_STRING, "format": "date-time",
                                       "description": "The new deadline, for extended, deadline_moved and "
                                                      "reopened"})


@all_required
class FollowUpAnswerSchema(Schema):
    body = fields.String(attribute="answer_html", metadata={"description": "The further answer as cleaned HTML"})
    unit = fields.String(attribute="answer_unit", metadata={"description": "The answering unit, e.g. 工程管理科"})
    answered_at = Timestamp()


@all_required
class FollowUpSchema(Schema):
    """The author's one follow-up to the first answer, and the agency's further answer to it."""

    body = _nullable(fields.String(attribute="body_html", metadata={
        "description": "The follow-up as cleaned HTML; null when the item's comment is hidden or deleted"}))
    created_at = Timestamp()
    answer = fields.Function(
        lambda follow_up: FollowUpAnswerSchema().dump(follow_up) if follow_up.answered_at else None,
        metadata={"anyOf": [{"$ref": "#/components/schemas/FollowUpAnswer"}, {"type": "null"}],
                  "description": "The agency's further answer, or null while it is awaited"})


def _follow_up(item: Feedback) -> dict | None:
    if item.follow_up is None:
        return None
    data = FollowUpSchema().dump(item.follow_up)
    # The follow-up is the author's words too: it goes when their comment is hidden or deleted.
    return {**data, "body": if_visible(item.comment, data["body"])}


@all_required
class FeedbackSchema(Schema):
    """A feedback item (a FeedbackRow): never its internal notes, its assignee or anyone's email."""

    tracking_number = fields.String(attribute="item.tracking_number")
    case = fields.Function(lambda row: row.item.case.slug, metadata={"type": "string"})
    agency = fields.Function(lambda row: row.item.agency.code, metadata={"type": "string"})
    status = fields.String(attribute="item.status",
                           metadata={"enum": ["received", "in_progress", "answered", "closed"]})
    received_at = Timestamp(attribute="item.received_at")
    acknowledge_by = _nullable(Timestamp(attribute="item.acknowledge_by", metadata={
        "description": "When the agency must acknowledge (受理) the item; null for items received before "
                       "this clock existed"}))
    acknowledged_at = _nullable(Timestamp(attribute="item.acknowledged_at", metadata={
        "description": "When the agency acknowledged the item, or null"}))
    due_at = Timestamp(attribute="item.due_at")
    extended_to = _nullable(Timestamp(attribute="item.extended_to", metadata={
        "description": "The deadline given by the item's one extension, or null"}))
    answered_at = _nullable(Timestamp(attribute="item.answered_at"))
    reopened_at = _nullable(Timestamp(attribute="item.reopened_at", metadata={
        "description": "When the author's follow-up reopened the answered item, or null"}))
    closed_at = _nullable(Timestamp(attribute="item.closed_at"))
    is_overdue = fields.Function(lambda row: row.item.is_overdue(utcnow()), metadata={"type": "boolean"})
    answered_on_time = fields.Function(lambda row: row.item.answered_on_time, metadata={"type": ["boolean", "null"]})
    updated_at = Timestamp(metadata={"description": "When the item, its comment or its answer last changed"})
    comment = fields.Function(
        lambda row: CommentBodySchema().dump(CommentRow(row.item.comment, row.item.case.slug, row.updated_at)),
        metadata={"allOf": [{"$ref": "#/components/schemas/CommentBody"}]})
    response = _nullable(fields.Nested(ResponseSchema, attribute="item.response"))
    follow_up = fields.Function(
        lambda row: _follow_up(row.item),
        metadata={"anyOf": [{"$ref": "#/components/schemas/FollowUp"}, {"type": "null"}],
                  "description": "The author's one follow-up saying the answer does not answer the question, "
                                 "with the further answer; or null"})
    history = fields.Function(
        lambda row: EventSchema(many=True).dump([event for event in row.item.events if event.is_public]),
        metadata={"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                  "description": "The public steps only"})
    url = fields.Function(lambda row: url_for("feedback.status", tracking_number=row.item.tracking_number,
                                              _external=True), metadata=URI)


# Workshops and pledges


def _public_case_slug(case) -> str | None:
    """The case's slug when the case is published; null otherwise (and without a case)."""
    return case.slug if case is not None and case.is_published else None


@all_required
class WorkshopSchema(Schema):
    """A workshop's public face: never who signed up, never the online link (confirmed people only)."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String(metadata={"description": "Markdown, as the agency wrote it"})
    agency = fields.Function(lambda workshop: workshop.agency.code,
                             metadata={"type": "string", "description": "The holding agency's code"})
    case = fields.Function(lambda workshop: _public_case_slug(workshop.case),
                           metadata={**NULLABLE_STRING, "description": "The published case it is about (slug)"})
    starts_at = Timestamp()
    ends_at = Timestamp()
    signup_deadline_at = Timestamp()
    location = fields.String(metadata={"description": "Where it is held in person; empty when online only"})
    online = fields.Boolean(attribute="is_online",
                            metadata={"description": "Also or only online (the link goes to confirmed people)"})
    accessibility = fields.String()
    capacity = fields.Integer()
    confirmed = fields.Integer(attribute="confirmed_count", metadata={"description": "Seats taken"})
    waitlisted = fields.Integer(attribute="waitlisted_count", metadata={"description": "People on the waitlist"})
    seats_left = fields.Integer()
    status = fields.String(metadata={"enum": ["scheduled", "cancelled"]})
    cancelled_at = _nullable(Timestamp())
    is_demo = fields.Boolean(metadata={"description": "Demonstration data, not a real workshop"})
    updated_at = Timestamp()
    url = fields.Function(lambda workshop: url_for("workshops.detail", workshop_id=workshop.id, _external=True),
                          metadata=URI)


@all_required
class PledgeSchema(Schema):
    receipt = fields.String(metadata={"description": "The pledge's receipt number"})
    company = fields.Nested(SupplierSchema)
    case = fields.Function(lambda pledge: _public_case_slug(pledge.case),
                           metadata={**NULLABLE_STRING, "description": "The published case it is for (slug); "
                                                                       "null for a general pledge"})
    text_version = fields.Function(lambda pledge: pledge.text.version, metadata={"type": "integer"})
    text_hash = fields.Function(lambda pledge: pledge.text.content_hash,
                                metadata={"type": "string", "description": "SHA-256 of the signed text"})
    signer_name = fields.String()
    signer_title = fields.String()
    signed_at = Timestamp()
    status = fields.String(metadata={"enum": ["active", "withdrawn"]})
    withdrawn_at = _nullable(Timestamp())
    withdrawal_reason = fields.String()
    breach_note = fields.String()
    breach_recorded_at = _nullable(Timestamp())
    content_hash = fields.String(metadata={"description": "SHA-256 of the pledge's canonical content"})
    updated_at = Timestamp()
    url = fields.Function(lambda pledge: url_for("pledges.receipt", receipt=pledge.receipt, _external=True),
                          metadata=URI)


TEXT_HASH = ("SHA-256, in lowercase hex, of the UTF-8 bytes of the JSON object of this text's version, case, "
             "title_zh, title_en, body_zh and body_en (those keys, these values) with sorted keys, separators `,` "
             "and `:` and non-ASCII characters as they are (Python: `json.dumps(text, sort_keys=True, "
             "separators=(\",\", \":\"), ensure_ascii=False)`). A pledge names the text it signed by this hash.")


@all_required
class PledgeTextSchema(Schema):
    """One version of a pledge text (a PledgeTextRow), word for word as it was signed."""

    id = fields.Integer(attribute="text.id")
    version = fields.Integer(attribute="text.version",
                             metadata={"description": "1, 2, ... for the general text and for each case's own"})
    case = _nullable(fields.String(attribute="case_slug",
                                   metadata={"description": "The case whose own text it is (slug); null for the "
                                                            "general text"}))
    title_zh = fields.String(attribute="text.title_zh")
    title_en = fields.String(attribute="text.title_en")
    body_zh = fields.String(attribute="text.body_zh")
    body_en = fields.String(attribute="text.body_en")
    text_hash = fields.String(attribute="text.content_hash", metadata={"description": TEXT_HASH})
    published_at = Timestamp(attribute="text.published_at")
    updated_at = Timestamp()


# The action plan's commitments


@all_required
class CommitmentYearSchema(Schema):
    year = fields.Integer()
    target = _nullable(fields.Integer(metadata={"description": "The value the integrity authority set for the year; "
                                                               "null when it set none"}))
    actual = _nullable(fields.Integer(metadata={"description": "The value the data shows for the year; null when "
                                                               "there is nothing to measure yet"}))
    met = _nullable(fields.Boolean(metadata={"description": "Whether the actual value reached the target; null "
                                                            "without a target"}))


@all_required
class CommitmentMilestoneSchema(Schema):
    title = fields.String(attribute="title_zh")
    title_en = fields.String()
    due_on = fields.Date()
    done_on = _nullable(fields.Date())
    is_done = fields.Boolean()


@all_required
class CommitmentSchema(Schema):
    """One commitment (a CommitmentProgress) with its targets, the values reached and its milestones."""

    code = fields.String(attribute="commitment.code")
    title = fields.String(attribute="commitment.title_zh")
    title_en = fields.String(attribute="commitment.title_en")
    description = fields.String(attribute="commitment.description_zh")
    description_en = fields.String(attribute="commitment.description_en")
    measure = fields.String(attribute="commitment.measure", metadata={
        "enum": ["best_practice_cases", "platforms", "answered_on_time_share"],
        "description": "best_practice_cases: published cases chosen as best practice, by the year they were "
                       "chosen; platforms: published cases, by the year each is counted in; "
                       "answered_on_time_share: percentage of the feedback received that year answered by its "
                       "deadline"})
    unit = fields.Function(lambda item: "percent" if item.commitment.is_percentage else "count",
                           metadata={"enum": ["count", "percent"]})
    targets = fields.List(fields.Nested(CommitmentYearSchema),
                          metadata={"description": "Every year with a target, oldest first"})
    current = fields.Nested(CommitmentYearSchema, metadata={"description": "The current year (Asia/Taipei)"})
    milestones = fields.List(fields.Nested(CommitmentMilestoneSchema), attribute="commitment.milestones")


CommitmentListSchema = Schema.from_dict({"data": fields.List(fields.Nested(CommitmentSchema), required=True)},
                                        name="CommitmentList")


# Tombstones: what left public view since updated_since


DELETED = {"type": "boolean", "enum": [True], "description": "Always true: the object left public view (deleted, "
                                                             "hidden, withdrawn or unpublished)"}


def tombstone(name: str, identifier: str, key: fields.Field) -> type[Schema]:
    """``{"<identifier>": ..., "deleted": true, "updated_at": ...}`` of a Gone, named for the document."""
    return all_required(Schema.from_dict({
        identifier: key,
        "deleted": fields.Constant(True, metadata=DELETED),
        "updated_at": Timestamp(metadata={"description": "When it left public view"}),
    }, name=name))


CaseTombstoneSchema = tombstone("CaseTombstone", "slug", fields.String(attribute="key"))
AgencyTombstoneSchema = tombstone("AgencyTombstone", "code", fields.String(attribute="key"))
FeedbackTombstoneSchema = tombstone("FeedbackTombstone", "tracking_number", fields.String(attribute="key"))
PledgeTombstoneSchema = tombstone("PledgeTombstone", "receipt", fields.String(attribute="key"))
TombstoneSchema = tombstone("Tombstone", "id", fields.Integer(attribute="key"))


def dump_listed(rows: list[Any], schema: type[Schema], gone: type[Schema]) -> list[dict[str, Any]]:
    """The objects of a list page: each listed object in full, each Gone as a tombstone."""
    listed, buried = schema(), gone()
    return [buried.dump(row) if isinstance(row, Gone) else listed.dump(row) for row in rows]


# Errors and list envelopes


# The public record


@all_required
class HistoryPartSchema(Schema):
    kind = fields.String(metadata={"description": "case, member, meeting, risk, milestone, contract or document"})
    id = _nullable(fields.Integer(metadata={"description": "The part's id; null only for entries carried over "
                                                            "from before parts were identified"}))


@all_required
class HistoryActorSchema(Schema):
    role = _nullable(fields.String(metadata={"description": "staff, admin, ... or system"}))
    agency = _nullable(fields.String(metadata={"description": "The code of the actor's agency"}))


@all_required
class HistoryEntrySchema(Schema):
    seq = fields.Integer(metadata={"description": "1, 2, ... within the case"})
    at = fields.String(metadata={"format": "date-time", "description": "When, in UTC, to the second"})
    action = fields.String(metadata={"description": "created, updated, deleted, or a step of the case's life "
                                                    "(published, returned, rejected, resubmitted, "
                                                    "featured, unfeatured), or recorded for the values a "
                                                    "part had when the record began"})
    part = fields.Nested(HistoryPartSchema)
    before = _nullable(fields.Dict(metadata={"description": "The changed fields' earlier values; for a "
                                                            "deletion every value the part had; null for a "
                                                            "creation"}))
    after = _nullable(fields.Dict(metadata={"description": "The changed fields' new values; for a creation "
                                                           "every value; null for a deletion"}))
    reason = fields.String(metadata={"description": "Why, as the person who changed it said; may be empty"})
    actor = fields.Nested(HistoryActorSchema)
    previous_hash = fields.String(metadata={"description": "The previous entry's hash; 64 zeros for seq 1"})
    hash = fields.String(metadata={
        "description": "Lowercase hex SHA-256 of the UTF-8 bytes of this object without its hash key, "
                       "as JSON with sorted keys, separators , and : and non-ASCII characters as they are"})


HistoryListSchema = Schema.from_dict({
    "data": fields.List(fields.Nested(HistoryEntrySchema), required=True),
    "next": fields.String(required=True, allow_none=True,
                          metadata={"format": "uri", "description": "The next page, or null on the last page"}),
    "head": fields.String(required=True, allow_none=True,
                          metadata={"description": "The hash of the case's newest entry (whatever the page)"}),
}, name="HistoryList")


@all_required
class ErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()


@all_required
class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)


def _ref(schema: type[Schema]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema.__name__.removesuffix('Schema')}"}


def list_schema(item: type[Schema], gone: type[Schema], name: str) -> type[Schema]:
    """``{"data": [...], "next": url or null}``, named for the OpenAPI document; with updated_since,
    an object of ``data`` may be a tombstone."""
    return Schema.from_dict({
        "data": fields.List(fields.Raw(metadata={
            "oneOf": [_ref(item), _ref(gone)],
            "description": "An object, or, with updated_since, the tombstone of one that left public view"}),
            required=True),
        "next": fields.String(required=True, allow_none=True,
                              metadata={"format": "uri",
                                        "description": "The next page, or null on the last page"}),
    }, name=name)


CaseListSchema = list_schema(CaseSchema, CaseTombstoneSchema, "CaseList")
AgencyListSchema = list_schema(AgencySchema, AgencyTombstoneSchema, "AgencyList")
CommentListSchema = list_schema(CommentSchema, TombstoneSchema, "CommentList")
FeedbackListSchema = list_schema(FeedbackSchema, FeedbackTombstoneSchema, "FeedbackList")
WorkshopListSchema = list_schema(WorkshopSchema, TombstoneSchema, "WorkshopList")
PledgeListSchema = list_schema(PledgeSchema, PledgeTombstoneSchema, "PledgeList")
PledgeTextListSchema = list_schema(PledgeTextSchema, TombstoneSchema, "PledgeTextList")
