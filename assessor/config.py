"""Configuration from the environment.

``SECRET_KEY`` and ``DATABASE_URL`` are read as is (the names hosting platforms use); any
other setting can be given as ``ASSESSOR_<NAME>`` (Flask's ``from_prefixed_env``), e.g.
``ASSESSOR_MAX_CONTENT_LENGTH=2097152``.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .database import engine_options, normalise_url
from .exceptions import ConfigurationError

__all__ = ["ConfigurationError", "configure"]

#: Used only in debug and testing, where sessions need not survive a restart.
DEV_SECRET_KEY = "dev-only-not-secret"


def configure(app: Flask, overrides: dict | None = None) -> None:
    """Load defaults, then the environment, then ``overrides`` (used by the tests)."""
    instance = Path(app.instance_path)
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
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    if "DATABASE_URL" in os.environ:
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if "SECRET_KEY" in os.environ:
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("ASSESSOR")
    app.config.update(overrides or {})

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **options,
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
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)
