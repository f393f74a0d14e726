"""Resume tokens: long enough not to be guessed, no hint when guessed, never in the logs."""

from __future__ import annotations

import logging
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from assessor.data.database import db
from assessor.services import assessments
from assessor.web import security

from .attacks import make_app
from .web import page_data, start

TOKEN_PAGES = ("", "/welcome", "/step/1", "/review", "/results", "/report.pdf")
MALFORMED = [
    "x",
    "x" * 65,
    "x" * 500,
    "..",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "' OR '1'='1",
    "%00",
    "%E2%80%AE",
    "{{7*7}}",
]


def test_tokens_carry_at_least_128_random_bits(client):
    assert assessments.TOKEN_BYTES * 8 >= 128
    tokens = {start(client, f"Bank {n}") for n in range(5)}
    assert len(tokens) == 5
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 bytes, base64url


def normalised(body: bytes) -> str:
    """The page without its language links, which echo the requested address.

    (A path that decodes to ``/a/../..`` matches no route, so its links go to the home
    page instead: still a 404 with the same page, and no hint about tokens.)
    """
    return re.sub(r'href="[^"]*\?lang=', 'href="?lang=', body.decode())


@pytest.mark.parametrize("path", TOKEN_PAGES)
def test_a_guessed_token_gets_the_same_404_as_a_malformed_one(client, path):
    start(client, "Real Bank")  # so that the table is not empty
    responses = [client.get(f"/a/{secrets.token_urlsafe(32)}{path}")]
    responses += [client.get(f"/a/{bad}{path}") for bad in MALFORMED]
    assert {r.status_code for r in responses} == {404}
    assert len({normalised(r.data) for r in responses}) == 1
    for response in responses:
        assert "Real Bank" not in response.get_data(as_text=True)
        assert set(response.headers.keys()) == set(responses[0].headers.keys())


def test_answers_cannot_be_posted_to_a_guessed_token(client, app):
    bank = app.extensions["assessor.domain.bank"]
    start(client)
    guess = secrets.token_urlsafe(32)
    response = client.post(f"/a/{guess}/step/1", data=page_data(bank.dimensions[0]))
    assert response.status_code == 404


def test_redaction_covers_paths_and_bare_tokens():
    token = secrets.token_urlsafe(32)
    line = f'"GET /a/{token}/step/2?lang=fr HTTP/1.1" 200 - and {token}.'
    assert token not in security.redact(line)
    assert security.redact(line).startswith('"GET /a/[token]/step/2?lang=fr')
    digest = "ab" * 32  # a SHA-256 is not a token
    assert security.redact(digest) == digest


@pytest.fixture
def served(tmp_path):
    """The app behind Werkzeug's server, which logs a line per request, as `make run` does."""
    app = make_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(url: str, data: dict | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return error.code


def test_tokens_never_reach_the_logs(served, caplog, monkeypatch):
    """A whole session with a refused page, a crash and a database error: no token logged."""
    app, base = served
    caplog.set_level(logging.DEBUG)
    bank = app.extensions["assessor.domain.bank"]
    with app.test_client() as client:
        token = start(client, "Logged Bank")
    dimension = bank.dimensions[0]

    assert call(f"{base}/a/{token}") == 302
    assert call(f"{base}/a/{token}/step/1") == 200
    assert call(f"{base}/a/{token}/step/1", page_data(dimension, "0.5")) == 302
    tampered = {**page_data(dimension, "0.5"), "dimension": "other"}
    assert call(f"{base}/a/{token}/step/1?lang=fr", tampered) == 422
    assert call(f"{base}/a/{token}/step/1", {"nonsense": "1", "dimension": dimension.id}) == 422

    # A crash whose message carries the URL, as many library errors do.
    def crash(*args, **kwargs):
        from flask import request

        raise RuntimeError(f"cannot score {request.url} for {token}")

    monkeypatch.setattr(assessments, "result", crash)
    assert call(f"{base}/a/{token}/results") == 500
    monkeypatch.undo()

    # A database error: SQLAlchemy would print the statement's parameters, the token first.
    with app.app_context():
        db.session.execute(text("ALTER TABLE assessment RENAME COLUMN token TO resume_token"))
        db.session.commit()
    assert call(f"{base}/a/{token}/review") == 500

    logged = caplog.text
    assert "unhandled error" in logged and "RuntimeError" in logged
    assert "OperationalError" in logged
    assert "/a/[token]/step/1" in logged  # the request lines are there, redacted
    assert token not in logged
    for record in caplog.records:
        assert token not in record.getMessage()
    with app.app_context():
        # And should a log skip the redaction (SQL echo, another handler), the database
        # layer never puts bound values, tokens among them, into its messages.
        assert db.engine.hide_parameters
