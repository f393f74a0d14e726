"""Database settings that keep answers safe under concurrent workers.

SQLite: WAL so readers never block the writer, a busy timeout so a writer waits instead
of failing, foreign keys on, and Python's own transaction handling switched off so that
write transactions can start with ``BEGIN IMMEDIATE``. A plain deferred ``BEGIN`` that
reads and then writes fails with "database is locked" as soon as two workers race.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

#: Execution option that marks a transaction as a writer (honoured on SQLite).
WRITE = {"assessor_write": True}


def normalise_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one write transaction: all of it is committed, or none of it.

    Ends any read transaction first, so that on SQLite the new one takes the write lock
    before it reads anything it is about to change.
    """
    db.session.commit()
    db.session.connection(execution_options=WRITE)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
