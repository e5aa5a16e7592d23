"""The OpenAPI 3.1 document of the open data API, generated from the definitions the code runs on.

Each view declares an Operation: its summary, the marshmallow schema of its query parameters
(which civic.api.params uses to check the request), its path parameters, and the marshmallow
schema of its answer (which civic.api.serializers uses to write it). This module turns those same
objects into the document, so the document cannot say something the code does not do.

Why apispec + marshmallow (both maintained by the marshmallow-code organisation) and not
flask-smorest, which is built on the same two: flask-smorest registers app-wide HTTP error
handlers of its own (they would replace our error pages and the contract's JSON error shape),
and its response decorators do not fit streamed CSV, JSON Lines and OC4IDS bodies. We need the
document, not the framework; apispec writes OpenAPI 3.1 (``type: [..., "null"]``) from schemas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_babel import force_locale
from marshmallow import Schema
from werkzeug.routing import Rule

from civic.api import bodies as b
from civic.api import serializers as s
from civic.api.params import NoQuery, QuerySchema

JSON = "application/json"
TITLE = "civic open data API"
VERSION = "1.0.0"
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

# Every schema the document names, leaves first, so each is referred to by one stable name.
COMPONENTS: tuple[type[Schema], ...] = (
    s.CaseTombstoneSchema, s.AgencyTombstoneSchema, s.FeedbackTombstoneSchema, s.PledgeTombstoneSchema,
    s.TombstoneSchema,
    s.SectorSchema, s.MemberSchema, s.StatementSchema, s.MeetingSchema, s.RiskSchema, s.MilestoneSchema,
    s.DocumentSchema, s.SupplierSchema, s.ContractSchema, s.FundingSourceSchema, s.VariationSchema,
    s.StageDisclosureSchema, s.AnnouncementSchema, s.TenderSchema,
    s.LanguagesSchema, s.SignalSourceSchema, s.SignalSchema, s.CaseSchema, s.CaseListSchema,
    s.AgencySchema, s.AgencyListSchema, s.MonthSchema, s.AgencyStatsSchema,
    s.ResponseSchema, s.FeedbackSummarySchema, s.CommentBodySchema, s.CommentSchema, s.CommentListSchema,
    s.EventSchema, s.FollowUpAnswerSchema, s.FollowUpSchema, s.FeedbackSchema, s.FeedbackListSchema,
    s.WorkshopSchema, s.WorkshopListSchema, s.PledgeSchema, s.PledgeListSchema, s.PledgeTextSchema,
    s.PledgeTextListSchema,
    s.HistoryPartSchema, s.HistoryActorSchema, s.HistoryEntrySchema, s.HistoryListSchema,
    s.CommitmentYearSchema, s.CommitmentMilestoneSchema, s.CommitmentSchema, s.CommitmentListSchema,
    s.ErrorBodySchema, s.ErrorSchema,
)


@dataclass(frozen=True)
class PathParameter:
    description: str
    pattern: str


@dataclass(frozen=True)
class Operation:
    """What one address takes and gives with one method, for the checks, the answer and the document."""

    summary: Any
    tag: str
    response: type[Schema] | dict[str, Any] | None
    description: Any = None
    query: type[QuerySchema] = NoQuery
    path: Mapping[str, PathParameter] = field(default_factory=dict)
    media_type: str = JSON
    # Answers with an ETag and 304 Not Modified to a matching If-None-Match.
    conditional: bool = True
    # Filters that name other objects answer 404 when there is no such object.
    may_not_find: bool = False
    # The write API (civic.api.writes): the method, the status of success, the JSON body (and whether
    # one must be sent) with an example in each language, and the token it needs: ``bearer`` for any
    # token, ``scope`` for one that was given that scope. A POST needs an Idempotency-Key.
    method: str = "get"
    status: int = 200
    body: type[Schema] | None = None
    body_required: bool = True
    examples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    bearer: bool = False
    scope: str | None = None
    # The refusals a write may answer beyond the usual ones (400, 403, 409; 404 with a path; 415 with a body).
    refusals: tuple[int, ...] = ()


def operation(definition: Operation) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach ``definition`` to a view; the document is built from what the views carry."""

    def attach(view: Callable[..., Any]) -> Callable[..., Any]:
        view.api_operation = definition  # type: ignore[attr-defined]
        return view

    return attach


