"""Engine set-up per database.

SQLite: WAL (readers never block the writer), a busy timeout, foreign keys on, and write
transactions that start with BEGIN IMMEDIATE. A deferred transaction that reads and then
writes can fail with "database is locked" at once, whatever the timeout, when another
connection wrote in between; taking the write lock at BEGIN makes the second writer wait
its turn instead. Requests that cannot write (GET, HEAD) start a plain deferred transaction so
that readers never queue behind a writer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from award_flow.core.errors import ValidationError
from award_flow.extensions import db

_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _begin_statement() -> str:
    if has_request_context() and request.method in _READ_ONLY_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def engine_options(config: Mapping) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the driver's time limits added for PostgreSQL: how long
    to wait for a connection, and for the server to acknowledge data sent on an open one
    (a host that stops answering otherwise holds the request for minutes)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        options["connect_args"] = {
            "connect_timeout": int(config["DATABASE_CONNECT_TIMEOUT"]),
            "tcp_user_timeout": int(config["DATABASE_TCP_TIMEOUT"]) * 1000,  # milliseconds
            **options.get("connect_args", {}),
        }
    return options


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            # FULL, not WAL's usual NORMAL: a commit survives a power cut, so a decision
            # number once issued (and printed) is never issued again.
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        connection.exec_driver_sql(_begin_statement())


def configure_engines(app: Flask, engines) -> None:  # noqa: ANN001
    for engine in engines.values():
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def unique_columns(error: IntegrityError) -> frozenset[str]:
    """The columns of the unique constraint a statement broke; empty when the database does
    not say (or another kind of constraint failed). PostgreSQL names the constraint
    (psycopg's `diag`), SQLite its columns ("UNIQUE constraint failed: unit.authority_id,
    unit.name")."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None and diag.constraint_name:
        table = db.metadata.tables.get(diag.table_name or "")
        named: list[Any] = [] if table is None else [*table.constraints, *table.indexes]
        for constraint in named:
            if constraint.name == diag.constraint_name:
                return frozenset(column.name for column in constraint.columns)
        return frozenset()
    message = str(error.orig)
    prefix = "UNIQUE constraint failed: "
    if not message.startswith(prefix):
        return frozenset()
    return frozenset(part.strip().rpartition(".")[2]
                     for part in message[len(prefix):].split(","))


def flush_unique(message: str, field: str | None = None, *,
                 by_column: Mapping[str, tuple[str, str | None]] | None = None) -> None:
    """Flush; a unique constraint that fails (someone else took the name or code between an
    operation's check and its insert) is refused with the check's own message rather than a
    server error. A table with more than one such constraint names, in `by_column`, the
    refusal of the one that has a column ({"name_key": (message, "name")}); any other is
    refused with `message` at `field`."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        columns = unique_columns(exc)
        for column, (refusal, at) in (by_column or {}).items():
            if column in columns:
                raise ValidationError(refusal, field=at) from exc
        raise ValidationError(message, field=field) from exc


def column_length(model: Any, column: str) -> int:
    """The most characters `model`'s String column `column` holds."""
    length = model.__table__.c[column].type.length
    assert length is not None, f"{model.__name__}.{column} has no length"
    return int(length)
