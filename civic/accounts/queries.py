"""Reads of users and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.accounts import devices
from civic.accounts.models import Company, CompanyRepresentative, Invitation, User, UserSession
from civic.agencies.models import Agency
from civic.core.pagination import Page, paginate
from civic.core.roles import Role
from civic.core.time import utcnow


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with ``email``, compared without regard to case, or None."""
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def get_company_by_ubn(session: Session, ubn: str) -> Company | None:
    return session.scalar(select(Company).where(Company.ubn == ubn))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


@dataclass(frozen=True)
class UserFilters:
    q: str | None = None
    role: str | None = None
    agency: str | None = None
    status: str | None = None  # active | suspended | unverified


def list_users(session: Session, filters: UserFilters, *, page: int, per_page: int = 25) -> Page[User]:
    """Accounts matching ``filters`` (name or email contains ``q``), newest first."""
    statement = select(User).where(User.deleted_at.is_(None))
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        statement = statement.where(or_(func.lower(User.email).like(pattern),
                                        func.lower(User.display_name).like(pattern)))
    if filters.role:
        statement = statement.where(User.role == filters.role)
    if filters.agency:
        statement = statement.join(Agency, User.agency_id == Agency.id).where(Agency.code == filters.agency)
    if filters.status == "suspended":
        statement = statement.where(User.suspended_at.is_not(None))
    elif filters.status == "unverified":
        statement = statement.where(User.verified_at.is_(None))
    elif filters.status == "active":
        statement = statement.where(User.suspended_at.is_(None), User.verified_at.is_not(None))
    return paginate(session, statement.order_by(User.created_at.desc(), User.id.desc()),
                    page=page, per_page=per_page)


def list_pending_invitations(session: Session) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .options(selectinload(Invitation.agency), selectinload(Invitation.invited_by))
        .order_by(Invitation.sent_at.desc())))


def get_invitation(session: Session, invitation_id: int) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.id == invitation_id)
                          .options(selectinload(Invitation.agency)))


def list_pending_claims(session: Session) -> list[CompanyRepresentative]:
    """People who say they represent a company and wait for an administrator's confirmation."""
    return list(session.scalars(
        select(CompanyRepresentative).where(CompanyRepresentative.confirmed_at.is_(None),
                                            CompanyRepresentative.rejected_at.is_(None))
        .options(selectinload(CompanyRepresentative.user), selectinload(CompanyRepresentative.company))
        .order_by(CompanyRepresentative.created_at)))


def get_claim(session: Session, claim_id: int) -> CompanyRepresentative | None:
    return session.scalar(select(CompanyRepresentative).where(CompanyRepresentative.id == claim_id)
                          .options(selectinload(CompanyRepresentative.company),
                                   selectinload(CompanyRepresentative.user)))


@dataclass(frozen=True)
class BrowserSession:
    """One signed-in browser as the sessions page lists it."""

    record: UserSession
    is_current: bool

    @property
    def browser(self) -> str:
        return devices.device_parts(self.record.device)[0]

    @property
    def system(self) -> str:
        return devices.device_parts(self.record.device)[1]


def list_sessions(session: Session, user: User, *, current_token: str | None,
                  idle_limit: timedelta) -> list[BrowserSession]:
    """The live sessions of ``user`` (seen within ``idle_limit``), last seen first; the one
    holding ``current_token`` is marked as this browser."""
    current_hash = UserSession.hash_token(current_token) if current_token else None
    records = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.last_seen_at >= utcnow() - idle_limit)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [BrowserSession(record, record.token_hash == current_hash) for record in records]


def list_mail_recipients(session: Session, *criteria) -> list[tuple[str, str]]:
    """The address and language of every account still in use that meets ``criteria`` and has an
    address, by address: who is mailed as "the administrators" or "the agency's staff"."""
    rows = session.execute(
        select(User.email, User.locale)
        .where(*criteria, User.is_active, User.email != "")
        .order_by(User.email)
    )
    return [(email, locale) for email, locale in rows]


def is_last_active_admin(session: Session, user: User) -> bool:
    """True when ``user`` is the only active administrator: the site must keep one, so they may
    not be demoted, suspended or deleted."""
    if user.role != Role.admin:
        return False
    return session.scalar(select(User.id).where(User.role == Role.admin, User.id != user.id, User.is_active)
                          .limit(1)) is None
