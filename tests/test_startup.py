"""Starting against a database that is down: one line naming it (password masked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor import create_app
from assessor.domain.errors import DatabaseUnreachable

from .server import free_port

#: Production mode refuses a weak key before it reaches the database: use a strong one.
STRONG_KEY = "k" * 64


@pytest.fixture
def down_url():
    """A PostgreSQL URL on a loopback port where nothing listens."""
    return f"postgresql://bob:hunter2@127.0.0.1:{free_port()}/assessor"


def test_app_factory_names_the_unreachable_database(down_url):
    with pytest.raises(DatabaseUnreachable) as info:
        create_app({"SECRET_KEY": STRONG_KEY, "SQLALCHEMY_DATABASE_URI": down_url})
    message = str(info.value)
    assert message.startswith("cannot reach the database postgresql+psycopg://bob:***@127.0.0.1")
    assert "hunter2" not in message and "\n" not in message


def run(command: list[str], down_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": down_url, "SECRET_KEY": STRONG_KEY}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_db_upgrade_says_so_in_one_line(down_url):
    assessor = str(Path(sys.executable).with_name("assessor"))
    done = run([assessor, "db", "upgrade"], down_url)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot reach the database postgresql+psycopg://bob:***@")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "hunter2" not in done.stderr


def test_gunicorn_says_so_in_one_line(down_url, tmp_path):
    command = [sys.executable, "-m", "gunicorn", "--preload", "--bind", f"127.0.0.1:{free_port()}"]
    done = run([*command, "assessor:create_app()"], down_url)
    assert done.returncode != 0
    assert "Error: cannot reach the database postgresql+psycopg://bob:***@" in done.stderr
    assert "Traceback" not in done.stderr and "hunter2" not in done.stderr
