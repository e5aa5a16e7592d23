"""Bulk files: every published case, public comment, workshop and pledge as CSV or JSON
Lines, streamed in bounded memory (the rows are read in batches and written as they come).

CSV is UTF-8 with a byte-order mark so that Excel opens Chinese correctly. The columns are part
of the public contract: add new ones at the end, never rename, drop or reorder them. JSON Lines
carry the same objects as the API. Workshops carry seat counts only, never attendees.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from operator import attrgetter
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from civic.api import queries
from civic.api.serializers import (
    CaseSchema,
    CommentSchema,
    PledgeSchema,
    WorkshopSchema,
    comment_state,
    if_visible,
    iso,
    public_author,
)
from civic.cases.models import Case
from civic.core.spreadsheets import csv_text
from civic.core.time import utcnow

FLUSH_EVERY = 100


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]


def _attributes(*names: str) -> tuple[Column, ...]:
    """Columns that show the row's attribute of the same name."""
    return tuple(Column(name, attrgetter(name)) for name in names)


@dataclass(frozen=True)
class Export:
    """One bulk file: its rows, its CSV columns, and the API object of each row for JSON Lines."""

    entity: str
    summary: Any
    rows: Callable[[Session], Iterator[Any]]
    columns: tuple[Column, ...]
    record: Callable[[Any], dict[str, Any]]


