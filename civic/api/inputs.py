"""Fields of the JSON bodies the write API takes: each checks the JSON type it was sent, says what is
wrong in the request's language, and describes itself for the OpenAPI document.

They check shape only (type, length, format, range); the rules of each change (a Chinese title,
dates in order, a tender once per case...) are the services' own and are asked there, as the
forms ask them. Text is trimmed as the forms trim it, and control characters are refused.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields

from civic.core.text import CONTROL_CHARACTERS

# What a text may hold, for the document: anything but control characters (tabs and line breaks pass).
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# RFC 3339's date-time, which the document's format names: the offset is required.
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})",
                     re.ASCII)
# Days and times from 1900 to 2100, as the forms take them: nothing of ours lies outside.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
MESSAGES = {
    "required": _l("Give this field."),
    "null": _l("This field cannot be null."),
}


class InputSchema(Schema):
    """A request body: a JSON object of the listed fields only."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": _l("Unknown field. The fields of each address are in /api/v1/openapi.json."),
        "type": _l("Send a JSON object."),
    }


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


class Text(fields.String):
    """Text someone writes: at most ``longest`` characters as sent, without control characters; trimmed."""

    default_error_messages = MESSAGES

    def __init__(self, longest: int, *, description: str = "", **kwargs: Any) -> None:
        self.longest = longest
        metadata = {"maxLength": longest, "pattern": NO_CONTROL_CHARACTERS, **kwargs.pop("metadata", {})}
        if description:
            metadata["description"] = description
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise _refuse(_("Send text (a JSON string)."))
        if len(value) > self.longest:
            raise _refuse(_("At most %(max)d characters.", max=self.longest))
        if CONTROL_CHARACTERS.search(value):
            raise _refuse(_("The text holds characters that cannot be saved."))
        return value.strip()


class Choice(fields.String):
    """One of a fixed list of codes."""

    default_error_messages = MESSAGES

    def __init__(self, choices: tuple[str, ...] | list[str], *, description: str = "", **kwargs: Any) -> None:
        self.choices = tuple(choices)
        metadata = {"enum": list(self.choices), **kwargs.pop("metadata", {})}
        if description:
            metadata["description"] = description
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise _refuse(_("Choose one of: %(choices)s.", choices=", ".join(self.choices)))
        return value


class WholeNumber(fields.Integer):
    """A whole number (a JSON integer, not a text, a fraction or true) from ``minimum`` to ``maximum``."""

    default_error_messages = MESSAGES

    def __init__(self, minimum: int, maximum: int, *, description: str = "", **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        metadata = {"minimum": minimum, "maximum": maximum, **kwargs.pop("metadata", {})}
        if description:
            metadata["description"] = description
        super().__init__(strict=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(_("Send a whole number (a JSON integer)."))
        if not self.minimum <= value <= self.maximum:
            raise _refuse(_("Send a whole number from %(minimum)d to %(maximum)d.",
                            minimum=self.minimum, maximum=self.maximum))
        return value


class Coordinate(fields.Float):
    """A latitude or longitude in decimal degrees (a JSON number); the range is the case rules' own."""

    default_error_messages = MESSAGES

    def __init__(self, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(metadata={"minimum": -limit, "maximum": limit, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _refuse(_("Send a number in decimal degrees, like 25.0330."))
        if not -self.limit <= value <= self.limit:
            raise _refuse(_("Send a number from %(minimum)d to %(maximum)d.", minimum=-self.limit, maximum=self.limit))
        return Decimal(str(value)).quantize(Decimal("0.000001"))


class Day(fields.Date):
    """A day as YYYY-MM-DD, from 1900 to 2100."""

    default_error_messages = MESSAGES

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata={"description": "YYYY-MM-DD, from 1900 to 2100.", **kwargs.pop("metadata", {})},
                         **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise _refuse(_("Send a day as YYYY-MM-DD, like 2024-03-19."))
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise _refuse(_("Send a real day, like 2024-03-19.")) from None
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise _refuse(_("Send a day between 1900 and 2100."))
        return day


class Moment(fields.DateTime):
    """A time as RFC 3339 writes it, with its offset: 2026-03-19T14:00:00+08:00 (Taipei) or
    2026-03-19T06:00:00Z. Returned aware, in UTC."""

    default_error_messages = MESSAGES

    def __init__(self, **kwargs: Any) -> None:
        description = kwargs.pop("description", "")
        metadata = {"description": f"{description} With its offset, like 2026-03-19T14:00:00+08:00 for 2 p.m. "
                                   "in Taipei.".strip(), **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not _MOMENT.fullmatch(value):
            raise _refuse(_("Send a time with its offset, like 2026-03-19T14:00:00+08:00."))
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError:
            raise _refuse(_("Send a real time, like 2026-03-19T14:00:00+08:00.")) from None
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise _refuse(_("Send a time between 1900 and 2100."))
        return moment.astimezone(UTC)


class Lines(fields.List):
    """A list of at most ``most`` texts of at most ``longest`` characters each; empty ones are dropped."""

    default_error_messages = {**MESSAGES, "invalid": _l("Send a JSON array of texts.")}

    def __init__(self, longest: int, most: int, **kwargs: Any) -> None:
        self.most = most
        metadata = {"maxItems": most, **kwargs.pop("metadata", {})}
        super().__init__(Text(longest), metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            raise _refuse(_("Send a JSON array of texts."))
        if len(value) > self.most:
            raise _refuse(_("At most %(count)d items.", count=self.most))
        return [line for line in super()._deserialize(value, attr, data, **kwargs) if line]


class Records(fields.List):
    """A list of at most ``most`` objects of ``schema``."""

    default_error_messages = {**MESSAGES, "invalid": _l("Send a JSON array of objects.")}

    def __init__(self, schema: type[Schema], most: int, **kwargs: Any) -> None:
        self.most = most
        # Each item's own refusals (null, not an object) in the request's language too.
        item = fields.Nested(schema, error_messages={**MESSAGES, "type": _l("Send a JSON object.")})
        super().__init__(item, metadata={"maxItems": most, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _refuse(_("Send a JSON array of objects."))
        if len(value) > self.most:
            raise _refuse(_("At most %(count)d items.", count=self.most))
        return super()._deserialize(value, attr, data, **kwargs)
