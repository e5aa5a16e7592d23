"""Result sets of COUNT_CAP matches or more: paged kind by kind, newest first, on SQLite and
PostgreSQL, whether the page comes from reading the newest records or from the full-text index.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import case, insert, select

from civic.cases.models import Case
from civic.core.fulltext import SearchDocument, first_matches, match_condition
from civic.extensions import db
from civic.search import queries

START = datetime(2020, 1, 1, tzinfo=UTC)


def add_documents(case_id: int, rows: list[tuple[str, str, datetime | None]]) -> None:
    """Insert (kind, tokens, happened_at) rows straight into the index, ids in insertion order."""
    db.session.execute(insert(SearchDocument), [
        {"kind": kind, "object_id": 100_000 + number, "case_id": case_id, "agency_id": None, "sector_id": None,
         "procurement_kind": "", "title": f"doc {number}", "body": tokens, "title_tokens": "doc",
         "tokens": tokens, "happened_at": happened_at}
        for number, (kind, tokens, happened_at) in enumerate(rows)])
    db.session.flush()


def expected_ids(word: str, page: int, kind: str | None = None) -> list[int]:
    """The page in the order of the results, as the database itself sorts them."""
    statement = select(SearchDocument.id).where(SearchDocument.tokens.contains(word))
    if kind:
        statement = statement.where(SearchDocument.kind == kind)
    statement = statement.order_by(SearchDocument.kind, SearchDocument.happened_at.desc(), SearchDocument.id.desc())
    return list(db.session.scalars(statement.limit(queries.PER_PAGE).offset((page - 1) * queries.PER_PAGE)))


def page_ids(q: str, page: int, **filters) -> tuple[list[int], int]:
    results = queries.search(db.session, queries.SearchFilters(q=q, **filters), page=page)
    return [hit.document.id for hit in results.page.items], results.page.total


@pytest.fixture
def case_id(app, ctx, published_case) -> int:
    return db.session.scalar(select(Case.id).where(Case.slug == published_case))


@pytest.fixture
def many(case_id) -> int:
    """COUNT_CAP + 199 matches of "everyword" (910 cases, 100 comments, 190 answers) with dates
    shuffled against the ids and a few missing, and "oldword" in all but the newest hundred."""
    shuffle = random.Random(7)
    minutes = list(range(queries.COUNT_CAP + 199))
    shuffle.shuffle(minutes)
    rows: list[tuple[str, str, datetime | None]] = []
    for number, minute in enumerate(minutes):
        kind = "case" if number < 910 else "comment" if number < 1010 else "response"
        happened_at = None if number % 250 == 3 else START + timedelta(minutes=minute)
        tokens = "everyword 文件" + (" oldword" if minute < len(minutes) - 100 else "")
        rows.append((kind, tokens, happened_at))
    add_documents(case_id, rows)
    return len(rows)


@pytest.mark.parametrize("page", [1, 2, 46, 51, 52, 60, 61])
def test_a_word_in_more_records_than_the_cap_pages_by_kind_newest_first(many, page):
    # Page 46 runs from the cases into the comments, 51 (the last one offered for a capped
    # count) from the comments into the answers; further pages come from the full-text index.
    ids, total = page_ids("everyword", page)
    assert total == queries.COUNT_CAP
    assert ids == expected_ids("everyword", page)
    assert len(ids) == (queries.PER_PAGE if page < 61 else 0)
    walked = queries._newest_matches(db.session, queries.SearchFilters(q="everyword"), page)
    if page <= 51:  # read from the newest records, not from the full-text index
        assert [document.id for document in walked] == ids
    else:
        assert walked is None


@pytest.mark.parametrize(("kind", "page"), [("case", 1), ("case", 3), ("comment", 1), ("comment", 5),
                                            ("response", 2), ("response", 10)])
def test_a_common_word_within_one_kind(many, kind, page):
    ids, _total = page_ids("everyword", page, kind=kind)
    assert ids == expected_ids("everyword", page, kind)


@pytest.mark.parametrize("page", [1, 2, 3, 40])
def test_matches_only_among_older_records_come_from_the_index(many, monkeypatch, page):
    # The newest records of the window hold no match: the page comes from the full-text index.
    monkeypatch.setattr(queries, "WALK_ROWS", 50)
    monkeypatch.setattr(queries, "WALK_FACTOR", 1)
    if page < 3:
        assert queries._newest_matches(db.session, queries.SearchFilters(q="oldword"), page) is None
    assert page_ids("oldword 文件", page)[0] == expected_ids("oldword", page)
    assert page_ids("everyword", page)[0] == expected_ids("everyword", page)


def test_a_small_window_still_finds_a_common_word(many, monkeypatch):
    monkeypatch.setattr(queries, "WALK_ROWS", 30)
    monkeypatch.setattr(queries, "WALK_FACTOR", 1)
    for page in (1, 2, 46, 51):
        assert page_ids("everyword", page)[0] == expected_ids("everyword", page)


def test_under_the_cap_title_matches_still_come_first(case_id):
    rows = [("case", f"fewword 標題 n{number}", START + timedelta(days=number)) for number in range(30)]
    add_documents(case_id, rows)
    first = db.session.scalar(select(SearchDocument.id).where(SearchDocument.tokens == "fewword 標題 n3"))
    db.session.query(SearchDocument).filter(SearchDocument.id == first).update(
        {"title_tokens": "fewword", "title": "fewword"})
    db.session.flush()
    ids, total = page_ids("fewword", 1)
    assert total == 30
    assert ids[0] == first
    rest = select(SearchDocument.id).where(SearchDocument.tokens.contains("fewword"), SearchDocument.id != first)
    assert ids[1:] == list(db.session.scalars(rest.order_by(SearchDocument.happened_at.desc()).limit(19)))


def test_reading_row_by_row_and_the_index_agree_on_what_matches(case_id):
    samples = ["ab", "abc", "xab", "ab cd", "cd ab", "cd", "x ab y", "abab", "台北 北市", "台北市", "北"]
    add_documents(case_id, [("case", tokens, START) for tokens in samples])
    for q in ["ab", "ab cd", "cd", "北市", "台北", "北", "abc", "zz"]:
        statement = select(SearchDocument).where(SearchDocument.title.like("doc %"))
        by_index = set(db.session.scalars(statement.where(match_condition(db.session, q)).with_only_columns(
            SearchDocument.id)))
        walk = first_matches(db.session, q, statement, order=lambda d: [d.id], window=100, limit=100)
        by_rows = {document.id for document in db.session.scalars(walk)}
        assert by_rows == by_index, q
    walk = first_matches(db.session, "ab cd", statement, order=lambda d: [d.id.desc()], window=100, limit=5)
    assert [d.tokens for d in db.session.scalars(walk)] == ["cd ab", "ab cd"]


def test_the_row_order_of_a_walk_is_the_order_given(case_id):
    add_documents(case_id, [("case", "walkword", START + timedelta(hours=h)) for h in (5, 1, 9, 3, 7)])
    statement = select(SearchDocument).where(SearchDocument.title.like("doc %"))

    def order(document):
        return [case((document.happened_at.is_(None), 1), else_=0), document.happened_at.desc()]

    walk = first_matches(db.session, "walkword", statement, order=order, window=100, limit=3)
    assert [d.title for d in db.session.scalars(walk)] == ["doc 2", "doc 4", "doc 0"]
    # Only the first rows of the window are read.
    walk = first_matches(db.session, "walkword", statement, order=order, window=2, limit=3)
    assert [d.title for d in db.session.scalars(walk)] == ["doc 2", "doc 4"]


def test_on_postgresql_the_condition_is_written_as_the_index_is():
    # A bound parameter for the space would not match the indexed expression in a generic plan.
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine("postgresql+psycopg://")
    condition = match_condition(Session(bind=engine), "捷運")
    sql = str(condition.compile(dialect=engine.dialect))
    assert "array_to_tsvector(string_to_array(search_documents.tokens, ' ')) @@ (SELECT" in sql


def test_each_kind_is_counted_on_its_own_when_the_total_is_capped(many):
    results = queries.search(db.session, queries.SearchFilters(q="everyword"), page=1)
    assert results.counts == {"case": 910, "comment": 100, "response": 190}
    assert results.page.total == queries.COUNT_CAP