def operations(app: Flask) -> Iterator[tuple[Rule, Operation]]:
    """Every registered address that carries an Operation, in path order."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        definition = getattr(app.view_functions.get(rule.endpoint), "api_operation", None)
        if definition is not None:
            yield rule, definition


def openapi_path(rule: Rule) -> str:
    return _CONVERTER.sub(r"{\1}", rule.rule)


def _error(description: str, *, json_errors: bool) -> dict[str, Any]:
    if json_errors:
        return {"description": description, "content": {JSON: {"schema": s.ErrorSchema}}}
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _operation(rule: Rule, definition: Operation) -> dict[str, Any]:
    json_errors = rule.rule.startswith("/api/")
    parameters: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "description": parameter.description,
         "schema": {"type": "string", "pattern": parameter.pattern}}
        for name, parameter in definition.path.items()
    ]
    if definition.query is not NoQuery:
        parameters.append({"in": "query", "schema": definition.query})
    ok: dict[str, Any] = {"description": "OK"}
    if definition.response is not None:
        ok["content"] = {definition.media_type: {"schema": definition.response}}
    responses: dict[str, Any] = {"200": ok}
    if definition.conditional:
        parameters.append({"in": "header", "name": "If-None-Match", "required": False,
                           "description": "The ETag of a copy you have; answered with 304 if it is current.",
                           "schema": {"type": "string"}})
        ok["headers"] = {"ETag": {"description": "Identifies this version of the answer.",
                                  "schema": {"type": "string"}}}
        responses["304"] = {"description": "Not modified: the copy with the ETag you sent is current."}
    if json_errors:
        responses["400"] = _error("A parameter is unknown, repeated or has a bad value.", json_errors=True)
    if definition.path or definition.may_not_find:
        responses["404"] = _error("No such object, or it is not public.", json_errors=json_errors)
    too_many = _error("Too many requests from this client; wait as long as Retry-After says.",
                      json_errors=json_errors)
    too_many["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    responses["429"] = too_many
    result: dict[str, Any] = {
        "operationId": rule.endpoint.replace(".", "_"),
        "summary": str(definition.summary),
        "tags": [definition.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if definition.description:
        result["description"] = str(definition.description)
    if definition.bearer or definition.scope:
        _write(result, definition)
    return result


# The write API's part of the document.

BEARER = "bearerToken"
BEARER_SCHEME = {
    "type": "http", "scheme": "bearer",
    "description": "A personal access token (civ_...) from /account/tokens, held by agency staff or an "
                   "administrator. It acts as its holder, with the permissions the holder has when it is used, "
                   "and only within its scopes: cases:write (the holder's cases and their parts), "
                   "feedback:answer (answering the agency's feedback), workshops:write (the agency's "
                   "workshops). Cookies never count on these addresses.",
}
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": True,
    "description": "1 to 255 visible ASCII characters chosen by you, new for each change (a UUID will do). "
                   "Sending the same request again with the same key within 24 hours replays the first answer "
                   "(with Idempotent-Replayed: true) and changes nothing; the same key with another request "
                   "answers 422; while the first is still being made, 409. A refused request keeps no key.",
    "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"},
}
LANGUAGES = {"zh": "In Traditional Chinese (Accept-Language: zh-TW)", "en": "In English (Accept-Language: en)"}
_WRITE_ERRORS = {
    400: "The body is not JSON, or the Idempotency-Key header is missing or not 1 to 255 visible ASCII characters.",
    403: "The token lacks the scope (insufficient_scope), or its holder may not do this here.",
    404: "No such object, or the holder may not know of it.",
    409: "The change collides with the object's state or with a change saved at the same moment (read the object "
         "again, then resend if still needed), or a request with this Idempotency-Key is being made.",
    415: "The body is not sent as application/json.",
}


def _write(result: dict[str, Any], definition: Operation) -> None:
    """Add what a write (or the token's own address) takes and answers: the token, the key, the body."""
    result["security"] = [{BEARER: [definition.scope] if definition.scope else []}]
    needs = (f"Needs a token with the scope {definition.scope}." if definition.scope
             else "Needs a token, with any scope.")
    result["description"] = f"{result.get('description', '')}\n\n{needs}".strip()
    responses = result["responses"]
    success = responses.pop("200")
    if definition.status == 204:
        success = {"description": "Done; nothing to answer."}
    elif definition.status == 201:
        success = {**success, "description": "Made.",
                   "headers": {"Location": {"description": "The address of what was made.",
                                            "schema": {"type": "string"}}}}
    if definition.method == "post":
        result["parameters"].append(IDEMPOTENCY_KEY)
        success.setdefault("headers", {})["Idempotent-Replayed"] = {
            "description": "true when this is the stored answer to an earlier request with the same key.",
            "schema": {"type": "string", "enum": ["true"]}}
    responses[str(definition.status)] = success
    if definition.body is not None:
        result["requestBody"] = {"required": definition.body_required, "content": {JSON: {
            "schema": definition.body,
            "examples": {language: {"summary": LANGUAGES[language], "value": value}
                         for language, value in definition.examples.items()}}}}
    unauthorized = _error("No usable token: none sent, or it is unknown, expired or revoked, or its holder may no "
                          "longer use the write API.", json_errors=True)
    unauthorized["headers"] = {"WWW-Authenticate": {"description": "Bearer, with the error when a token was sent.",
                                                    "schema": {"type": "string"}}}
    responses["401"] = unauthorized
    # Every change may meet another made at the same moment at a unique constraint, and a POST its own
    # Idempotency-Key still being used: 409 on every write.
    statuses = {400, 403, 409, *definition.refusals} if definition.method != "get" else set(definition.refusals)
    if definition.body is not None:
        statuses.add(415)
    if definition.path:
        statuses.add(404)
    if definition.method == "post" or definition.body is not None:
        responses["422"] = {"description": "The body breaks a rule: each field with what is wrong with it "
                                           "(or the Idempotency-Key was used for another request).",
                            "content": {JSON: {"schema": b.FieldErrorSchema}}}
    for status in sorted(statuses):
        responses[str(status)] = _error(_WRITE_ERRORS[status], json_errors=True)
    result["responses"] = dict(sorted(responses.items()))


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every address registered on ``app`` that carries an Operation."""
    with force_locale("en"):
        spec = APISpec(
            title=TITLE, version=VERSION, openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
            info={"description": (
                "Open data of Taiwan's public-procurement integrity platforms (機關採購廉政平臺): "
                "cases, agencies, public comments with the agencies' official answers, feedback items, "
                "participation workshops and integrity pledges. "
                "Reading needs no login. Lists are paginated with an opaque cursor and accept updated_since for "
                "incremental mirroring; with updated_since, what left public view since then (deleted, hidden, "
                "withdrawn or unpublished) comes as a tombstone. Times are ISO 8601 with an offset; amounts "
                "are integer NTD. "
                "Writing (PATCH, POST, DELETE and /api/v1/me) needs a personal access token in "
                "Authorization: Bearer; it changes what the staff forms change, through the same rules, and "
                "each change of a case goes in its public record with the reason given.")},
        )
        for schema in (*COMPONENTS, *b.COMPONENTS, *b.INPUTS):
            spec.components.schema(schema.__name__.removesuffix("Schema"), schema=schema)
        spec.components.security_scheme(BEARER, BEARER_SCHEME)
        for rule, definition in operations(app):
            spec.path(path=openapi_path(rule), operations={definition.method: _operation(rule, definition)})
        return spec.to_dict()
