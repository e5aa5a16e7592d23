"""The JSON bodies the write API takes and the few answers of its own, as marshmallow schemas that both
check a request and describe it in the OpenAPI document (as civic.api.params does for queries).

Field names are those of the staff forms and of the case's public record (``title_zh``,
``milestone_type``...); lengths are the forms' own. A POST body lists what the form requires as
required; the PATCH body of the same thing (``patch_schema``) requires nothing and changes only the
fields it names.
"""

from __future__ import annotations

import copy
from typing import Any

from marshmallow import Schema, fields

from civic.api.inputs import Choice, Coordinate, Day, InputSchema, Lines, Moment, Records, Text, WholeNumber
from civic.api.serializers import ErrorBodySchema, Timestamp, all_required
from civic.cases.models import CaseStatus, MemberRole, ProcurementKind, RiskLevel, RiskStage, RiskStatus, VariationKind
from civic.cases.parts import DOCUMENT_TYPES, MILESTONE_TYPES
from civic.cases.services import MAX_AMOUNT_NTD
from civic.core.text import LARGEST_ID
from civic.feedback.steps import RESPONSE_MAX_LENGTH
from civic.integrations.models import ApiScope
from civic.workshops.services import MAX_CAPACITY, MAX_QUESTIONS, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH

REASON_DESCRIPTION = ("Why, shown publicly with the change in the case's record. Required to change or remove "
                      "something of a published case, as on the staff forms.")


def _amount(description: str = "", **kwargs: Any) -> WholeNumber:
    return WholeNumber(0, MAX_AMOUNT_NTD, description=description or "Whole New Taiwan dollars.", **kwargs)


def _id(description: str, **kwargs: Any) -> WholeNumber:
    return WholeNumber(1, LARGEST_ID, description=description, **kwargs)


def _reason() -> Text:
    return Text(1000, description=REASON_DESCRIPTION)


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


# Cases and their parts


class CaseChangeSchema(InputSchema):
    """The main fields of a case: those given change, the others stay."""

    slug = Text(80, description="The web address: lower-case letters, digits and hyphens; a published case "
                                "keeps its own.")
    title_zh = Text(200, description="Title in Chinese.")
    title_en = Text(200)
    sector = Text(40, description="The sector's code, as in /api/v1/cases (sector.code).")
    procurement_kind = Choice(_values(ProcurementKind))
    status = Choice(_values(CaseStatus))
    county = Text(20, description="The county or city code, like taipei; empty for none.")
    address = Text(300)
    latitude = Coordinate(90, allow_none=True)
    longitude = Coordinate(180, allow_none=True)
    budget_ntd = _amount(allow_none=True)
    contract_value_ntd = _amount(allow_none=True)
    summary_zh = Text(4000)
    summary_en = Text(4000)
    platform_established_on = Day(allow_none=True)
    environmental_impact = Text(4000)
    land_impact = Text(4000)
    budget_approved_on = Day(allow_none=True)
    completed_on = Day(allow_none=True)
    final_cost_ntd = _amount(allow_none=True)
    final_scope = Text(4000)
    completion_changes = Text(4000)
    reason = _reason()


class MemberInputSchema(InputSchema):
    name = Text(100, required=True)
    organisation = Text(200, required=True)
    role = Choice(_values(MemberRole), required=True)


class StatementInputSchema(InputSchema):
    speaker = Text(200, required=True)
    content = Text(4000, required=True)


class MeetingInputSchema(InputSchema):
    held_on = Day(required=True)
    title = Text(200, required=True)
    place = Text(200)
    attendees = Lines(200, 200, metadata={"description": "One per item: name, organisation."})
    agenda = Text(8000)
    statements = Records(StatementInputSchema, 200)
    decisions = Lines(2000, 100)
    follow_ups = Text(8000)


class RiskInputSchema(InputSchema):
    stage = Choice(_values(RiskStage), required=True)
    risk = Text(2000, required=True)
    likelihood = Choice(_values(RiskLevel), metadata={"default": "medium"})
    impact = Choice(_values(RiskLevel), metadata={"default": "medium"})
    mitigation = Text(2000)
    owner = Text(200)
    status = Choice(_values(RiskStatus), metadata={"default": "open"})


class MilestoneInputSchema(InputSchema):
    title_zh = Text(200, required=True)
    title_en = Text(200)
    milestone_type = Choice(MILESTONE_TYPES, description="OC4IDS milestoneType code.",
                            metadata={"default": "delivery"})
    planned_on = Day(allow_none=True)
    actual_on = Day(allow_none=True)


class DocumentInputSchema(InputSchema):
    title = Text(200, required=True)
    url = Text(1000, required=True, description="Starting with https:// or http://.")
    document_type = Choice(("", *DOCUMENT_TYPES), description="OC4IDS documentType code, or empty.")


class ContractInputSchema(InputSchema):
    title = Text(200, required=True)
    tender_number = Text(60)
    tender_id = _id("One of the case's tenders (its id), or null.", allow_none=True)
    ubn = Text(20, required=True, description="The supplier's 統一編號 (eight digits).")
    company_name = Text(200, required=True)
    award_value_ntd = _amount(required=True)
    awarded_on = Day(allow_none=True)
    starts_on = Day(allow_none=True)
    ends_on = Day(allow_none=True)
    scope = Text(4000)


class TenderInputSchema(InputSchema):
    unit_id = Text(40, required=True, description="The e-procurement agency code (機關代碼), like 3.76.47.")
    job_number = Text(100, required=True, description="The tender's case number (標案案號).")


