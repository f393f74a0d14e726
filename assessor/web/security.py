"""Security headers, cache rules and session handling shared by every response.

The policy in one place, so that a new page is covered without thinking about it:

- a Content-Security-Policy that allows only this site's own scripts, styles and images
  (plus ``data:`` images) and no inline script or style at all; the templates carry no
  ``style=`` attribute and no inline handler, so nothing needs ``'unsafe-inline'``;
- no framing, no MIME sniffing, and a Referrer-Policy that never sends a resume link
  (whose path is the respondent's only credential) to another site;
- HSTS outside debug mode, where the app is served over HTTPS;
- ``Cache-Control: no-store`` on every page reached by a resume token and on every
  workspace or account page, so no shared cache keeps a respondent's answers or a
  consultant's clients;
- sessions that die after ``PERMANENT_SESSION_LIFETIME`` without a request;
- ``<int:…>`` route arguments bounded to what the database can hold, so a huge id is a
  404 like any unknown one;
- resume tokens cut out of log records (the development server's request lines, the app's
  own errors and their tracebacks), since anyone who reads the logs could otherwise open
  every assessment.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, request, session
from werkzeug.routing import IntegerConverter

#: No inline script or style anywhere. ``data:`` images are allowed because an image cannot
#: run script (no page needs them today). ``base-uri`` and ``form-action`` stop injected
#: markup from redirecting relative links or form posts to another site.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: Sent with every response unless the view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    # Resume links carry a secret token in the path: never send it on as a Referer.
    ("Referrer-Policy", "same-origin"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
#: One year, the value HSTS preload lists ask for.
HSTS = "max-age=31536000; includeSubDomains"
#: Blueprints whose every page shows someone's private data.
PRIVATE_BLUEPRINTS = frozenset({"workspace", "auth"})


#: The largest id a URL or form may name: PostgreSQL's ``integer``. A larger number would
#: reach the database and fail there (SQLite cannot even bind it), a 500 instead of a 404.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in routes, refusing numbers no row can have (the route then 404s)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(value: str) -> int | None:
    """An id sent in a form or query string, or ``None`` if it cannot be one."""
    # isdigit() alone accepts "²" and other digits int() refuses.
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


#: A resume link's path segment, or a bare string shaped like a token (43 base64url
#: characters: 256 bits).
_TOKEN = re.compile(r"(?<=/a/)[^/\s?#\"']+|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
#: Loggers that may see request paths: the development server's, gunicorn's access log.
_PATH_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """Replace every resume token in ``text`` with ``[token]``."""
    return _TOKEN.sub("[token]", text)


class RedactTokens(logging.Filter):
    """Rewrite a log record so that no resume token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse ``exc_text`` when it is set: format the traceback once, redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


_redact_tokens = RedactTokens()


def init_app(app: Flask) -> None:
    """Bound route ids, add the headers to every response, keep live sessions sliding,
    redact the logs. Call it before the blueprints are registered: their routes pick up
    the converter then."""
    app.url_map.converters["int"] = BoundedIntConverter
    for logger in (app.logger, *map(logging.getLogger, _PATH_LOGGERS)):
        if _redact_tokens not in logger.filters:
            logger.addFilter(_redact_tokens)

    @app.after_request
    def _security_headers(response):
        # A resume link's pages and a consultant's pages are for one person: a shared
        # cache (proxy, CDN) must not keep them. The PDF download sets its own
        # ``private, no-cache`` so the browser can revalidate it by ETag.
        _add_missing(response.headers, _DEFAULTS[(app.debug, _is_private(request))])
        _refresh_session()
        return response


#: The headers every response gets, by (debug mode, private page).
_DEFAULTS = {
    (debug, private): (
        *SECURITY_HEADERS,
        *(() if debug else (("Strict-Transport-Security", HSTS),)),
        *((("Cache-Control", "no-store"),) if private else ()),
    )
    for debug in (False, True)
    for private in (False, True)
}


def _add_missing(headers, defaults: tuple[tuple[str, str], ...]) -> None:
    """Add each header a view has not set itself (``setdefault``, with one look at them all).

    Werkzeug's ``setdefault`` scans the headers and raises an exception for each one
    missing: several per response, on every response.
    """
    present = {name.lower() for name, _value in headers.items()}
    for name, value in defaults:
        if name.lower() not in present:
            headers.add(name, value)


def _is_private(req) -> bool:
    # By path as well as by route, so that an address no route matches (a 404) is treated
    # the same as a guessed token: no difference to learn from.
    if req.path.startswith("/a/") or (req.view_args and "token" in req.view_args):
        return True
    return req.blueprint in PRIVATE_BLUEPRINTS


def _refresh_session() -> None:
    """Re-sign a live session as it is used, so it expires after a lifetime of inactivity.

    Flask refuses a session cookie signed longer than ``PERMANENT_SESSION_LIFETIME`` ago,
    but re-signs a browser-session cookie only when its content changes: a respondent
    answering for a whole day would lose the CSRF token mid-way. Marking the session
    modified keeps the cookie a browser-session one (it dies with the browser) while the
    server-side limit becomes an idle timeout. Static files are left alone, and a visitor
    without a session gets no cookie.
    """
    if request.endpoint != "static" and session:
        session.modified = True
