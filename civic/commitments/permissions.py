"""Who may do what with the action plan's commitments."""

from __future__ import annotations

from civic.core.roles import Role


def can_manage(user) -> bool:
    """Only the integrity authority (admins) sets commitments, their targets and milestones."""
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.admin
