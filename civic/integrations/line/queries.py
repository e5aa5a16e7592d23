"""Reads of LINE links: one account's, one LINE account's, and which recipients of a batch of notices
have LINE notices on."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.integrations.line.models import LineLink


def get_link(session: Session, user_id: int) -> LineLink | None:
    return session.get(LineLink, user_id)


def get_link_by_line_user(session: Session, line_user_id: str) -> LineLink | None:
    return session.scalar(select(LineLink).where(LineLink.line_user_id == line_user_id))


def line_users_notified(session: Session, addresses: Iterable[str]) -> dict[str, tuple[int, str]]:
    """The account id and LINE user id of each address (lower-cased) whose account is active and has
    LINE notices on.

    One query whatever the number of addresses, found by the unique index on lower(email)."""
    wanted = {address.lower() for address in addresses}
    if not wanted:
        return {}
    rows = session.execute(
        select(func.lower(User.email), User.id, LineLink.line_user_id).join(LineLink, LineLink.user_id == User.id)
        .where(func.lower(User.email).in_(wanted), LineLink.is_notifying, User.is_active))
    return {address: (user_id, line_user_id) for address, user_id, line_user_id in rows}


def is_notified(session: Session, line_user_id: str, user_id: int | None) -> bool:
    """Whether ``line_user_id`` is still linked to the account ``user_id``, active, with LINE notices on.
    A LINE account since linked to someone else is not: what was meant for one person never goes to
    another."""
    if user_id is None:
        return False
    return session.scalar(
        select(func.count()).select_from(LineLink).join(User, User.id == LineLink.user_id)
        .where(LineLink.line_user_id == line_user_id, LineLink.user_id == user_id, LineLink.is_notifying,
               User.is_active)) > 0
