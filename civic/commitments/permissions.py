"""Who may do what with the action plan's commitments."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed


def can_manage(user) -> bool:
    """Only the integrity authority (admins) sets commitments, their targets and milestones."""
    return allowed(user, Permission.manage_commitments)
