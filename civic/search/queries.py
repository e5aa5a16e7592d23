"""Searching the index: filters, counts per kind, ranking and highlighted snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case, Sector
from civic.core.fulltext import SearchDocument, match_condition
from civic.core.fulltext_tokens import highlight_terms, normalize
from civic.core.pagination import Page

KINDS = ("case", "response", "comment")
COUNT_CAP = 1001
PER_PAGE = 20
SNIPPET = 90


@dataclass(frozen=True)
class SearchFilters:
    q: str
    kind: str | None = None
    agency: str | None = None
    sector: str | None = None
    procurement_kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Hit:
    document: SearchDocument
    case_slug: str
    snippet: Markup


@dataclass
class Results:
    page: Page[Hit]
    counts: dict[str, int] = field(default_factory=dict)


def _filtered(session: Session, filters: SearchFilters, condition):
    statement = select(SearchDocument).where(condition)
    if filters.agency:
        statement = statement.where(SearchDocument.agency_id == select(Agency.id).where(
            Agency.code == filters.agency).scalar_subquery())
    if filters.sector:
        statement = statement.where(SearchDocument.sector_id == select(Sector.id).where(
            Sector.code == filters.sector).scalar_subquery())
    if filters.procurement_kind:
        statement = statement.where(SearchDocument.procurement_kind == filters.procurement_kind)
    if filters.since:
        statement = statement.where(SearchDocument.happened_at >= filters.since)
    if filters.until:
        statement = statement.where(SearchDocument.happened_at < filters.until)
    return statement


def search(session: Session, filters: SearchFilters, *, page: int) -> Results:
    """Documents containing every token of the query: cases, then answers, then comments;
    within each, title matches first, then the most recent.
    """
    condition = match_condition(session, filters.q)
    if condition is None:
        return Results(Page([], page, PER_PAGE, 0), dict.fromkeys(KINDS, 0))
    base = _filtered(session, filters, condition)
    counts = dict.fromkeys(KINDS, 0)
    # Count at most COUNT_CAP matches: a word found in every record must not cost a full count.
    found = base.with_only_columns(SearchDocument.kind).limit(COUNT_CAP).subquery()
    for kind, count in session.execute(select(found.c.kind, func.count()).group_by(found.c.kind)):
        counts[kind] = count
    if filters.kind:
        base = base.where(SearchDocument.kind == filters.kind)
    total = counts[filters.kind] if filters.kind else sum(counts.values())
    # Cases, then comments, then answers (the kinds' alphabetical order, which the index keeps).
    order = [SearchDocument.kind, SearchDocument.happened_at.desc(), SearchDocument.id.desc()]
    if sum(counts.values()) < COUNT_CAP:
        # Few enough matches to rank them: those with every word in the title come first.
        order.insert(1, case((match_condition(session, filters.q, title_only=True), 0), else_=1))
    documents = session.scalars(base.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    slugs = dict(session.execute(select(Case.id, Case.slug).where(
        Case.id.in_({d.case_id for d in documents}))).all()) if documents else {}
    terms = highlight_terms(filters.q)
    hits = [Hit(d, slugs.get(d.case_id, ""), snippet(d.body or d.title, terms)) for d in documents]
    return Results(Page(hits, page, PER_PAGE, total), counts)


def snippet(text: str, terms: list[str], width: int = SNIPPET) -> Markup:
    """A short, escaped excerpt around the first match, with every match marked."""
    folded = normalize(text)
    aligned = len(folded) == len(text)
    needles = sorted({normalize(t) for t in terms if t.strip()}, key=len, reverse=True)
    start = 0
    if aligned and needles:
        positions = [folded.find(n) for n in needles if folded.find(n) >= 0]
        if positions:
            start = max(0, min(positions) - width // 3)
    excerpt = text[start:start + width]
    folded_excerpt = folded[start:start + width] if aligned else excerpt
    if not needles or not aligned:
        return escape(("…" if start else "") + excerpt + ("…" if start + width < len(text) else ""))
    pattern = re.compile("|".join(re.escape(n) for n in needles))
    parts: list[str] = ["…"] if start else []
    last = 0
    for match in pattern.finditer(folded_excerpt):
        parts.append(escape(excerpt[last:match.start()]))
        parts.append(Markup("<mark>{}</mark>").format(excerpt[match.start():match.end()]))
        last = match.end()
    parts.append(escape(excerpt[last:]))
    if start + width < len(text):
        parts.append("…")
    return Markup("").join(parts)
