"""Personal access tokens: the key an agency's system or the authority's own tools hold for the write
API. Only the SHA-256 of the secret is stored; the secret itself is shown once and never kept."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import User
from civic.core.db import Base
from civic.core.time import utcnow


class ApiScope(StrEnum):
    """What a token may do through the write API; each maps to a permission the holder keeps."""

    cases_write = "cases:write"
    feedback_answer = "feedback:answer"
    workshops_write = "workshops:write"


class TokenStatus(StrEnum):
    active = "active"
    expired = "expired"
    revoked = "revoked"


class ApiToken(Base):
    """One named, scoped, expiring token of one staff member or administrator."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The token acts as this person, with the permissions they hold when it is used.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The scopes, comma-joined in ApiScope order: "cases:write,feedback:answer".
    scopes: Mapped[str] = mapped_column(String(100))
    # SHA-256 hex of the whole secret: a lookup by it finds the token without storing the secret.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The start of the secret ("civ_" and four characters), so the holder can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in self.scopes.split(",") if scope]

    def allows(self, scope: str) -> bool:
        """Whether the token was given ``scope``; the holder's permissions are checked apart."""
        return scope in self.scope_list

    def status(self, now: datetime | None = None) -> TokenStatus:
        if self.revoked_at is not None:
            return TokenStatus.revoked
        if self.expires_at <= (now or utcnow()):
            return TokenStatus.expired
        return TokenStatus.active

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.status(now) == TokenStatus.active
