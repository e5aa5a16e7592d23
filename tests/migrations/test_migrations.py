"""Migrations: up, down and up again on both databases, and the models match the migrations."""

from __future__ import annotations

import contextlib
import warnings

import pytest
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
