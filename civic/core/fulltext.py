"""The full-text index: one row per searchable thing with its tokens, and the one way to query it.

SQLite keeps the tokens in an FTS5 table (search_fts, kept in step by triggers) and
PostgreSQL in a GIN index over array_to_tsvector(string_to_array(tokens, ' ')), a tsvector
built from our own tokens without any text-search parser (Debian ships no Chinese parser
for PostgreSQL, and trigram indexes cannot match two-character words). Both are created by
the migration. No domain knowledge here: what goes into a row is decided by civic.search.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Select,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Mapped, Session, mapped_column

from civic.core.db import Base
from civic.core.fulltext_tokens import query_tokens


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_search_documents_filters", "kind", "agency_id", "sector_id"),
        # Results are shown by kind, newest first: an index in that order lets a common word stop
        # after one page instead of sorting every record it occurs in.
        Index("ix_search_documents_kind_recent", "kind", "happened_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # case | comment | response
    kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int]
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(index=True)
    sector_id: Mapped[int | None]
    procurement_kind: Mapped[str] = mapped_column(String(16), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Tokens of the title alone, so that title matches can rank first.
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[str] = mapped_column(Text, default="")
    happened_at: Mapped[datetime | None] = mapped_column(index=True)


def _fts5_expression(tokens: list[str], column: str | None = None) -> str:
    # Tokens hold only letters, digits and CJK characters (see fulltext_tokens), so quoting
    # them cannot smuggle FTS5 syntax in; the expression itself is still a bound parameter.
    terms = " AND ".join(f'"{token}"' for token in tokens)
    return f"{column} : ({terms})" if column else terms


def _tsquery(tokens: list[str]) -> str:
    return " & ".join(f"'{token}'" for token in tokens)


def matching_ids(session: Session, query: str, *, title_only: bool = False) -> Select | None:
    """A SELECT of the ids of SearchDocument rows containing every token of ``query``;
    None when the query has no searchable token.
    """
    tokens = query_tokens(query)
    if not tokens:
        return None
    if session.get_bind().dialect.name == "sqlite":
        expression = _fts5_expression(tokens, "title_tokens" if title_only else None)
        return select(literal_column("rowid")).select_from(sql_text("search_fts")).where(
            sql_text("search_fts MATCH :fts_query").bindparams(bindparam("fts_query", expression, unique=True)))
    column = SearchDocument.title_tokens if title_only else SearchDocument.tokens
    vector = func.array_to_tsvector(func.string_to_array(column, " "))
    name = "ts_title_query" if title_only else "ts_query"
    query = cast(bindparam(name, _tsquery(tokens), unique=True), TSQUERY)
    return select(SearchDocument.id).where(vector.op("@@")(query))


def match_condition(session: Session, query: str, *, title_only: bool = False):
    """A condition on SearchDocument rows containing every token of ``query`` (None: no token).

    On PostgreSQL it is the row's own tsvector test, so the planner may walk an index in the
    order of the results and stop after a page; on SQLite it is membership in the FTS5 match.
    """
    tokens = query_tokens(query)
    if not tokens:
        return None
    if session.get_bind().dialect.name == "sqlite":
        return SearchDocument.id.in_(matching_ids(session, query, title_only=title_only))
    column = SearchDocument.title_tokens if title_only else SearchDocument.tokens
    vector = func.array_to_tsvector(func.string_to_array(column, " "))
    name = "ts_title_query" if title_only else "ts_query"
    return vector.op("@@")(cast(bindparam(name, _tsquery(tokens), unique=True), TSQUERY))


def matching_object_ids(session: Session, query: str, kind: str) -> Select | None:
    """A SELECT of the object ids of one kind matching ``query`` (e.g. the cases of /cases?q=)."""
    ids = matching_ids(session, query)
    if ids is None:
        return None
    return select(SearchDocument.object_id).where(SearchDocument.kind == kind, SearchDocument.id.in_(ids))
