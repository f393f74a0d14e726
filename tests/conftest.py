"""Shared fixtures: the small hand-checked bank and the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.data.database import db
from assessor.domain.bank import Bank, load_bank

from .databases import fresh_database

DATA = Path(__file__).parent / "data"
MINI_BANK = DATA / "mini_bank.yaml"


@pytest.fixture(scope="session")
def mini_bank() -> Bank:
    return load_bank(MINI_BANK)


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    return load_bank()


@pytest.fixture
def database_url(tmp_path):
    """An empty database: a SQLite file, or a PostgreSQL schema under ``TEST_DATABASE_URL``."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url):
    """The app on a fresh database, migrated with the real migrations."""
    from flask_migrate import upgrade

    from assessor import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close its connections before the database goes


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def consultants(app):
    """Two consultant accounts, a@firm.example and b@firm.example; returns their ids."""
    from assessor.services import accounts

    from .web import PASSWORD

    with app.app_context():
        return [accounts.create(e, PASSWORD).id for e in ("a@firm.example", "b@firm.example")]
