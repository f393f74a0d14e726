"""Configuration from the environment.

``SECRET_KEY`` and ``DATABASE_URL`` are read as is (the names hosting platforms use); any
other setting can be given as ``ASSESSOR_<NAME>`` (Flask's ``from_prefixed_env``), e.g.
``ASSESSOR_MAX_CONTENT_LENGTH=2097152``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

from assessor.data.database import engine_options, normalise_url
from assessor.domain import resources
from assessor.domain.errors import ConfigurationError

__all__ = ["ConfigurationError", "configure"]

#: Used only in debug and testing, where sessions need not survive a restart.
DEV_SECRET_KEY = "dev-only-not-secret"
#: A production key shorter than this is refused: 32 characters of hex are 128 bits.
MIN_SECRET_KEY_LENGTH = 32
#: A session (a consultant's sign-in, a respondent's CSRF token) unused this long is over.
SESSION_LIFETIME = timedelta(hours=12)


def configure(app: Flask, overrides: dict | None = None) -> None:
    """Load defaults, then the environment, then ``overrides`` (used by the tests)."""
    instance = Path(app.instance_path)
    # Cookies travel only over HTTPS in production; debug and tests run on plain HTTP.
    secure_cookies = not (app.debug or app.testing)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'assessor.db'}",
        QUESTIONS_PATH=None,
        REPORT_CACHE_DIR=str(instance / "report-cache"),
        # A respondent may think over a page for hours; the CSRF token must not expire
        # under them and lose the page. It still dies with the session.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_I18N_ENABLED=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Sign-in never sets a remember-me cookie; should one be added, it gets the same rules.
        REMEMBER_COOKIE_DURATION=SESSION_LIFETIME,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
        # Big enough for a 1 MB logo in a multipart form; anything larger is refused (413)
        # before a view reads it.
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Failed sign-ins are counted here; with several workers use a shared store such as
        # redis://host:6379, or each worker counts on its own.
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,  # for Retry-After on the 429 page
        #: Failed sign-ins allowed for one email address, and from one network address.
        LOGIN_LIMIT_PER_ACCOUNT="5 per minute; 20 per hour",
        LOGIN_LIMIT_PER_ADDRESS="20 per minute; 100 per hour",
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(resources.PACKAGE_DIR / "translations"),
    )
    if "DATABASE_URL" in os.environ:
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if "SECRET_KEY" in os.environ:
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("ASSESSOR")
    app.config.update(overrides or {})

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        # A database error would otherwise log its bound values, resume tokens among them.
        "hide_parameters": True,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.config.get("SECRET_KEY_FILE") or instance / "secret_key")
        if key_file.exists():
            app.config["SECRET_KEY"] = key_file.read_text().strip()
        elif app.debug or app.testing:
            app.config["SECRET_KEY"] = DEV_SECRET_KEY
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set: export SECRET_KEY=<a long random string> "
                f"(or write one to {key_file}); `make run` creates one for you."
            )
    if not (app.debug or app.testing):
        check_secret_key(app.config["SECRET_KEY"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)


def check_secret_key(key: str | bytes) -> None:
    """Refuse a production key that is short or the development one: it signs sessions."""
    if key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters, "
            "e.g. the output of `python -c 'import secrets; print(secrets.token_hex(32))'` "
            "(`make run` writes one to instance/secret_key)."
        )
