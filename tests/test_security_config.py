"""Security settings: headers on every response, cookies, sessions, keys, request size."""

from __future__ import annotations

import io
import os
import re

import pytest
from itsdangerous import TimestampSigner
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assessor import create_app
from assessor.pdf import render
from assessor.web.config import DEV_SECRET_KEY, ConfigurationError

from .attacks import build_world, log_in_session, make_app
from .web import PASSWORD, sign_in, start

STRONG_KEY = "9f" * 32


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(make_app(tmp_path_factory.mktemp("config")))


def production_app(tmp_path, **config):
    """The app as it runs in production: not debug, not testing, with a strong key."""
    return make_app(tmp_path, TESTING=False, SECRET_KEY=STRONG_KEY, **config)


def pages(world) -> dict[str, str]:
    return {
        "home": "/",
        "methodology": "/methodology",
        "start": "/start",
        "login": "/login",
        "welcome": f"/a/{world.token}/welcome",
        "step": f"/a/{world.token}/step/1",
        "review": f"/a/{world.token}/review",
        "results": f"/a/{world.token}/results",
        "dashboard": "/workspace/",
        "client": f"/workspace/clients/{world.client_id}",
        "assessment": f"/workspace/assessments/{world.assessment_id}",
        "targets": f"/workspace/assessments/{world.assessment_id}/targets",
        "compare": f"/workspace/clients/{world.client_id}/compare",
        "branding": "/workspace/branding",
        "not found": "/a/" + "x" * 43,
        "stylesheet": "/static/css/app.css",
    }


def fetch(client, url: str):
    """GET ``url`` and close the response (static files are streamed from disk)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_every_response_carries_the_security_headers(world):
    client = world.app.test_client()
    log_in_session(client, world.user_a)
    for name, url in pages(world).items():
        response = fetch(client, url)
        assert response.status_code in (200, 302, 404), name
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp.split("; "), (name, directive)
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer"), name
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), name


def test_no_page_needs_inline_script_or_style(world):
    """What the policy forbids must not be in the templates either: it would just break."""
    client = world.app.test_client()
    log_in_session(client, world.user_a)
    for name, url in pages(world).items():
        if url.startswith("/static/"):
            continue
        body = client.get(url).get_data(as_text=True)
        assert " style=" not in body, name
        assert "<style" not in body, name
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), name
        assert not re.search(r"\son[a-z]+=", body), name


def test_hsts_is_not_sent_in_debug_mode(tmp_path):
    app = make_app(tmp_path, DEBUG=True)
    app.debug = True
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def test_resume_link_pages_are_never_stored_by_caches(world):
    client = world.app.test_client()
    log_in_session(client, world.user_a)
    for name, url in pages(world).items():
        response = fetch(client, url)
        if "/a/" in url or url.startswith(("/workspace", "/login")):
            assert response.headers["Cache-Control"] == "no-store", name
        else:
            assert "no-store" not in response.headers.get("Cache-Control", ""), name
    # The PDF may be kept by the browser (and revalidated by ETag), never by a shared cache.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "write_pdf", lambda html, fetcher=None: b"%PDF-")
        response = client.get(f"/a/{world.token}/report.pdf")
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_production_session_cookie_is_secure_httponly_lax(tmp_path):
    app = production_app(tmp_path)
    with app.app_context():
        from assessor.services import accounts

        accounts.create("a@firm.example", PASSWORD)
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert "Expires=" not in cookie  # dies with the browser; the server bounds it too
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 24 * 3600
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]


def test_debug_and_tests_run_on_plain_http(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_sign_in_starts_a_new_session(client, consultants):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "fr"
    sign_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "fr"  # the visitor's language choice is kept
        assert session["_user_id"]


def test_a_session_idle_longer_than_its_lifetime_is_over(client, app, consultants, monkeypatch):
    lifetime = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    now = int(TimestampSigner.get_timestamp(TimestampSigner("k")))
    clock = {"now": now}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock["now"])
    sign_in(client)
    assert client.get("/workspace/").status_code == 200
    # Active use keeps it alive: each page re-signs the cookie.
    for _ in range(3):
        clock["now"] += lifetime - 60
        assert client.get("/workspace/").status_code == 200
    clock["now"] += lifetime + 1
    response = client.get("/workspace/")
    assert response.status_code == 302 and "/login" in response.location


def test_static_files_set_no_cookie(client):
    start(client, "Some Bank")
    assert "Set-Cookie" not in fetch(client, "/static/css/app.css").headers
    assert "Set-Cookie" not in fetch(client, "/static/js/app.js").headers


@pytest.mark.parametrize(
    ("key", "refused"),
    [
        ("short", True),
        (DEV_SECRET_KEY, True),
        ("x" * 31, True),
        ("0123456789abcdef" * 2, False),
        (STRONG_KEY, False),
    ],
)
def test_production_refuses_a_weak_secret_key(key, refused):
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": key}
    if refused:
        with pytest.raises(ConfigurationError, match="SECRET_KEY is too weak"):
            create_app(config)
    else:
        assert create_app(config).config["SECRET_KEY"] == key


def test_weak_keys_are_fine_in_tests_and_debug(monkeypatch):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "x"
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY_FILE": "/nonexistent"})
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


def test_make_run_writes_a_strong_key():
    """The Makefile's key recipe makes 64 hex characters, which the check accepts."""
    import secrets
    from pathlib import Path

    from assessor.web.config import check_secret_key

    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert "secrets.token_hex(32)" in makefile
    check_secret_key(secrets.token_hex(32))


def test_request_size_is_limited_but_a_1_mb_logo_fits(client, app, consultants):
    big = client.post("/start", data={"bank_name": "x" * (3 * 1024 * 1024)})
    assert big.status_code == 413
    assert "too large" in big.get_data(as_text=True)
    side = 570  # random pixels do not compress: just under 1 MB as PNG
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    logo = out.getvalue()
    assert 900_000 < len(logo) <= 1_000_000
    sign_in(client)
    # Encoded in memory: the test client would spool a body this large to a temporary
    # file and never close it.
    boundary, body = encode_multipart(
        {"firm_name": "Big Logo", "logo": FileStorage(io.BytesIO(logo), "logo.png")}
    )
    response = client.post(
        "/workspace/branding",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    assert client.get("/workspace/branding/logo.png").status_code == 200
