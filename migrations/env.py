"""Alembic environment: runs migrations against the application's own engine and metadata."""

import logging

from alembic import context
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

log = logging.getLogger("alembic.env")
migrate = current_app.extensions["migrate"]
engine = migrate.db.engine
target_metadata = migrate.db.metadata


def run_migrations_offline() -> None:
    """Write SQL for the configured database instead of running it."""
    context.configure(
        url=engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        **migrate.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def _pragma(connection, pragma: str) -> list:
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        return cursor.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        cursor.close()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context_, revision, directives):
        if getattr(context.config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                log.info("No changes in schema detected.")

    options = dict(migrate.configure_args)
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    applied: list[bool] = []
    options["on_version_apply"] = lambda ctx, step, heads, run_args: applied.append(step.is_upgrade)
    with engine.connect() as connection:
        _migrate(connection, options)
        current = set(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
    if any(applied) and current == set(ScriptDirectory.from_config(context.config).get_heads()):
        # Scores the application derives and stores (a case's disclosure by stage) for the rows
        # that an upgrade brought from before the scores existed; scored cases are left alone.
        from civic.cases.cli import refresh_scores

        refresh_scores(unscored_only=True)


def _migrate(connection, options: dict) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it and dropping the original; with references enforced,
        # dropping a table deletes every row that refers to it (a case's parts and its record). The
        # pragma is ignored inside a transaction, so it goes to the driver before one starts (the
        # engine begins each transaction itself, see civic.core.db).
        _pragma(connection, "foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
        broken = _pragma(connection, "foreign_key_check") if sqlite else []
    finally:
        if sqlite:
            _pragma(connection, "foreign_keys=ON")
    if broken:
        raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
