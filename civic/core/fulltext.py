"""The full-text index: one row per searchable thing with its tokens, and the one way to query it.

SQLite keeps the tokens in an FTS5 table (search_fts, kept in step by triggers) and
PostgreSQL in a GIN index over array_to_tsvector(string_to_array(tokens, ' ')), a tsvector
built from our own tokens without any text-search parser (Debian ships no Chinese parser
for PostgreSQL, and trigram indexes cannot match two-character words). Both are created by
the migration. No domain knowledge here: what goes into a row is decided by civic.search.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Select,
    String,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

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


def _vector(column):
    # Written out exactly as in the index, the space included: as a bound parameter it would be
    # $n in a prepared statement's generic plan (psycopg prepares a statement on its fifth run),
    # which then no longer matches the indexed expression and reads the whole table instead.
    return func.array_to_tsvector(func.string_to_array(column, literal_column("' '")))


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
    vector = _vector(SearchDocument.title_tokens if title_only else SearchDocument.tokens)
    name = "ts_title_query" if title_only else "ts_query"
    query = cast(bindparam(name, _tsquery(tokens), unique=True), TSQUERY)
    return select(SearchDocument.id).where(vector.op("@@")(query))


def match_condition(session: Session, query: str, *, title_only: bool = False):
    """A condition on SearchDocument rows containing every token of ``query`` (None: no token),
    answered from the full-text index: a GIN bitmap on PostgreSQL, the FTS5 match on SQLite.

    On PostgreSQL the tsquery is handed over as a one-row subquery rather than a constant. With
    a constant the planner reads the word's frequency from the statistics, and for a word found
    in most rows it then prefers reading the table and rebuilding every row's tsvector from its
    tokens text (tens of microseconds a row, which the planner does not see) to the index; not
    knowing the value, it assumes a selective match and reads the GIN index, whose cost grows
    with the number of matches only. Callers that want the first matches in some order of a
    large result set should walk that order with first_matches instead.
    """
    tokens = query_tokens(query)
    if not tokens:
        return None
    if session.get_bind().dialect.name == "sqlite":
        return SearchDocument.id.in_(matching_ids(session, query, title_only=title_only))
    vector = _vector(SearchDocument.title_tokens if title_only else SearchDocument.tokens)
    name = "ts_title_query" if title_only else "ts_query"
    query = select(cast(bindparam(name, _tsquery(tokens), unique=True), TSQUERY)).scalar_subquery()
    return vector.op("@@")(query)


def first_matches(session: Session, query: str, statement: Select, *, order: Callable[..., list], window: int,
                  limit: int) -> Select | None:
    """The first ``limit`` rows containing every token of ``query`` (None: no token) among the
    first ``window`` rows of ``statement`` (a SELECT of SearchDocument) in the order that
    ``order`` gives for SearchDocument or an alias of it, tested one row at a time in that order.

    The rows are read in ``order`` (through a btree index in that order) and the match is tested
    outside the LIMIT ``window``, where it can neither use the full-text index nor be pushed
    below the LIMIT, so the database stops after ``limit`` matches, or after ``window`` rows when
    there are fewer. That suits a word found in many rows; for a rare word the full-text index
    (match_condition) is the fast way.

    On PostgreSQL the test looks for " token " in the space-separated tokens text, padded with a
    space at both ends once per row: the same answer as the tsvector test (tokens never contain
    a space) for a tenth of the cost, as no tsvector is built. On SQLite it is membership in the
    FTS5 match, as in match_condition.
    """
    tokens = query_tokens(query)
    if not tokens:
        return None
    if session.get_bind().dialect.name == "sqlite":
        rows = statement.order_by(*order(SearchDocument)).limit(window).subquery()
        condition = rows.c.id.in_(matching_ids(session, query))
    else:
        padded = (literal(" ") + SearchDocument.tokens + literal(" ")).label("padded_tokens")
        rows = statement.add_columns(padded).order_by(*order(SearchDocument)).limit(window).subquery()
        condition = and_(*(func.strpos(rows.c.padded_tokens, literal(f" {token} ")) > 0 for token in tokens))
    document = aliased(SearchDocument, rows)
    # The same order again outside: the rows come out in the order they are read, so there is no
    # second sort and the database still stops at the limit, but the order is stated, not assumed.
    return select(document).where(condition).order_by(*order(document)).limit(limit)


def matching_object_ids(session: Session, query: str, kind: str) -> Select | None:
    """A SELECT of the object ids of one kind matching ``query`` (e.g. the cases of /cases?q=)."""
    ids = matching_ids(session, query)
    if ids is None:
        return None
    return select(SearchDocument.object_id).where(SearchDocument.kind == kind, SearchDocument.id.in_(ids))
