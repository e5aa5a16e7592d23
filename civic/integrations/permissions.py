"""Who may hold and manage personal access tokens, and webhooks."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed
from civic.integrations.models import ApiToken, Webhook


def can_use_tokens(user) -> bool:
    """Staff and administrators hold tokens: the write API is for agency systems and the authority."""
    return allowed(user, Permission.use_api_tokens)


def can_manage(user, token: ApiToken) -> bool:
    """Only the holder sees and revokes a token; nobody else learns that it exists."""
    return can_use_tokens(user) and token.user_id == user.id


def can_use_webhooks(user) -> bool:
    """Any signed-in account in good standing (active, its address confirmed) may be told of public
    events: what a hook sends is public anyway."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
                and getattr(user, "id", None) is not None and getattr(user, "is_verified", False))


def can_manage_webhook(user, hook: Webhook) -> bool:
    """Only the owner sees and changes a hook; nobody else learns that it exists."""
    return can_use_webhooks(user) and hook.user_id == user.id
