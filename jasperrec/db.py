"""Declarative base, constraint naming convention and shared column types."""

from __future__ import annotations

import datetime as dt
import enum
import sqlite3
from typing import Annotated
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Store aware datetimes in UTC and hand them back aware, even from SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """Refuse naive datetimes: a time without a zone is a bug waiting to happen."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        """Mark values read back from SQLite, which drops the zone, as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """Base for every model: stable constraint names, enums stored by value."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            dt.datetime: UTCDateTime(),
            enum.Enum: sa.Enum(
                enum.Enum,
                native_enum=False,
                length=32,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True,
            ),
        },
    )

    def __repr__(self) -> str:
        keys = sa.inspect(type(self)).primary_key
        ident = ", ".join(f"{col.key}={getattr(self, str(col.key), None)!r}" for col in keys)
        return f"<{type(self).__name__} {ident}>"


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[
    dt.datetime, mapped_column(UTCDateTime(), default=utcnow, server_default=sa.func.now())
]
str_100 = Annotated[str, mapped_column(sa.String(100))]
str_255 = Annotated[str, mapped_column(sa.String(255))]
money_cents = Annotated[int, mapped_column(sa.BigInteger)]


# Set in an index's info when it exists only on PostgreSQL: its migration creates it there
# (one that needs an extension, only where the extension could be installed).
POSTGRESQL_ONLY = "postgresql_only"


def postgresql_index(name: str, *columns: Any, **options: Any) -> sa.Index:
    """Declare an index that only PostgreSQL gets; SQLite could not use it to the same end."""
    return sa.Index(name, *columns, info={POSTGRESQL_ONLY: True}, **options).ddl_if(
        dialect="postgresql"
    )


def trigram_index(table: str, column: str) -> sa.Index:
    """Index a text column for ILIKE '%text%' on PostgreSQL, through pg_trgm's GIN operators.

    Without it such a search reads every row. SQLite has no equivalent and gets no index.
    """
    return postgresql_index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


def include_migration_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave a PostgreSQL-only index out of autogenerate where the database lacks it.

    Its migration creates it only on PostgreSQL (and a trigram index only where pg_trgm
    could be installed), so its absence elsewhere is not drift; where it exists it is
    compared as usual.
    """
    return not (
        type_ == "index" and not reflected and compare_to is None and POSTGRESQL_ONLY in obj.info
    )


# A SQLite FTS5 table is named after the table it indexes plus this suffix; FTS5 adds shadow
# tables named after it (programs_fts_data, ...). A migration creates them and the triggers
# that keep them in step, and no model maps them.
FULL_TEXT_SUFFIX = "_fts"


def include_migration_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave SQLite's full-text tables out of autogenerate, before it tries to reflect them."""
    return not (
        type_ == "table"
        and name is not None
        and (name.endswith(FULL_TEXT_SUFFIX) or f"{FULL_TEXT_SUFFIX}_" in name)
    )


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types (UTC, encrypted) into migrations as the plain type they store as."""
    if type_ == "type" and isinstance(obj, sa.TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


@event.listens_for(sa.Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """Give SQLite foreign keys, WAL for concurrent workers, and SQLAlchemy-driven BEGINs."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    # With WAL, NORMAL cannot corrupt the file and saves an fsync on every commit.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(sa.Engine, "begin")
def _begin_sqlite(connection: sa.Connection) -> None:
    """Take SQLite's write lock when a transaction starts.

    A deferred transaction that reads and then writes cannot upgrade its lock once another
    worker has written, and SQLite then fails at once with "database is locked" instead of
    waiting. Transactions here are short (slow work such as hashing runs between them), so
    queueing them at BEGIN costs little and lets busy_timeout do its job.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def paginate_clamped(query: sa.Select[Any], page: int, per_page: int) -> Pagination:
    """One page of a query, the last one for a page past it: a stale link still shows rows.

    Returns Flask-SQLAlchemy's Pagination (two queries: the count and the page).
    """
    from jasperrec.extensions import db

    found = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)
    if found.pages and found.page > found.pages:
        found = db.paginate(query, page=found.pages, per_page=per_page, error_out=False)
    return found
