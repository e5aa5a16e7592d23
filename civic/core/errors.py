"""Domain errors: raised by services, turned into messages by the views and the API."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the change. ``message`` is already translated for the user."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this."""

    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""

    code = "not_found"


class Conflict(DomainError):
    """The change collides with existing data (a duplicate, a stale state)."""

    code = "conflict"
