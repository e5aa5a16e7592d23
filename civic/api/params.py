"""Query parameters of the API: marshmallow schemas that both check a request and document it.

A bad value is refused with a 400 and a message in the user's language that names the
parameter; an unknown or repeated parameter is refused too, so a typo in ``updated_since`` does
not silently mirror everything again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, ClassVar

from flask import request
from flask_babel import gettext as _
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from civic.agencies.services import CODE_PATTERN as AGENCY_CODE
from civic.api.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT, Window, clamp, decode_cursor
from civic.cases.models import CaseStatus, ProcurementKind
from civic.cases.services import SLUG_PATTERN as CASE_SLUG
from civic.core.time import TAIPEI
from civic.procurement.signals import DEFINITIONS as SIGNALS

# Parameters any address accepts without documenting them: the language of error messages.
GLOBAL_PARAMETERS = frozenset({"lang"})
# What a case slug, a sector code and an agency code look like, anchored for OpenAPI.
SLUG_PATTERN = rf"^{CASE_SLUG.pattern}$"
SECTOR_PATTERN = SLUG_PATTERN
CODE_PATTERN = rf"^{AGENCY_CODE.pattern}$"
UBN_PATTERN = r"^[0-9]{8}$"
# The largest id a path may name: an INTEGER primary key on PostgreSQL.
ID_PATTERN = r"^[1-9][0-9]{0,9}$"
# A period of accountability figures (civic.feedback.periods): all, a year 2000-2100, or a quarter.
PERIOD_PATTERN = r"^(all|(20[0-9]{2}|2100)(-Q[1-4])?)$"
_MAX_ECHO = 80


class ApiError(Exception):
    """A request the API refuses: an HTTP status, a stable code and a translated message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


