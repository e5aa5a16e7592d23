"""Reads of users and sessions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts.models import Company, User


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with ``email``, compared without regard to case, or None."""
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def get_company_by_ubn(session: Session, ubn: str) -> Company | None:
    return session.scalar(select(Company).where(Company.ubn == ubn))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0
