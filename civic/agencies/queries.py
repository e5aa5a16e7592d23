"""Reads of agencies for pages, commands and the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.agencies.models import Agency


def get_agency_by_code(session: Session, code: str) -> Agency | None:
    """Return the agency with ``code`` (機關代碼), or None."""
    return session.scalar(select(Agency).where(Agency.code == code.strip()))


def list_active_agencies(session: Session) -> list[Agency]:
    """Return the active agencies ordered by code."""
    return list(session.scalars(select(Agency).where(Agency.is_active).order_by(Agency.code)))
