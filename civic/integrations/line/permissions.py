"""Who may link a LINE account: any person signed in to an active account, for their own account only."""

from __future__ import annotations


def can_link(user) -> bool:
    """A signed-in, active account links its own LINE account; there is nobody else's to manage."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and getattr(user, "id", None) is not None)
