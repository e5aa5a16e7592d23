"""Who may do what with cases. Every check in code and in templates goes through these."""

from __future__ import annotations

from civic.cases.models import Case
from civic.core.roles import Role


def _role(user) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def can_view(user, case: Case) -> bool:
    """Published cases are public; others only to the owning agency's staff and admins."""
    if case.is_published:
        return True
    return can_edit(user, case)


def can_apply(user) -> bool:
    """Agency staff apply for a platform for their own agency."""
    return _role(user) == Role.staff and getattr(user, "agency_id", None) is not None


def can_edit(user, case: Case) -> bool:
    """Admins edit any case; staff only their own agency's."""
    role = _role(user)
    if role == Role.admin:
        return True
    return role == Role.staff and user.agency_id == case.agency_id


def can_review(user) -> bool:
    """Only the integrity authority (admins) approves, returns or rejects applications."""
    return _role(user) == Role.admin


def can_feature(user) -> bool:
    """Only admins choose best-practice cases."""
    return _role(user) == Role.admin
