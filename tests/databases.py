"""Fresh databases for tests: a SQLite file, or a PostgreSQL schema when asked for.

``make test`` runs on SQLite. With ``TEST_DATABASE_URL`` set (``make test-postgres``), every
test gets its own schema in that PostgreSQL database instead: ``CREATE SCHEMA`` and the
real migrations take a few milliseconds, far less than creating a database, and dropping
the schema leaves nothing behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assessor.data.database import normalise_url

#: The PostgreSQL database to test against, or ``None`` for SQLite.
TEST_DATABASE_URL = (
    normalise_url(os.environ["TEST_DATABASE_URL"]) if os.environ.get("TEST_DATABASE_URL") else None
)

ON_POSTGRES = TEST_DATABASE_URL is not None

#: Marks a test that checks SQLite's own settings; it has nothing to check on PostgreSQL.
sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="checks SQLite settings; this run is on PostgreSQL"
)


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """Yield the URL of an empty database, removed afterwards."""
    if TEST_DATABASE_URL is None:
        yield f"sqlite:///{directory / 'test.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # Every connection made from this URL, in this process or a gunicorn child, sees only
    # the test's schema: tables, the alembic_version table and all.
    url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
