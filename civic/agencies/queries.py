"""Reads of agencies for pages, commands and the API."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from civic.agencies.models import Agency
from civic.core.pagination import Page, paginate


def get_agency_by_code(session: Session, code: str) -> Agency | None:
    """Return the agency with ``code`` (機關代碼), or None."""
    return session.scalar(select(Agency).where(Agency.code == code.strip()))


def get_agencies_by_codes(session: Session, codes: set[str]) -> dict[str, Agency]:
    """The agencies with these codes, by code; codes no agency has are left out."""
    if not codes:
        return {}
    return {agency.code: agency for agency in session.scalars(select(Agency).where(Agency.code.in_(codes)))}


def list_active_agencies(session: Session) -> list[Agency]:
    """Return the active agencies ordered by code."""
    return list(session.scalars(select(Agency).where(Agency.is_active).order_by(Agency.code)))


def list_agencies(session: Session, *, q: str | None, page: int, per_page: int = 50) -> Page[Agency]:
    """Every agency, active or not, matching ``q`` in its code or names, by code."""
    statement = select(Agency)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(or_(func.lower(Agency.code).like(pattern), Agency.name_zh.like(pattern),
                                        func.lower(Agency.name_en).like(pattern)))
    return paginate(session, statement.options(selectinload(Agency.parent)).order_by(Agency.code),
                    page=page, per_page=per_page)
