"""Who reads a confidential report: the integrity officers it is routed to, and nobody else.

A report goes to the integrity authority's officers and, unless the reporter asked otherwise or it
concerns that unit, to the integrity unit of the agency it is about. Administrators, moderators and
agency staff never read reports: the permission map gives ``read_reports`` to integrity officers alone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true

from civic.accounts.models import User
from civic.core.permissions import Permission, allowed, roles_with
from civic.reports.models import ConfidentialReport


def officer_agency_id(user) -> int | None:
    """The agency whose integrity unit ``user`` belongs to, if they are an officer in good standing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not getattr(user, "is_verified", True):
        return None
    return user.agency_id if allowed(user, Permission.read_reports) else None


def is_authority_officer(user, authority_id: int | None) -> bool:
    agency_id = officer_agency_id(user)
    return agency_id is not None and agency_id == authority_id


def can_read(user, report: ConfidentialReport, *, authority_id: int | None) -> bool:
    """The authority's officers read every report; an agency's officers those routed to their unit."""
    agency_id = officer_agency_id(user)
    if agency_id is None:
        return False
    return agency_id == authority_id or (report.routed_to_agency and report.agency_id == agency_id)


def readable_by(user, *, authority_id: int | None) -> ColumnElement[bool]:
    """The same rule as ``can_read``, in SQL, for the inbox and the counts an officer sees."""
    agency_id = officer_agency_id(user)
    if agency_id is None:
        return false()
    if agency_id == authority_id:
        return true()
    return and_(ConfidentialReport.agency_id == agency_id,
                ConfidentialReport.withheld_from_agency.is_(False),
                ConfidentialReport.concerns_integrity_unit.is_(False))


def readers_of(report: ConfidentialReport, *, authority_id: int | None) -> ColumnElement[bool]:
    """The same rule as ``can_read``, as a condition on accounts: whom the mail that one waits goes to."""
    units = [authority_id] if authority_id is not None else []
    if report.routed_to_agency:
        units.append(report.agency_id)
    if not units:
        return false()
    return and_(User.role.in_(roles_with(Permission.read_reports)), User.agency_id.in_(units))
