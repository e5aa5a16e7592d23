"""Searching the index: filters, counts per kind, ranking and highlighted snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case, Sector
from civic.core.db import within
from civic.core.fulltext import SearchDocument, first_matches, match_condition
from civic.core.fulltext_tokens import highlight_terms, normalize
from civic.core.pagination import Page

KINDS = ("case", "response", "comment")
COUNT_CAP = 1001
PER_PAGE = 20
SNIPPET = 90
# A large result set is paged by reading each kind's most recent records and testing them one by
# one: at most this many records, or four times the rows the page needs when that is more.
WALK_ROWS = 1000
WALK_FACTOR = 4


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
    # The heading: a case's title, or for comments and answers the title of their case.
    title: Markup


@dataclass
class Results:
    page: Page[Hit]
    counts: dict[str, int] = field(default_factory=dict)


def _filtered(session: Session, filters: SearchFilters, condition=None):
    statement = select(SearchDocument)
    if condition is not None:
        statement = statement.where(condition)
    if filters.agency:
        statement = statement.where(SearchDocument.agency_id == select(Agency.id).where(
            Agency.code == filters.agency).scalar_subquery())
    if filters.sector:
        statement = statement.where(SearchDocument.sector_id == select(Sector.id).where(
            Sector.code == filters.sector).scalar_subquery())
    if filters.procurement_kind:
        statement = statement.where(SearchDocument.procurement_kind == filters.procurement_kind)
    return within(statement, SearchDocument.happened_at, filters.since, filters.until)


def _newest_first(document) -> list:
    return [document.happened_at.desc(), document.id.desc()]


def _newest_matches(session: Session, filters: SearchFilters, page: int) -> list[SearchDocument] | None:
    """One page of a result set of COUNT_CAP matches or more, in the order of the results
    (kind, then newest first), or None when reading the most recent records is not enough.

    Each kind's records are read newest first through ix_search_documents_kind_recent and
    tested one by one until the page is full: a word found in many records fills it within the
    first few dozen, where the full-text index would have to hand over every one of them to be
    sorted. The reading stops after WALK_ROWS records of a kind (more for a far page); if they
    hold too few matches (a word mostly found in older records, or rare in one kind) the caller
    takes the page from the full-text index, whose cost depends on the number of matches only.
    """
    if (page - 1) * PER_PAGE >= COUNT_CAP:
        return None  # past the last page offered for a capped count
    wanted = page * PER_PAGE
    window = max(WALK_ROWS, WALK_FACTOR * wanted)
    found: list[int] = []
    # The kinds in the order of the results (their alphabetical order: case, comment, response).
    for kind in [filters.kind] if filters.kind else sorted(KINDS):
        rows = _filtered(session, filters).where(SearchDocument.kind == kind)
        need = wanted - len(found)
        walk = first_matches(session, filters.q, rows, order=_newest_first, window=window, limit=need)
        matches = session.scalars(walk.with_only_columns(walk.selected_columns.id)).all()
        found += matches
        if len(matches) == need:
            break
        # Fewer than needed: all of this kind's matches, unless the reading stopped at the window.
        read = session.scalar(select(func.count()).select_from(
            rows.with_only_columns(SearchDocument.id).limit(window).subquery()))
        if read >= window:
            return None
    # Only the ids of the pages before this one were read; now the rows of this one.
    ids = found[(page - 1) * PER_PAGE:]
    documents = {d.id: d for d in session.scalars(select(SearchDocument).where(SearchDocument.id.in_(ids)))}
    return [documents[i] for i in ids]


def _capped_counts_by_kind(session: Session, base) -> dict[str, int]:
    parts = [
        select(literal(kind).label("kind"), func.count().label("found")).select_from(
            base.where(SearchDocument.kind == kind).with_only_columns(SearchDocument.id).limit(COUNT_CAP).subquery())
        for kind in KINDS
    ]
    return dict(session.execute(union_all(*parts)).all())


def search(session: Session, filters: SearchFilters, *, page: int) -> Results:
    """Documents containing every token of the query: cases, then comments, then answers;
    within each, title matches first (when there are fewer than COUNT_CAP), then the most recent.
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
    if sum(counts.values()) >= COUNT_CAP:
        # The first COUNT_CAP matches say nothing about how they split between kinds: count each
        # kind on its own, again stopping at COUNT_CAP.
        counts = _capped_counts_by_kind(session, base)
    if filters.kind:
        base = base.where(SearchDocument.kind == filters.kind)
    total = counts[filters.kind] if filters.kind else min(sum(counts.values()), COUNT_CAP)
    documents = None
    if sum(counts.values()) >= COUNT_CAP:
        documents = _newest_matches(session, filters, page)
    if documents is None:
        # Cases, then comments, then answers (the kinds' alphabetical order, which the index keeps).
        order = [SearchDocument.kind, SearchDocument.happened_at.desc(), SearchDocument.id.desc()]
        if sum(counts.values()) < COUNT_CAP:
            # Few enough matches to rank them: those with every word in the title come first.
            order.insert(1, case((match_condition(session, filters.q, title_only=True), 0), else_=1))
        documents = session.scalars(base.order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    slugs = dict(session.execute(select(Case.id, Case.slug).where(
        Case.id.in_({d.case_id for d in documents}))).all()) if documents else {}
    terms = highlight_terms(filters.q)
    hits = [Hit(d, slugs.get(d.case_id, ""), snippet(d.body or d.title, terms),
                highlight(d.title.split("\n")[0], terms)) for d in documents]
    return Results(Page(hits, page, PER_PAGE, total), counts)


def highlight(text: str, terms: list[str]) -> Markup:
    """All of ``text``, escaped, with every match marked."""
    return snippet(text, terms, width=max(len(text), 1))


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
