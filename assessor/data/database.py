"""Database settings that keep answers safe under concurrent workers.

SQLite: WAL so readers never block the writer, a busy timeout so a writer waits instead
of failing, foreign keys on, and Python's own transaction handling switched off so that
write transactions can start with ``BEGIN IMMEDIATE``. A plain deferred ``BEGIN`` that
reads and then writes fails with "database is locked" as soon as two workers race.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase

from assessor.domain.errors import DatabaseUnreachable


class Base(DeclarativeBase):
    # Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


#: The app's database; bound to the app in :func:`assessor.web.app.create_app`.
db = SQLAlchemy(model_class=Base)

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
        # SQLAlchemy's documented recipe for SQLite transactions, with IMMEDIATE for writers.
        immediate = connection.get_execution_options().get("assessor_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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


def _end_session_transaction() -> None:
    """Commit the request's ORM session if it has a transaction open.

    A write must not wait on a lock its own request holds (on SQLite, a read transaction
    that a write transaction would have to upgrade).
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
