"""Flask extensions, created once here and bound to the app in :func:`assessor.create_app`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, request
from flask_babel import Babel, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .bank import Bank, load_bank


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


T = TypeVar("T")


def per_app(name: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, worked out once per app for each ``key`` and kept in ``app.extensions``.

    For what depends only on the app (its bank, its URL map) and ``key``: a value made
    on one request serves every later one in the same worker.
    """
    made = current_app.extensions.setdefault(name, {})
    try:
        return made[key]
    except KeyError:
        value = made[key] = make()
        return value


class QuestionBank:
    """Holds the validated question bank, loaded once when the app starts."""

    def init_app(self, app: Flask) -> None:
        app.extensions["assessor.bank"] = load_bank(app.config.get("QUESTIONS_PATH"))

    @property
    def bank(self) -> Bank:
        return current_app.extensions["assessor.bank"]


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please sign in to see this page.")
question_bank = QuestionBank()
#: Counts failed sign-ins per address and per account; the storage is
#: ``RATELIMIT_STORAGE_URI`` (memory by default, so one count per worker process).
limiter = Limiter(key_func=get_remote_address)


#: Settings that put limits on every page; with any of them, every request is checked.
_SITE_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


@limiter.request_filter
def _outside_sign_in() -> bool:
    """Skip the limiter's per-request look for limits outside the sign-in pages.

    Flask-Limiter looks for limits on every request, before and after it; the only ones
    are on the auth blueprint's views (``tests/test_security_auth.py`` checks that no other
    view has one), and the answer pages, the most requested, paid for the look each time.
    """
    config = current_app.config
    if any(config.get(name) for name in _SITE_WIDE_LIMITS):
        return False
    return request.blueprint != "auth"
