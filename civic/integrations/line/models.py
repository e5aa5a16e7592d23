"""Which LINE account gets an account's notices, and the one-time codes that link one. The LINE user
id is what the Messaging API names a person by in webhooks; of a code only a keyed hash is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from civic.core.db import Base
from civic.core.time import utcnow


class LineLink(Base):
    """One account linked to one LINE account, both ways: each side appears at most once."""

    __tablename__ = "line_links"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # "U" and 32 hex digits, as the webhook's source.userId gives it; never logged.
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    # The switch on /account/line: whether notices go to LINE as well as by mail.
    is_notifying: Mapped[bool] = mapped_column(default=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class LineLinkCode(Base):
    """The live one-time code of an account (at most one): sent to the official account, it links the
    LINE account that sent it. A new code replaces the old one; using it deletes it."""

    __tablename__ = "line_link_codes"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # HMAC-SHA256 hex of the code under the site's SECRET_KEY: the code itself is never stored.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
