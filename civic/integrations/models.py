"""Personal access tokens: the key an agency's system or the authority's own tools hold for the write
API. Only the SHA-256 of the secret is stored; the secret itself is shown once and never kept.

Webhooks: an account's address told of public events, and the log of each delivery to it. A hook's
secret signs what is sent, so unlike a token's it is kept; it is shown to its owner once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
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


class ApiIdempotencyKey(Base):
    """The answer to one POST of the write API, kept under the Idempotency-Key its sender chose, so that
    sending the same request again replays the answer instead of making the change twice. Written in
    the same transaction as the change; purged after API_IDEMPOTENCY_HOURS (``flask api purge-keys``)."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keys are the token's own: two systems choosing the same key never meet.
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 hex of the method, the path and the raw body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int]
    response_body: Mapped[str] = mapped_column(Text)
    response_location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DeliveryStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    delivered = "delivered"
    failed = "failed"


class DisabledReason(StrEnum):
    """Why a hook is off: its owner turned it off, or its deliveries kept failing."""

    owner = "owner"
    failures = "failures"


class Webhook(Base):
    """One address of one account, told by a signed POST of each public event it asked for."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # The event names, comma-joined in EventName order: "case.changed,answer.published".
    events: Mapped[str] = mapped_column(String(300))
    # Only events about this case, and/or about this agency; None: any.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    # Signs each delivery (HMAC-SHA256); never logged, never shown after the answer that made it.
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(16))
    # Deliveries that failed for good since the last one that arrived; so many in a row turn the hook off.
    failure_count: Mapped[int] = mapped_column(default=0)
    last_delivered_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")

    @property
    def event_list(self) -> list[str]:
        return [name for name in self.events.split(",") if name]

    def wants(self, name: str) -> bool:
        return name in self.event_list

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class WebhookDelivery(Base):
    """One event (or test ping) for one hook: the exact body signed and sent, and how each try went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # Fan-out makes one delivery per event and hook, however many senders run.
        UniqueConstraint("webhook_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_log", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    # The public event told of; None for a test ping.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(String(40))
    # The JSON text exactly as signed and sent (UTF-8), the same on every try.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    response_status: Mapped[int | None]
    response_ms: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