class UpdatedSince(fields.DateTime):
    """ISO 8601: a date and time with an offset, or without one (read as Taipei time), or a date.

    Leap seconds and out-of-range offsets are read as the nearest time the database can store.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("not a string")
        text = re.sub(r":60(?=[.,zZ+-]|$)", ":59", value.strip())
        try:
            if len(text) == 10:
                moment = datetime.combine(date.fromisoformat(text), time())
            else:
                moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise ValidationError("not ISO 8601") from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=TAIPEI)
        return clamp(moment)


class QuerySchema(Schema):
    """The parameters of one address. Subclasses list theirs; anything else is refused."""

    class Meta:
        unknown = RAISE

    # The message for a bad value of each parameter, and the error code.
    messages: ClassVar[dict[str, Any]] = {}


def _matching(pattern: str, description: str) -> fields.String:
    """A text parameter that must match ``pattern``, documented with ``description``."""
    return fields.String(validate=validate.Regexp(pattern), metadata={"description": description})


class ListQuery(QuerySchema):
    """What every list accepts."""

    cursor = _matching(CURSOR_PATTERN, "Opaque position from the `next` link of the previous page.")
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Objects per page, 1 to {MAX_LIMIT}."})
    updated_since = UpdatedSince(
        metadata={"description": "Only objects changed at or after this time (ISO 8601; without an offset, "
                                 "Taipei time). Pass the newest `updated_at` you have to mirror incrementally. "
                                 "With it, what was deleted, hidden, withdrawn or unpublished since then comes "
                                 "too, as a tombstone: the identifier, `deleted: true` and `updated_at`."})


class CaseListQuery(ListQuery):
    agency = _matching(CODE_PATTERN, "Only cases of the agency with this code.")
    sector = _matching(SECTOR_PATTERN, "Only cases of this sector (its code).")
    status = fields.String(validate=validate.OneOf([status.value for status in CaseStatus]))
    kind = fields.String(validate=validate.OneOf([kind.value for kind in ProcurementKind]),
                         metadata={"description": "Procurement kind: works (工程), goods (財物), services (勞務)."})
    best = fields.Boolean(metadata={"description": "Only best-practice cases (true) or only the others (false)."})
    signal = fields.String(validate=validate.OneOf(list(SIGNALS)), metadata={
        "description": "Only cases showing this risk signal (its code, as in each case's `signals`), decided when "
                       "the page is made. A case gains or loses a signal without a change to its `updated_at` "
                       "(an answer deadline passes, a milestone's date goes by), so a mirror kept with "
                       "`updated_since` should not filter by it."})


class CommentListQuery(ListQuery):
    case = _matching(SLUG_PATTERN, "Only comments on this case (its slug).")


class AgencyListQuery(ListQuery):
    pass


class FeedbackListQuery(ListQuery):
    case = _matching(SLUG_PATTERN, "Only items about this case (its slug).")
    agency = _matching(CODE_PATTERN, "Only items now with the agency with this code.")


class PledgeTextListQuery(ListQuery):
    pass


class WorkshopListQuery(ListQuery):
    agency = _matching(CODE_PATTERN, "Only workshops of the agency with this code.")
    case = _matching(SLUG_PATTERN, "Only workshops about this case (its slug).")


class PledgeListQuery(ListQuery):
    ubn = _matching(UBN_PATTERN, "Only pledges of the company with this 統一編號 (eight digits).")
    case = _matching(SLUG_PATTERN, "Only pledges for this case (its slug).")


class HistoryQuery(ListQuery):
    pass


class NoQuery(QuerySchema):
    """An address that takes no parameters."""


class AgencyStatsQuery(QuerySchema):
    period = _matching(PERIOD_PATTERN, "Count the items received in this period (Taipei dates): `all` (the "
                                       "default), a year such as `2026`, or a quarter such as `2026-Q3`.")


def _echo(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "…"


def _message(name: str, value: Any, schema: QuerySchema) -> ApiError:
    field = schema.fields.get(name)
    if field is None:
        return ApiError(400, "unknown_parameter",
                        _("Unknown parameter %(name)s. The parameters of each address are listed in "
                          "/api/v1/openapi.json.", name=_echo(name)))
    if name == "cursor":
        return ApiError(400, "bad_cursor",
                        _("The cursor is not valid. Use the next link exactly as it was given, or start "
                          "again without a cursor."))
    if name == "limit":
        return ApiError(400, "bad_parameter",
                        _("limit must be a whole number from 1 to %(maximum)d.", maximum=MAX_LIMIT))
    if name == "updated_since":
        return ApiError(400, "bad_parameter",
                        _("updated_since must be a date and time in ISO 8601, for example "
                          "2024-05-01T08:00:00+08:00."))
    choices = next((v.choices for v in field.validators if isinstance(v, validate.OneOf)), None)
    if choices:
        return ApiError(400, "bad_parameter",
                        _("%(value)s is not a value of %(name)s. Use one of: %(choices)s.",
                          value=_echo(value), name=name, choices=", ".join(map(str, choices))))
    return ApiError(400, "bad_parameter",
                    _("%(value)s is not a valid value of %(name)s.", value=_echo(value), name=name))


def parse(schema_class: type[QuerySchema]) -> dict[str, Any]:
    """The request's query parameters, checked; raise ApiError (400) for the first bad one."""
    schema = schema_class()
    data: dict[str, str] = {}
    for name in request.args:
        if name in GLOBAL_PARAMETERS:
            continue
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ApiError(400, "bad_parameter", _("Give %(name)s only once.", name=_echo(name)))
        data[name] = values[0]
    try:
        return schema.load(data)
    except ValidationError as error:
        name = sorted(error.messages)[0] if isinstance(error.messages, dict) else ""
        raise _message(name, data.get(name), schema) from error


def window(args: dict[str, Any]) -> Window:
    """The pagination part of parsed list parameters."""
    cursor = args.get("cursor")
    return Window(limit=args["limit"], after=decode_cursor(cursor) if cursor else None,
                  since=args.get("updated_since"))
