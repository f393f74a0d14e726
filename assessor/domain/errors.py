"""Why the app refuses to start; kept free of Flask so the command line can catch it cheaply."""

from __future__ import annotations


class ConfigurationError(RuntimeError):
    """The app cannot start as configured; the message says what to change.

    A ``RuntimeError`` on purpose: gunicorn prints a ``RuntimeError`` raised while loading
    the app (``--preload``) as one ``Error:`` line instead of a traceback.
    """


class DatabaseUnreachable(ConfigurationError):
    """The configured database did not answer when the app started."""
