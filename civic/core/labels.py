"""Words for stored codes: every domain keeps its tables of labels, and reads them the same way."""

from __future__ import annotations

from collections.abc import Mapping


def label(table: Mapping[str, object], code: str | None) -> str:
    """The label of ``code`` in ``table`` in the current language, the code itself when the table
    has none, and nothing for no code."""
    if not code:
        return ""
    return str(table.get(code, code))
