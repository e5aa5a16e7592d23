"""Reads of one person's tokens for the tokens page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.integrations.models import ApiToken


def list_user_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The person's tokens, newest first, revoked and expired ones included."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_user_token(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    """One of the person's own tokens; None for another's or a missing one."""
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))
