"""Reading reports: which agency is the integrity authority, an officer's inbox, a report with what its
page shows, and the public yearly counts (numbers only)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, load_only, selectinload, undefer

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.audit import AuditEntry
from civic.core.pagination import Page, paginate
from civic.reports import permissions
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportNote

PER_PAGE = 25
# How many entries of a report's own history its page shows, newest first.
HISTORY_LENGTH = 100
TARGET_TYPE = "report"


def authority_agency_id(session: Session) -> int | None:
    """The integrity authority's agency (AUTHORITY_AGENCY_CODE): its officers read every report."""
    code = current_app.config.get("AUTHORITY_AGENCY_CODE") or ""
    return session.scalar(select(Agency.id).where(Agency.code == code)) if code else None


# What the inbox and the routing check need of a report: never a column that holds what someone wrote,
# so listing reports decrypts nothing (in the inbox, touching any other column raises rather than load it).
_PLAIN_COLUMNS = (ConfidentialReport.id, ConfidentialReport.receipt, ConfidentialReport.agency_id,
                  ConfidentialReport.case_id, ConfidentialReport.withheld_from_agency,
                  ConfidentialReport.concerns_integrity_unit, ConfidentialReport.status,
                  ConfidentialReport.assigned_to_id, ConfidentialReport.received_at, ConfidentialReport.closed_at)


def list_inbox(session: Session, user, *, authority_id: int | None, status: str | None = None,
               page: int) -> Page[ConfidentialReport]:
    """The reports ``user`` may read (permissions.readable_by), newest first, of one ``status`` if given:
    their plain columns, agency, case and assigned officer, in two queries whatever the page holds."""
    statement = (select(ConfidentialReport)
                 .where(permissions.readable_by(user, authority_id=authority_id))
                 .options(load_only(*_PLAIN_COLUMNS, raiseload=True),
                          joinedload(ConfidentialReport.agency).load_only(
                              Agency.id, Agency.code, Agency.name_zh, Agency.name_en),
                          joinedload(ConfidentialReport.case).load_only(
                              Case.id, Case.slug, Case.title_zh, Case.title_en),
                          joinedload(ConfidentialReport.assigned_to).load_only(User.id, User.display_name)
                          .raiseload(User.agency))
                 .order_by(ConfidentialReport.received_at.desc(), ConfidentialReport.id.desc()))
    if status:
        statement = statement.where(ConfidentialReport.status == status)
    return paginate(session, statement, page=page, per_page=PER_PAGE)


def get_routing(session: Session, report_id: int, user, *, authority_id: int | None) -> ConfidentialReport | None:
    """The report's plain columns, if ``user`` may read it; None otherwise (as if it did not exist).
    Nothing encrypted is loaded until something asks for it."""
    return session.scalar(select(ConfidentialReport)
                          .where(ConfidentialReport.id == report_id,
                                 permissions.readable_by(user, authority_id=authority_id))
                          .options(load_only(*_PLAIN_COLUMNS)))


def get_report(session: Session, report_id: int, user, *, authority_id: int | None) -> ConfidentialReport | None:
    """The whole report with its agency, case, officer, messages, notes and attachments (without their
    content), if ``user`` may read it; None otherwise. The rule is in the query, so a report the user
    may not read is never decrypted."""
    return session.scalar(
        select(ConfidentialReport)
        .where(ConfidentialReport.id == report_id, permissions.readable_by(user, authority_id=authority_id))
        .options(joinedload(ConfidentialReport.agency), joinedload(ConfidentialReport.case),
                 joinedload(ConfidentialReport.assigned_to),
                 selectinload(ConfidentialReport.messages).joinedload(ReportMessage.author),
                 selectinload(ConfidentialReport.notes).joinedload(ReportNote.author),
                 selectinload(ConfidentialReport.attachments))
        .execution_options(populate_existing=True))


def get_attachment(session: Session, report: ConfidentialReport, attachment_id: int) -> ReportAttachment | None:
    """One attachment of ``report`` with its content; None when the report has no such attachment."""
    return session.scalar(select(ReportAttachment)
                          .where(ReportAttachment.id == attachment_id, ReportAttachment.report_id == report.id)
                          .options(undefer(ReportAttachment.content)))


def list_officers(session: Session, report: ConfidentialReport, *, authority_id: int | None) -> list[User]:
    """The officers in good standing of the units ``report`` is routed to (permissions.readers_of):
    whom it may be assigned to."""
    return list(session.scalars(
        select(User).where(permissions.readers_of(report, authority_id=authority_id), User.is_active,
                           User.verified_at.is_not(None))
        .order_by(User.display_name, User.id)))


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of a report's own audit trail: when, what, and which officer (None for the system or a
    deleted account). Reads by one officer in a row are one entry: ``times`` reads, the first at
    ``since``. ``old`` and ``new`` are the statuses of a status change."""

    at: datetime
    action: str
    actor_name: str | None
    times: int = 1
    since: datetime | None = None
    old: str | None = None
    new: str | None = None


def list_history(session: Session, report: ConfidentialReport, *, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
    """Who read the report and who acted on it, newest first, from the audit trail. Every read is
    recorded; an officer's reads between two other entries are shown as one, with how many."""
    rows = session.execute(
        select(AuditEntry.created_at, AuditEntry.action, AuditEntry.actor_id, AuditEntry.details, User.display_name)
        .outerjoin(User, (User.id == AuditEntry.actor_id) & User.deleted_at.is_(None))
        .where(AuditEntry.target_type == TARGET_TYPE, AuditEntry.target_id == str(report.id))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit))
    entries: list[HistoryEntry] = []
    last_reader = None
    for at, action, actor_id, details, name in rows:
        if action == "report.read" and entries and last_reader == actor_id and entries[-1].action == action:
            entries[-1] = replace(entries[-1], times=entries[-1].times + 1, since=at)
            continue
        details = details or {}
        entries.append(HistoryEntry(at=at, action=action, actor_name=name, old=details.get("old"),
                                    new=details.get("new")))
        last_reader = actor_id
    return entries
