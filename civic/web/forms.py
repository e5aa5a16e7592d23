"""Form pieces every domain shares: whole numbers as people type them, and showing a domain
rule's refusal next to the field it concerns.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField

from civic.core.errors import DomainError

# Digits and separators typed with a Chinese input method come out full width.
FULL_WIDTH = str.maketrans("０１２３４５６７８９，．：－", "0123456789,.:-")


# Control characters other than tab and line breaks: nothing a person types means them, PostgreSQL
# refuses NUL in text, and XML (feeds) refuses the rest.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    """A field filter: text without surrounding spaces or control characters; anything else as it is."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


class WholeNumberField(StringField):
    """A whole number; accepts full-width digits and 1,234,567 as people type them.

    Anything else is refused with ``message`` (our own, in the page's language, where WTForms'
    IntegerField would say "Not a valid integer value" in its own words). What was typed is
    shown back unchanged.
    """

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, message, max_digits: int = 16, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.message = message
        self.pattern = re.compile(rf"\d{{1,{max_digits}}}")

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").translate(FULL_WIDTH).replace(",", "").replace(" ", "").strip()
        if not text:
            return
        if not self.pattern.fullmatch(text):
            raise ValueError(str(self.message))
        self.data = int(text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class DayField(StringField):
    """A day typed as YYYY-MM-DD (full-width digits too); ``data`` is the date.

    Only 1900 to 2100: no record of ours lies outside, and a year like 0001 cannot be turned into
    a time in Taipei.
    """

    widget = GovTextInput()
    earliest = date(1900, 1, 1)
    latest = date(2100, 12, 31)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").translate(FULL_WIDTH).strip()
        if not text:
            return
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(str(_l("Enter a real date, like 2024-03-19."))) from None
        if not self.earliest <= day <= self.latest:
            raise ValueError(str(_l("Enter a date between 1900 and 2100.")))
        self.data = day

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.data.isoformat()


def attach_error(form, error: DomainError, default_field: str) -> None:
    """Add ``error``'s message to the field it names (or ``default_field``) of ``form``."""
    field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, error.message]
