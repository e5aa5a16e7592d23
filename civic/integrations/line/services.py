"""Linking a LINE account, and what follows from it: the one-time code, the link made when the LINE
account sends it, the switch for LINE notices, unlinking from the page, and what LINE tells us (the
official account was unfollowed, or a push was refused because the person blocked it). Each of these is
audited against the account, never with the LINE user id or the code. Flushes, never commits.

One LINE account belongs to at most one account, and one account has at most one LINE account. A code
sent from a LINE account already linked to another account moves the link: whoever holds the LINE
account and is signed in to the account that showed the code chooses where its notices go; the account
it leaves is recorded as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit
from civic.core.errors import Conflict, NotFound, PermissionDenied
from civic.core.time import utcnow
from civic.integrations.line import codes, permissions, queries
from civic.integrations.line.models import LineLink, LineLinkCode

TARGET_TYPE = "user"


@dataclass(frozen=True)
class NewCode:
    """A code just made, which exists only here and on the page that shows it."""

    code: str
    expires_at: datetime


def _digest(code: str) -> str:
    return codes.digest(code, current_app.config["SECRET_KEY"])


def _own_link(session: Session, actor) -> LineLink:
    if not permissions.can_link(actor):
        raise PermissionDenied(_("Sign in to manage LINE notices."))
    link = queries.get_link(session, actor.id)
    if link is None:
        raise NotFound(_("Your account is not linked to LINE."))
    return link


def issue_code(session: Session, *, actor) -> NewCode:
    """Make the actor a one-time code for linking a LINE account, good for codes.LIFETIME; an earlier
    code stops working. Refused while the account is linked: unlink first."""
    if not permissions.can_link(actor):
        raise PermissionDenied(_("Sign in to link a LINE account."))
    if queries.get_link(session, actor.id) is not None:
        raise Conflict(_("Your account is already linked to LINE. Unlink it first to link another LINE account."))
    session.execute(delete(LineLinkCode).where(LineLinkCode.user_id == actor.id))
    code, now = codes.new_code(), utcnow()
    expires_at = now + codes.LIFETIME
    session.add(LineLinkCode(user_id=actor.id, code_hash=_digest(code), created_at=now, expires_at=expires_at))
    session.flush()
    return NewCode(code=code, expires_at=expires_at)


def link_with_code(session: Session, line_user_id: str, text: str) -> User | None:
    """LINE user ``line_user_id`` sent ``text``: when it is a live code, link that LINE account to the
    code's account (the code is used up) and return the account; otherwise change nothing, return None.
    """
    code = codes.normalize(text)
    if code is None or not line_user_id:
        return None
    found = session.scalar(select(LineLinkCode).where(LineLinkCode.code_hash == _digest(code))
                           .with_for_update())
    if found is None:
        return None
    user = session.get(User, found.user_id)
    session.delete(found)
    if found.expires_at <= utcnow() or user is None or not user.is_active:
        session.flush()
        return None
    earlier = list(session.scalars(select(LineLink).where(
        or_(LineLink.user_id == user.id, LineLink.line_user_id == line_user_id))))
    for link in earlier:
        if link.user_id != user.id:
            audit.record(session, "line.moved", actor_id=None, target_type=TARGET_TYPE, target_id=link.user_id)
        session.delete(link)
    # The old rows go first: the new one takes the same account and the same LINE account.
    session.flush()
    session.add(LineLink(user_id=user.id, line_user_id=line_user_id, is_notifying=True, linked_at=utcnow()))
    session.flush()
    audit.record(session, "line.linked", actor_id=user.id, target_type=TARGET_TYPE, target_id=user.id)
    return user


def set_notifying(session: Session, on: bool, *, actor) -> LineLink:
    """Turn the actor's LINE notices on or off; the link stays either way."""
    link = _own_link(session, actor)
    if link.is_notifying != on:
        link.is_notifying = on
        session.flush()
        audit.record(session, "line.notices_on" if on else "line.notices_off", actor_id=actor.id,
                     target_type=TARGET_TYPE, target_id=actor.id)
    return link


def unlink(session: Session, *, actor) -> None:
    """Unlink the actor's LINE account: nothing more goes to it, waiting messages included."""
    link = _own_link(session, actor)
    session.delete(link)
    session.flush()
    audit.record(session, "line.unlinked", actor_id=actor.id, target_type=TARGET_TYPE, target_id=actor.id)


def forget_line_user(session: Session, line_user_id: str) -> bool:
    """The person unfollowed (or blocked) the official account: unlink their LINE account, if linked.
    Return whether there was a link."""
    link = queries.get_link_by_line_user(session, line_user_id)
    if link is None:
        return False
    user_id = link.user_id
    session.delete(link)
    session.flush()
    audit.record(session, "line.unfollowed", actor_id=None, target_type=TARGET_TYPE, target_id=user_id)
    return True


def stop_unreachable(session: Session, line_user_id: str) -> bool:
    """LINE refused a push to ``line_user_id`` for good (the person blocked the official account, or the
    id is not a friend's): turn their LINE notices off, so no more are tried. Return whether they were on."""
    link = queries.get_link_by_line_user(session, line_user_id)
    if link is None or not link.is_notifying:
        return False
    link.is_notifying = False
    session.flush()
    audit.record(session, "line.unreachable", actor_id=None, target_type=TARGET_TYPE, target_id=link.user_id)
    return True
