"""A page of results with the numbers a template needs, built from one count and one query."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(session: Session, statement: Select[Any], *, page: int, per_page: int) -> Page[Any]:
    """Page ``page`` of the rows ``statement`` selects (one entity, in its order) and their count,
    through Flask-SQLAlchemy's pagination. A page past the end is empty, never an error: the
    caller has already checked the number (civic.web.paging.page_number)."""
    found = SelectPagination(select=statement, session=session, page=page, per_page=per_page,
                             max_per_page=None, error_out=False, count=True)
    return Page(list(found.items), page, per_page, found.total or 0)
