"""Feedback fixtures: a published case of staff's agency, and comments posted through the services."""

from __future__ import annotations

import pytest

from civic.accounts.models import User
from civic.cases import queries as case_queries
from civic.extensions import db
from civic.feedback import services


def post(app, account, slug: str, body: str = "請問工程進度？", **extra) -> tuple[int, str | None]:
    """Post a comment as ``account``; return its id and tracking number (None for replies)."""
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        comment = services.submit_comment(db.session, case, services.CommentInput(body=body, **extra),
                                          author=db.session.get(User, account.id))
        number = comment.feedback.tracking_number if comment.parent_id is None else None
        comment_id = comment.id
        db.session.commit()
        return comment_id, number


@pytest.fixture
def item(app, citizen, published_case) -> str:
    """A feedback item from the citizen on staff's agency's case; returns its tracking number."""
    return post(app, citizen, published_case)[1]
