"""Flask extensions, created once here and bound to the app in :func:`assessor.create_app`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app
from flask_babel import Babel, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .bank import Bank, load_bank
from .csrf import CSRFProtect


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
#: The only blueprint whose views have limits (``tests/test_security_auth.py`` checks it).
LIMITED_BLUEPRINT = "auth"


def limit_sign_in_pages_only(app: Flask) -> None:
    """Run Flask-Limiter's request hooks for the sign-in pages only; call after its ``init_app``.

    Flask-Limiter looks for limits before and after every request and tidies up after it,
    and the answer pages, the most requested, paid for that each time. The only limits are
    on the auth blueprint's views, so its three hooks become that blueprint's. With a
    site-wide limit configured, they stay on every request.
    """
    if any(app.config.get(name) for name in _SITE_WIDE_LIMITS):
        return
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        limiters = [hook for hook in hooks.get(None, []) if _is_limiters(hook)]
        for hook in limiters:
            hooks[None].remove(hook)
            hooks.setdefault(LIMITED_BLUEPRINT, []).append(hook)


def _is_limiters(hook) -> bool:
    # Bound methods of the limiter, or functools.partial objects over it.
    return getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())
