"""Phone numbers: parsed with Google's libphonenumber (the ``phonenumbers`` package), stored in E.164.

Numbers without a country code are read as Taiwanese, as people here write them (0912 345 678).
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "TW"


def to_e164(raw: str) -> str | None:
    """Return ``raw`` as an E.164 number (+886912345678), or None if it is not a valid number."""
    text = (raw or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str | None) -> str:
    """A stored number as people read it: national form for Taiwan, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
