"""Who may hold and manage personal access tokens."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed
from civic.integrations.models import ApiToken


def can_use_tokens(user) -> bool:
    """Staff and administrators hold tokens: the write API is for agency systems and the authority."""
    return allowed(user, Permission.use_api_tokens)


def can_manage(user, token: ApiToken) -> bool:
    """Only the holder sees and revokes a token; nobody else learns that it exists."""
    return can_use_tokens(user) and token.user_id == user.id
