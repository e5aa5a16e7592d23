"""Showing a domain rule's refusal next to the form field it concerns."""

from __future__ import annotations

from civic.core.errors import DomainError


def attach_error(form, error: DomainError, default_field: str) -> None:
    """Add ``error``'s message to the field it names (or ``default_field``) of ``form``."""
    field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, error.message]
