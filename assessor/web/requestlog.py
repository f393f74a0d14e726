"""One log line per request, as JSON, with a request id and without resume tokens.

A resume token in a path (``/a/<token>/step/3``) is the respondent's only key to their
answers, so it is written as ``/a/<redacted>/step/3``; the query string is never logged.
Gunicorn's own access log would write the raw path: leave it off and rely on this one.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time

from flask import Flask, g, request

#: Not a child of the app's own "assessor" logger: records would go up to Flask's handler
#: there and every request would be written twice, the second time not as JSON.
LOGGER_NAME = "assessor-requests"
logger = logging.getLogger(LOGGER_NAME)

#: An incoming ``X-Request-ID`` is kept only if it looks like an id: short, no spaces or
#: quotes, so that nobody can forge log lines or stuff the log through it.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: A resume token: the segment after ``/a/``, wherever it is (``//a/x`` too, which the
#: router redirects but which is still logged first).
TOKEN_SEGMENT = re.compile(r"(/+a/+)[^/]+")


def redact(path: str) -> str:
    """Return ``path`` with any resume token replaced by ``<redacted>``."""
    return TOKEN_SEGMENT.sub(r"\1<redacted>", path)


def request_id(incoming: str | None) -> str:
    """The incoming id if it is sane, else a fresh random one (32 hex digits)."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(16)


class StderrHandler(logging.StreamHandler):
    """Write to whatever ``sys.stderr`` is at the time (test runners and servers swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    """Give every request an id (``X-Request-ID`` both ways) and log it when it is answered."""
    if not logger.handlers:
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else None
        rid = request_id(request.environ.get("HTTP_X_REQUEST_ID"))
        response.headers["X-Request-ID"] = rid
        if logger.isEnabledFor(logging.INFO):
            line = json.dumps(
                {
                    "event": "request",
                    "method": request.method,
                    "path": redact(request.path),
                    "status": response.status_code,
                    "duration_ms": round(duration, 1) if duration is not None else None,
                    "request_id": rid,
                },
                ensure_ascii=True,
            )
            # What logger.info() does, less its walk up the stack for the caller's file and
            # line: always this hook, and the line's format never shows them.
            logger.handle(logger.makeRecord(LOGGER_NAME, logging.INFO, __file__, 0, line, (), None))
        return response
