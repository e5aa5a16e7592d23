"""Who may do what with cases. Every check in code and in templates goes through these."""

from __future__ import annotations

from civic.cases.models import Case
from civic.core.permissions import Permission, allowed


def can_view(user, case: Case) -> bool:
    """Published cases are public; others only to the owning agency's staff and admins."""
    if case.is_published:
        return True
    return can_edit(user, case)


def can_apply(user) -> bool:
    """Agency staff apply for a platform for their own agency."""
    return allowed(user, Permission.apply_for_cases) and getattr(user, "agency_id", None) is not None


def can_edit(user, case: Case) -> bool:
    """Admins edit any case; staff only their own agency's."""
    if allowed(user, Permission.edit_any_case):
        return True
    return allowed(user, Permission.edit_agency_cases) and user.agency_id == case.agency_id


def can_review(user) -> bool:
    """Only the integrity authority (admins) approves, returns or rejects applications."""
    return allowed(user, Permission.review_applications)


def can_feature(user) -> bool:
    """Only admins choose best-practice cases."""
    return allowed(user, Permission.feature_cases)