class _TextCollector(HTMLParser):
    BLOCKS = frozenset({"p", "li", "blockquote", "br", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.handle_endtag(tag)


def plain_text(html: str | None) -> str:
    """The words of cleaned HTML, one paragraph or list item per line."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = "".join(collector.parts).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _suppliers(case: Case) -> str:
    return "; ".join(f"{c.company.ubn} {c.company.name}" for c in case.contracts)


CASE_COLUMNS = (
    *_attributes("slug"),
    Column("title", lambda c: c.title_zh),
    Column("title_en", lambda c: c.title_en),
    Column("agency", lambda c: c.agency.code),
    Column("agency_name", lambda c: c.agency.name_zh),
    Column("sector", lambda c: c.sector.code),
    Column("oc4ids_sector", lambda c: c.sector.oc4ids_code),
    *_attributes("procurement_kind", "status", "county", "address", "latitude", "longitude", "budget_ntd",
                 "contract_value_ntd", "platform_established_on", "year", "is_best_practice", "completeness",
                 "is_demo"),
    Column("members", lambda c: len(c.members)),
    Column("meetings", lambda c: len(c.meetings)),
    Column("risks", lambda c: len(c.risks)),
    Column("milestones", lambda c: len(c.milestones)),
    Column("documents", lambda c: len(c.documents)),
    Column("contracts", lambda c: len(c.contracts)),
    Column("suppliers", _suppliers),
    *_attributes("published_at", "updated_at"),
    Column("url", lambda c: url_for("case_page.detail", slug=c.slug, _external=True)),
)


def _feedback(row: queries.CommentRow, attribute: str) -> Any:
    item = row.comment.feedback
    return None if item is None else getattr(item, attribute)


def _answer(row: queries.CommentRow, attribute: str) -> Any:
    item = row.comment.feedback
    return None if item is None or item.response is None else getattr(item.response, attribute)


COMMENT_COLUMNS = (
    Column("id", lambda r: r.comment.id),
    Column("case", lambda r: r.case_slug),
    Column("parent_id", lambda r: r.comment.parent_id),
    Column("meeting_id", lambda r: r.comment.meeting_id),
    Column("risk_id", lambda r: r.comment.risk_id),
    Column("state", lambda r: comment_state(r.comment)),
    Column("author", lambda r: public_author(r.comment)),
    Column("text", lambda r: if_visible(r.comment, plain_text(r.comment.body_html))),
    Column("hidden_reason", lambda r: r.comment.hidden_reason if comment_state(r.comment) == "hidden" else None),
    Column("created_at", lambda r: r.comment.created_at),
    Column("edited_at", lambda r: r.comment.edited_at),
    Column("updated_at", lambda r: r.updated_at),
    Column("tracking_number", lambda r: _feedback(r, "tracking_number")),
    Column("feedback_status", lambda r: _feedback(r, "status")),
    Column("agency", lambda r: r.comment.feedback.agency.code if r.comment.feedback else None),
    Column("received_at", lambda r: _feedback(r, "received_at")),
    Column("acknowledge_by", lambda r: _feedback(r, "acknowledge_by")),
    Column("acknowledged_at", lambda r: _feedback(r, "acknowledged_at")),
    Column("due_at", lambda r: _feedback(r, "due_at")),
    Column("answered_at", lambda r: _feedback(r, "answered_at")),
    Column("answer_unit", lambda r: _answer(r, "unit")),
    Column("answer_text", lambda r: plain_text(_answer(r, "body_html"))),
)


def _case_slug(case: Case | None) -> str | None:
    return case.slug if case is not None and case.is_published else None


WORKSHOP_COLUMNS = (
    *_attributes("id", "title"),
    Column("agency", lambda w: w.agency.code),
    Column("agency_name", lambda w: w.agency.name_zh),
    Column("case", lambda w: _case_slug(w.case)),
    *_attributes("starts_at", "ends_at", "signup_deadline_at", "location"),
    Column("online", lambda w: w.is_online),
    *_attributes("capacity"),
    Column("confirmed", lambda w: w.confirmed_count),
    Column("waitlisted", lambda w: w.waitlisted_count),
    *_attributes("seats_left", "status", "cancelled_at", "is_demo", "updated_at"),
    Column("url", lambda w: url_for("workshops.detail", workshop_id=w.id, _external=True)),
)

PLEDGE_COLUMNS = (
    *_attributes("receipt"),
    Column("ubn", lambda p: p.company.ubn),
    Column("company", lambda p: p.company.name),
    Column("case", lambda p: _case_slug(p.case)),
    Column("text_version", lambda p: p.text.version),
    Column("text_hash", lambda p: p.text.content_hash),
    *_attributes("signer_name", "signer_title", "signed_at", "status", "withdrawn_at", "withdrawal_reason",
                 "breach_note", "breach_recorded_at", "content_hash", "updated_at"),
    Column("url", lambda p: url_for("pledges.receipt", receipt=p.receipt, _external=True)),
)

EXPORTS: dict[str, Export] = {
    "cases": Export("cases", _l("Every published case"),
                    lambda session: queries.iter_case_records(session, now=utcnow()), CASE_COLUMNS,
                    CaseSchema().dump),
    "comments": Export("comments", _l("Every public comment with its official answer"), queries.iter_comments,
                       COMMENT_COLUMNS, CommentSchema().dump),
    "workshops": Export("workshops", _l("Every workshop with its seats, without attendees"),
                        queries.iter_workshops, WORKSHOP_COLUMNS, WorkshopSchema().dump),
    "pledges": Export("pledges", _l("Every integrity pledge"), queries.iter_pledges, PLEDGE_COLUMNS,
                      PledgeSchema().dump),
}


def csv_chunks(export: Export, session: Session) -> Iterator[str]:
    """The CSV file in pieces: the byte-order mark, the header, then rows as they are read."""
    header = [column.name for column in export.columns]
    rows = ([_cell(column.value(row)) for column in export.columns] for row in export.rows(session))
    return csv_text(itertools.chain([header], rows), flush_every=FLUSH_EVERY)


def jsonl_chunks(export: Export, session: Session) -> Iterator[str]:
    """One API object per line, as they are read."""
    lines: list[str] = []
    for row in export.rows(session):
        lines.append(json.dumps(export.record(row), ensure_ascii=False))
        if len(lines) == FLUSH_EVERY:
            yield "\n".join(lines) + "\n"
            lines.clear()
    if lines:
        yield "\n".join(lines) + "\n"
