"""Database settings that keep answers safe under concurrent workers, and a short way to
the driver for the statements run most.

SQLite: WAL so readers never block the writer, a busy timeout so a writer waits instead
of failing, foreign keys on, and Python's own transaction handling switched off so that
write transactions can start with ``BEGIN IMMEDIATE``. A plain deferred ``BEGIN`` that
reads and then writes fails with "database is locked" as soon as two workers race.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from .exceptions import DatabaseUnreachable
from .extensions import db

#: Execution option that marks a transaction as a writer (honoured on SQLite).
WRITE = {"assessor_write": True}


def normalise_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """Engine settings for a server database: survive its restarts, fail fast when it is down."""
    if url.startswith("sqlite"):
        return {}
    # pre_ping: a pooled connection the server closed (restart, failover) is replaced
    # before use instead of failing a request. connect_timeout: an unreachable server
    # fails the request (or the start) in seconds, not after the TCP timeout.
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql+psycopg"):
        options["connect_args"] = {"connect_timeout": 10}
    return options


def check_reachable(engine: Engine) -> None:
    """Raise :class:`DatabaseUnreachable`, naming the database (password masked), if it is down.

    The pool is emptied afterwards, so that a gunicorn master that loads the app
    (``--preload``) hands its workers no connection to share.
    """
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(f"cannot reach the database {url}: {reason}") from None
    finally:
        engine.dispose()


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and ``BEGIN`` handling on ``engine``; others are left as is."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("assessor_write")
        statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        # Straight to the driver: through exec_driver_sql, SQLAlchemy's execution path
        # took several times as long as the statement, and every request begins one.
        try:
            connection.connection.driver_connection.execute(statement)
        except sqlite3.Error as exc:  # raised as SQLAlchemy's own error, as before
            raise DBAPIError.instance(statement, (), exc, sqlite3.Error) from None


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one write transaction: all of it is committed, or none of it.

    Ends any read transaction first, so that on SQLite the new one takes the write lock
    before it reads anything it is about to change.
    """
    _end_session_transaction()
    db.session.connection(execution_options=WRITE)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _end_session_transaction() -> Session | None:
    """Commit the request's ORM session if it has a transaction open; return the session.

    A write must not wait on a lock its own request holds (on SQLite, a read transaction
    that a write transaction would have to upgrade). ``None`` when the request has no
    session yet (none is made for nothing).
    """
    if not db.session.registry.has():
        return None
    session = db.session()
    if session.in_transaction():
        session.commit()
    return session


@dataclass(frozen=True)
class DriverStatement:
    """A statement compiled once for one dialect: its SQL, and how to pass it values."""

    sql: str
    #: Each bind parameter's name and the conversion its type asks for (or ``None``), in
    #: the statement's order.
    binds: tuple[tuple[str, Callable[[Any], Any] | None], ...]
    positional: bool

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """``values`` (by bind name) as the driver takes them."""
        converted = [
            values[name] if convert is None else convert(values[name])
            for name, convert in self.binds
        ]
        if self.positional:
            return tuple(converted)
        return dict(zip((name for name, _convert in self.binds), converted, strict=True))


@cache
def driver_statement(
    statement: Executable, dialect: Dialect, column_keys: tuple[str, ...] = ()
) -> DriverStatement:
    """Compile ``statement`` (an INSERT for ``column_keys``) the way SQLAlchemy would run it."""
    compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) or None)
    names = compiled.positiontup if compiled.positional else list(compiled.binds)
    return DriverStatement(
        sql=compiled.string,
        binds=tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in names
        ),
        positional=compiled.positional,
    )


class DriverCursor:
    """Runs SQLAlchemy statements on a DB-API cursor, each compiled once per dialect."""

    def __init__(self, cursor, dialect: Dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def execute(self, statement: Executable, values: Mapping[str, Any]):
        """Run ``statement`` with ``values``; return the cursor, to fetch from."""
        prepared = driver_statement(statement, self.dialect)
        self.cursor.execute(prepared.sql, prepared.parameters(values))
        return self.cursor

    def executemany(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an INSERT once for each of ``rows`` (all with the same keys)."""
        prepared = driver_statement(statement, self.dialect, tuple(rows[0]))
        self.cursor.executemany(prepared.sql, [prepared.parameters(row) for row in rows])


@contextmanager
def driver_cursor(*, write: bool = False) -> Iterator[DriverCursor]:
    """A cursor on a connection from the engine's pool, for the statements run most.

    SQLAlchemy builds, compiles and pools as everywhere else; only its work on each
    execution is left out: through the session or even a Core connection, that took
    several times as long as the statements themselves on the answer pages. Statements
    run here pass no events and need values the driver takes once converted by their
    types' bind processors, and results the driver returns as they are wanted (numbers,
    strings). Driver errors come out as SQLAlchemy's, as they would through it.

    With ``write``, the block is one transaction (``BEGIN IMMEDIATE`` on SQLite),
    committed at the end or rolled back on any error. The ORM session's transaction, if
    any, is committed first, so that the request holds no lock the write would wait for,
    and its objects are expired after, so they show what was written.
    """
    engine = db.engine
    dialect = engine.dialect
    session = _end_session_transaction() if write else None
    connection = engine.raw_connection()
    cursor = connection.cursor()
    try:
        if write and dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        yield DriverCursor(cursor, dialect)
        if write:
            connection.commit()
    except dialect.loaded_dbapi.Error as exc:
        _roll_back(connection, dialect, exc, cursor)
        raise DBAPIError.instance(None, None, exc, dialect.loaded_dbapi.Error) from exc
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.close()
        connection.close()
    if session is not None:
        session.expire_all()


def _roll_back(connection, dialect: Dialect, error: Exception, cursor) -> None:
    # A connection the server dropped is thrown away, not handed to the next request.
    if dialect.is_disconnect(error, connection.dbapi_connection, cursor):
        connection.invalidate()
    else:
        connection.rollback()