class FundingInputSchema(InputSchema):
    source = Text(200, required=True)
    amount_ntd = _amount(allow_none=True)


class VariationInputSchema(InputSchema):
    contract_id = _id("One of the case's contracts (its id).", required=True)
    kind = Choice(_values(VariationKind), required=True)
    approved_on = Day(required=True)
    new_value_ntd = _amount("For a change of price only.", allow_none=True)
    new_ends_on = Day(allow_none=True, metadata={"description": "For a change of duration only."})
    description = Text(4000, description="Required for a change of scope.")
    rationale = Text(4000, required=True)


class RemovalSchema(InputSchema):
    reason = _reason()


# Feedback and workshops


class AnswerInputSchema(InputSchema):
    body = Text(RESPONSE_MAX_LENGTH, required=True, description="The agency's public answer: **bold**, *italics*, "
                                                                "lists starting with -, > quotes and links.")
    unit = Text(100, description="The answering unit, like 工程管理科.")


class WorkshopInputSchema(InputSchema):
    title = Text(TITLE_MAX_LENGTH, required=True)
    description = Text(TEXT_MAX_LENGTH, description="Markdown, as on the staff form.")
    case = Text(80, allow_none=True, description="One of your agency's published cases (its slug), or null.")
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    signup_deadline_at = Moment(allow_none=True, description="When sign-ups close; null: when it starts.")
    capacity = WholeNumber(1, MAX_CAPACITY, required=True, description="Seats.")
    location = Text(300, description="The address in person; empty for online only.")
    online_url = Text(500, description="Shown only to people who hold a seat.")
    accessibility = Text(TEXT_MAX_LENGTH)
    questions = Lines(300, MAX_QUESTIONS, metadata={"description": "Questions for people signing up."})


class CancellationSchema(InputSchema):
    reason = Text(2000, required=True, description="Told to everyone signed up, and shown publicly.")


def patch_schema(schema: type[Schema], name: str, *, reason: bool = True) -> type[Schema]:
    """The PATCH body of ``schema``, named ``name`` for the document: the same fields, none required,
    and (for a part of a case) the ``reason`` of the change."""
    declared: dict[str, Any] = {}
    for field_name, field in schema._declared_fields.items():
        declared[field_name] = copy.deepcopy(field)
        declared[field_name].required = False
    if reason:
        declared["reason"] = _reason()
    return type(name, (InputSchema,), declared)


# The answers of the write API's own


@all_required
class HolderSchema(Schema):
    role = fields.String(metadata={"enum": ["staff", "admin"]})
    agency = fields.Function(lambda user: user.agency.code if user.agency else None,
                             metadata={"type": ["string", "null"], "description": "The holder's agency's code"})


@all_required
class TokenSchema(Schema):
    name = fields.String()
    prefix = fields.String(metadata={"description": "The first characters of the token, as /account/tokens shows "
                                                    "them"})
    scopes = fields.List(Choice(_values(ApiScope)), attribute="scope_list")
    created_at = Timestamp()
    expires_at = Timestamp()
    last_used_at = Timestamp(allow_none=True)


@all_required
class MeSchema(Schema):
    """Whom a token acts for and what it may do: never the token itself."""

    holder = fields.Nested(HolderSchema, attribute="user")
    token = fields.Nested(TokenSchema, attribute="token")


class FieldErrorBodySchema(ErrorBodySchema):
    field_errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), required=False, data_key="fields",
        metadata={"description": "For a body that was refused: each field (dotted for nested ones, like "
                                 "statements.0.speaker) with what is wrong with it"})


@all_required
class FieldErrorSchema(Schema):
    error = fields.Nested(FieldErrorBodySchema)


# Every schema the document names, leaves first.
COMPONENTS: tuple[type[Schema], ...] = (HolderSchema, TokenSchema, MeSchema, FieldErrorBodySchema, FieldErrorSchema)


MemberChangeSchema = patch_schema(MemberInputSchema, "MemberChangeSchema")
MeetingChangeSchema = patch_schema(MeetingInputSchema, "MeetingChangeSchema")
RiskChangeSchema = patch_schema(RiskInputSchema, "RiskChangeSchema")
MilestoneChangeSchema = patch_schema(MilestoneInputSchema, "MilestoneChangeSchema")
DocumentChangeSchema = patch_schema(DocumentInputSchema, "DocumentChangeSchema")
ContractChangeSchema = patch_schema(ContractInputSchema, "ContractChangeSchema")
TenderChangeSchema = patch_schema(TenderInputSchema, "TenderChangeSchema")
FundingChangeSchema = patch_schema(FundingInputSchema, "FundingChangeSchema")
VariationChangeSchema = patch_schema(VariationInputSchema, "VariationChangeSchema")
WorkshopChangeSchema = patch_schema(WorkshopInputSchema, "WorkshopChangeSchema", reason=False)

# The bodies, for the document's components.
INPUTS: tuple[type[Schema], ...] = (
    CaseChangeSchema, StatementInputSchema,
    MemberInputSchema, MemberChangeSchema, MeetingInputSchema, MeetingChangeSchema, RiskInputSchema,
    RiskChangeSchema, MilestoneInputSchema, MilestoneChangeSchema, DocumentInputSchema, DocumentChangeSchema,
    ContractInputSchema, ContractChangeSchema, TenderInputSchema, TenderChangeSchema, FundingInputSchema,
    FundingChangeSchema, VariationInputSchema, VariationChangeSchema, RemovalSchema, AnswerInputSchema,
    WorkshopInputSchema, WorkshopChangeSchema, CancellationSchema,
)
