"""Migrations: up, down and up again on both databases, and the models match the migrations."""

from __future__ import annotations

import contextlib
import json
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from civic.core.db import include_object
from civic.extensions import db
from tests.conftest import fresh_postgres_database, make_app, postgres_admin_url


@contextlib.contextmanager
def empty_database(kind: str, tmp_path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not running")
    with fresh_postgres_database(admin) as url:
        yield url


def test_upgrade_downgrade_upgrade_leaves_the_schema_the_models_describe(database_kind, tmp_path,
                                                                         smtp_server):
    with empty_database(database_kind, tmp_path) as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "agencies", "user_sessions", "outbox_messages", "audit_entries",
                    "companies", "company_representatives"} <= tables
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True,
                                      "include_object": include_object})
                with warnings.catch_warnings():
                    # SQLite cannot reflect expression indexes such as lower(email).
                    warnings.filterwarnings("ignore", message=".*expression-based index.*")
                    differences = compare_metadata(context, db.metadata)
            assert differences == []
            db.engine.dispose()


def _insert(connection, table_name: str, **values) -> int:
    """Insert a row, filling every other required column with a plain value of its type."""
    with warnings.catch_warnings():
        # SQLite and PostgreSQL reflection skip expression indexes such as lower(email).
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type.python_type
        row[column.name] = (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC) if kind is datetime
                            else date(2024, 1, 2) if kind is date else False if kind is bool
                            else 0 if kind in (int, Decimal) else [] if kind in (list, dict) else f"{column.name}-x")
    return connection.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()


def test_earlier_revisions_become_a_chain_that_verifies_and_come_back_on_downgrade(database_kind, tmp_path,
                                                                                  smtp_server):
    with empty_database(database_kind, tmp_path) as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade(revision="8ba9f80f9530")
            with db.engine.begin() as connection:
                agency = _insert(connection, "agencies", code="A00000001", name_zh="捷運局")
                user = _insert(connection, "users", email="staff@example.tw", role="staff", agency_id=agency)
                sector = connection.execute(sa.text("SELECT id FROM case_sectors WHERE code = 'rail'")).scalar_one()
                case = _insert(connection, "cases", slug="wanda", title_zh="萬大線", agency_id=agency,
                               sector_id=sector, procurement_kind="works", status="implementation",
                               review_state="published", budget_ntd=46_650_000_000, latitude=Decimal("25.033"),
                               longitude=Decimal("121.5"), platform_established_on=date(2019, 5, 1),
                               is_best_practice=False)
                meeting = _insert(connection, "case_meetings", case_id=case, held_on=date(2024, 3, 1),
                                  title="第1次會議", attendees=["王○○, 捷運局"])
                _insert(connection, "case_meeting_statements", meeting_id=meeting, speaker="王○○",
                        content="報告進度", position=0)
                _insert(connection, "case_meeting_decisions", meeting_id=meeting, content="每季公開", position=0)
                _insert(connection, "case_members", case_id=case, name="李○○", organisation="地檢署",
                        role="prosecutor")
                for action, changes in [("applied", {"title_zh": [None, "萬大線"]}),
                                        ("updated", {"budget_ntd": [40_000_000_000, 46_650_000_000]}),
                                        ("meeting.added", {"item": [None, "第1次會議"]}),
                                        ("member.removed", {"item": [None, "張○○"]})]:
                    _insert(connection, "case_revisions", case_id=case, actor_id=user, action=action,
                            changes=changes, created_at=datetime(2024, 3, 2, tzinfo=UTC))
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(sa.text(
                    "SELECT seq, action, part_kind, before, after, actor_role, actor_agency "
                    "FROM case_history_entries ORDER BY seq")).all()
            assert [(r.seq, r.action, r.part_kind) for r in rows[:4]] == [
                (1, "created", "case"), (2, "updated", "case"), (3, "created", "meeting"), (4, "deleted", "member")]
            assert (rows[0].actor_role, rows[0].actor_agency) == ("staff", "A00000001")
            recorded = {r.part_kind: r for r in rows[4:]}
            assert set(recorded) == {"case", "meeting", "member"}
            meeting_after = recorded["meeting"].after
            meeting_after = json.loads(meeting_after) if isinstance(meeting_after, str) else meeting_after
            assert meeting_after["statements"] == [{"speaker": "王○○", "content": "報告進度"}]
            result = app.test_cli_runner().invoke(args=["history", "verify"])
            assert result.exit_code == 0, result.output

            downgrade(revision="8ba9f80f9530")
            with db.engine.connect() as connection:
                actions = connection.execute(sa.text("SELECT action FROM case_revisions ORDER BY id")).scalars().all()
            assert actions == ["applied", "updated", "meeting.added", "member.removed"]
            db.engine.dispose()
