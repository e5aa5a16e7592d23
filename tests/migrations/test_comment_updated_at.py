"""The migration that gives comments their own updated_at, with data: each comment starts at the
latest time it is known to have changed, and going down keeps every comment and item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from civic.extensions import db
from tests.conftest import make_app
from tests.migrations.test_migrations import _insert, empty_database

REVISION = "b0f4e0f8f5c6"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
# Each comment's edited_at, deleted_at and hidden_at, in hours after it was posted at START.
COMMENTS = {
    "untouched": (None, None, None),
    "edited": (1, None, None),
    "hidden": (1, None, 3),
    "deleted": (None, 2, None),
}


def _aware(value: datetime | str) -> datetime:
    """A stored time in UTC: SQLite hands back the text it keeps, without an offset."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _later(hours: int | None) -> datetime | None:
    return START + hours * HOUR if hours is not None else None


def test_comments_start_at_the_latest_time_they_changed_and_survive_a_downgrade(database_kind, tmp_path,
                                                                                  smtp_server):
    with empty_database(database_kind, tmp_path) as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade(revision=f"{REVISION}-1")
            ids = {}
            with db.engine.begin() as connection:
                agency = _insert(connection, "agencies", code="A00000001", name_zh="捷運局")
                sector = connection.execute(sa.text("SELECT id FROM case_sectors WHERE code = 'rail'")).scalar_one()
                case = _insert(connection, "cases", slug="wanda", agency_id=agency, sector_id=sector,
                               procurement_kind="works", status="implementation", review_state="published")
                for name, (edited, deleted, hidden) in COMMENTS.items():
                    ids[name] = _insert(connection, "feedback_comments", case_id=case, created_at=START,
                                        edited_at=_later(edited), deleted_at=_later(deleted),
                                        hidden_at=_later(hidden))
                _insert(connection, "feedback_items", tracking_number="F-AAAA-BBBB", comment_id=ids["hidden"],
                        case_id=case, agency_id=agency)

            upgrade(revision=REVISION)
            with db.engine.connect() as connection:
                stamps = dict(connection.execute(sa.text("SELECT id, updated_at FROM feedback_comments")).all())
            assert {name: _aware(stamps[ids[name]]) for name in COMMENTS} == {
                "untouched": START, "edited": START + HOUR, "hidden": START + 3 * HOUR, "deleted": START + 2 * HOUR}

            downgrade(revision=f"{REVISION}-1")
            columns = sa.inspect(db.engine).get_columns("feedback_comments")
            assert "updated_at" not in {column["name"] for column in columns}
            with db.engine.connect() as connection:
                assert connection.scalar(sa.text("SELECT count(*) FROM feedback_comments")) == len(COMMENTS)
                assert connection.scalar(sa.text("SELECT count(*) FROM feedback_items")) == 1
            db.engine.dispose()
