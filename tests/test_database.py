"""Database settings: SQLite pragmas, write transactions, URL handling, migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from assessor.data.database import db, normalise_url, write_transaction

from .databases import ON_POSTGRES, sqlite_only


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_url(url) == expected


@sqlite_only
def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@sqlite_only
def test_write_transactions_begin_immediate(app):
    """A writer takes SQLite's write lock at BEGIN, before it reads anything."""
    statements = []
    with app.app_context():
        from sqlalchemy import event

        # What SQLite itself is sent: BEGIN goes straight to the driver, past SQLAlchemy.
        @event.listens_for(db.engine, "connect")
        def record(dbapi_connection, _record):
            dbapi_connection.set_trace_callback(statements.append)

        db.engine.dispose()
        with write_transaction():
            db.session.execute(text("SELECT 1"))
        db.session.execute(text("SELECT 2"))
        db.session.commit()
        event.remove(db.engine, "connect", record)
        db.engine.dispose()
    assert statements[statements.index("SELECT 1") - 1] == "BEGIN IMMEDIATE"
    assert statements[statements.index("SELECT 2") - 1] == "BEGIN"


def test_postgres_url_from_the_environment(monkeypatch, tmp_path):
    from assessor import create_app

    monkeypatch.setenv("DATABASE_URL", "postgres://user:secret@db.example/assessor")
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://user:secret@db.example/assessor"
    )


def test_the_suite_runs_on_the_database_it_was_asked_for(app):
    """``make test-postgres`` must really test PostgreSQL, not fall back to SQLite."""
    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")


def test_migrations_go_down_and_up_again(app):
    """Every migration can be undone and redone on this database (SQLite or PostgreSQL)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables


def test_server_databases_ping_pooled_connections_and_time_out():
    from assessor.data.database import engine_options

    options = engine_options("postgresql+psycopg://u@h/db")
    assert options["pool_pre_ping"] is True
    assert options["connect_args"] == {"connect_timeout": 10}
    assert engine_options("sqlite:////tmp/x.db") == {}


@sqlite_only
def test_a_writer_that_cannot_get_the_lock_fails_with_sqlalchemys_error(app, database_url):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    path = database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with app.app_context():
            db.session.execute(text("PRAGMA busy_timeout=50"))
            db.session.commit()
            with pytest.raises(OperationalError, match="locked"), write_transaction():
                pass
    finally:
        holder.close()
