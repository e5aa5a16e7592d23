"""The declarative base, its naming convention, the column types and mixins shared by models, and
two small helpers: collections owned by their parent, and time-window filters for queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, String, event, func
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry, relationship
from sqlalchemy.types import TypeDecorator

# Constraint names that Alembic can find again on every database, so migrations can drop
# them by name on PostgreSQL and in SQLite batch mode alike.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use civic.core.time.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class BilingualTitleMixin:
    """A title in Chinese and, where there is one, in English; ``title(locale)`` falls back to Chinese."""

    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh


class TimestampMixin:
    """``created_at`` and ``updated_at``, both aware UTC, kept by the database and the ORM."""

    created_at: Mapped[datetime] = mapped_column(
        default=lambda: datetime.now(UTC), server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        default=lambda: datetime.now(UTC),
        onupdate=lambda: datetime.now(UTC),
        server_default=func.now(),
        index=True,
    )


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write UTCDateTime into migrations as the plain type it stores, so they never import us."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure_sqlite(engine: Engine) -> None:
    """Give SQLite real transactions and SAVEPOINTs, WAL, and patience with concurrent writers.

    The sqlite3 module begins transactions lazily and breaks SAVEPOINT; taking over BEGIN is
    SQLAlchemy's documented remedy. BEGIN IMMEDIATE takes the write lock up front, so a
    transaction that reads and then writes waits its turn (busy_timeout) instead of failing
    with "database is locked" when another process wrote in between. WAL keeps readers of
    other processes going meanwhile. PostgreSQL, the production database, needs none of this.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave the search index's database-specific parts (FTS5 tables, GIN indexes) to the migration."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    return not (type_ == "index" and name in {"ix_search_documents_tokens", "ix_search_documents_title_tokens",
                                              "uq_pledges_active"})


def hook_sessions(**hooks: Callable[..., None]) -> None:
    """Listen to every session's events, once however often the app is made, e.g.
    ``hook_sessions(after_flush=note, after_commit=apply, after_soft_rollback=forget)``."""
    for name, hook in hooks.items():
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def owned_collection(back_populates: str, order_by: Any, **options: Any) -> Any:
    """A one-to-many collection whose rows belong to the parent: saved and deleted with it, and
    never loaded by surprise (``lazy="raise"``), so each query says what it loads."""
    return relationship(back_populates=back_populates, cascade="all, delete-orphan", order_by=order_by,
                        lazy="raise", **options)


def within(statement: Select, column: Any, since: datetime | None, until: datetime | None) -> Select:
    """``statement`` limited to rows whose ``column`` is at or after ``since`` and before ``until``;
    an end that is not given is left open."""
    if since:
        statement = statement.where(column >= since)
    if until:
        statement = statement.where(column < until)
    return statement
