"""Users, their server-side sessions, companies and who represents them."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import BigInteger, ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.agencies.models import Agency
from civic.core.db import Base, TimestampMixin
from civic.core.roles import Role
from civic.core.time import utcnow


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(24), default=Role.citizen, index=True)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str] = mapped_column(String(16), default="zh_Hant_TW")
    verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    suspended_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Failed logins since the last success, and until when the account refuses logins.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # When the second step of sign-in (an authenticator app) was turned on; None while it is off.
    # Kept here, beside the role, so deciding whom to send to enrolment costs no query.
    two_factor_enrolled_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    # The login protocol: the id kept in the cookie is the secret of one server-side
    # session (see UserSession), set on the instance when that session is loaded.
    is_authenticated = True
    is_anonymous = False
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @hybrid_property
    def is_active(self) -> bool:
        """Neither suspended nor deleted: may sign in, act and be mailed. The same rule in SQL for
        the queries that pick people to mail or to assign."""
        return self.suspended_at is None and self.deleted_at is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> ColumnElement[bool]:
        return and_(cls.suspended_at.is_(None), cls.deleted_at.is_(None))

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


# Emails are unique whatever their case (they are also stored lower-cased).
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class UserSession(Base):
    """One signed-in browser. Deleting the row ends that session at its next request."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the sessions page shows (civic.accounts.devices): "Chrome · Android" from the
    # User-Agent at sign-in, and the address with its last part masked ("203.0.113.x").
    device: Mapped[str] = mapped_column(String(120), default="", server_default="")
    network: Mapped[str] = mapped_column(String(64), default="", server_default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @staticmethod
    def hash_token(token: str) -> str:
        """The stored form of a cookie's token."""
        return hashlib.sha256(token.encode()).hexdigest()


class Company(TimestampMixin, Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 統一編號: eight digits with a checksum (see civic.accounts.ubn).
    ubn: Mapped[str] = mapped_column(String(8), unique=True)
    # Empty while the company is known only from claims nobody has confirmed: a name is
    # recorded by a trusted hand (staff entering a contract, an administrator confirming a claim).
    name: Mapped[str] = mapped_column(String(200))

    @property
    def is_named(self) -> bool:
        """False while nothing about the company may be shown publicly."""
        return bool(self.name)


class CompanyRepresentative(Base):
    """A user who acts for a company; confirmed by an administrator before it counts.

    The name the claimant typed is kept apart from the company's name on record; a rejected
    claim stays, with its reason, and may be made again.
    """

    __tablename__ = "company_representatives"
    __table_args__ = (UniqueConstraint("company_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    confirmed_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    company: Mapped[Company] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="raise")

    @property
    def is_waiting(self) -> bool:
        return self.confirmed_at is None and self.rejected_at is None


class Invitation(Base):
    """An administrator invites a staff member, moderator or admin by email.

    The mailed link is signed and expires; it works once (see civic.accounts.tokens).
    """

    __tablename__ = "account_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(24))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    agency: Mapped[Agency | None] = relationship(lazy="raise")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id], lazy="raise")

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class UnknownAddressFailures(Base):
    """Failed sign-ins with an address that has no account, by a keyed hash of the address: after
    as many failures as lock an account, it answers as a locked account would, so the lock does not
    tell which addresses have accounts.
    """

    __tablename__ = "sign_in_unknown_addresses"

    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TrustedSignInAddress(Base):
    """A client address (a keyed hash of it) that signed in to the account successfully: failures
    from elsewhere that lock the account do not lock out its owner signing in from here."""

    __tablename__ = "sign_in_trusted_addresses"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_success_at: Mapped[datetime] = mapped_column(default=utcnow)


class SecondFactor(Base):
    """An account's authenticator app (TOTP, RFC 6238): the shared secret once confirmed, the one
    being set up until its first code is typed, and the last time step a code was accepted for,
    so that no code works twice."""

    __tablename__ = "second_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(64))
    pending_secret: Mapped[str | None] = mapped_column(String(64))
    last_step: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RecoveryCode(Base):
    """One of the ten codes that stand in for the app once each; only a hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
