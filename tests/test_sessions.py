"""Sessions and CSRF tokens signed by ``assessor.sessions`` and ``assessor.csrf`` are
Flask's and Flask-WTF's own: each side reads what the other signs; a session is signed
again only when it changed or its signature is a few minutes old; what was checked once
is recognised, never trusted further than a full check would."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import TimestampSigner

from assessor import csrf, sessions

from .web import CSRF_FIELD, sign_in, start

SESSION = {"lang": "fr", "csrf_token": "0" * 40, "_user_id": "7", "ö": ["ünïcode", 1.5]}


@pytest.fixture
def flask_interface():
    return SecureCookieSessionInterface()


def test_flask_reads_our_cookie_and_we_read_flasks(app, flask_interface):
    ours = app.session_interface
    assert isinstance(ours, sessions.SessionInterface)
    signed_by_us = ours.get_signing_serializer(app).dumps(SESSION)
    assert flask_interface.get_signing_serializer(app).loads(signed_by_us) == SESSION
    # Flask compresses a payload when that makes it shorter: such cookies still load.
    big = {**SESSION, "filler": "a" * 500}
    signed_by_flask = flask_interface.get_signing_serializer(app).dumps(big)
    assert signed_by_flask.startswith(".")
    assert ours.get_signing_serializer(app).loads(signed_by_flask) == big


def test_a_cookie_signed_with_another_key_is_refused(app):
    with app.test_request_context():
        signed = app.session_interface.get_signing_serializer(app).dumps(SESSION)
    app.secret_key = "another-secret"
    with app.test_request_context(headers={"Cookie": f"session={signed}"}):
        from flask import session

        assert dict(session) == {}


def test_a_rotated_key_still_reads_cookies_signed_with_the_old_one(app):
    signed = app.session_interface.get_signing_serializer(app).dumps(SESSION)
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "the-new-secret"
    serializer = app.session_interface.get_signing_serializer(app)
    assert serializer.loads(signed) == SESSION
    assert (
        SecureCookieSessionInterface().get_signing_serializer(app).loads(serializer.dumps(SESSION))
        == SESSION
    )


def test_our_csrf_token_is_flask_wtfs(app):
    with app.test_request_context():
        ours = csrf.csrf_token()
        assert generate_csrf() == ours  # one token per request, whoever asks first
        validate_csrf(ours)  # raises if Flask-WTF does not take it
    with app.test_request_context():
        theirs = generate_csrf()
        assert csrf.csrf_token() == theirs


def test_a_page_in_use_is_signed_again_only_after_a_few_minutes(app, client, monkeypatch):
    clock = {"now": int(TimestampSigner.get_timestamp(TimestampSigner("k")))}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock["now"])
    token = start(client)
    app.config["WTF_CSRF_ENABLED"] = True  # the page's CSRF token puts it in the session
    assert "Set-Cookie" in client.get(f"/a/{token}/step/1").headers  # a new CSRF token
    clock["now"] += 60
    assert "Set-Cookie" not in client.get(f"/a/{token}/step/1").headers
    clock["now"] += int(sessions.RESIGN_AFTER.total_seconds())
    assert "Set-Cookie" in client.get(f"/a/{token}/step/1").headers
    assert "Set-Cookie" not in client.get(f"/a/{token}/step/2").headers


def test_a_changed_session_is_signed_at_once(app, client):
    token = start(client)
    app.config["WTF_CSRF_ENABLED"] = True
    client.get(f"/a/{token}/step/1")
    assert "Set-Cookie" not in client.get(f"/a/{token}/step/1").headers
    response = client.get(f"/a/{token}/step/1?lang=it")
    assert "Set-Cookie" in response.headers


def test_the_page_token_is_the_sessions(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    html = client.get("/start").get_data(as_text=True)
    with app.test_request_context(), client.session_transaction() as session:
        assert session["csrf_token"]
    token = CSRF_FIELD.search(html).group(1)
    assert client.post("/start", data={"csrf_token": token, "bank_name": "B"}).status_code == 302


def test_a_cookie_checked_before_still_expires(client, app, consultants, monkeypatch):
    clock = {"now": int(TimestampSigner.get_timestamp(TimestampSigner("k")))}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock["now"])
    sign_in(client)
    assert client.get("/workspace/").status_code == 200  # its signature is now known
    cookie = client.get_cookie("session").value
    other = app.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/workspace/").status_code == 200
    clock["now"] += int(app.permanent_session_lifetime.total_seconds()) + 1
    other.set_cookie("session", cookie)
    response = other.get("/workspace/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_session_holding_a_list_is_never_shared_between_requests(app):
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.dumps({"_flashes": [("message", "Saved.")]})
    for _ in range(2):  # each request pops the message from its own copy
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
            from flask import get_flashed_messages

            app.session_interface.open_session(app, __import__("flask").request)
            assert get_flashed_messages() == ["Saved."]


def test_a_csrf_token_is_signed_again_after_a_few_minutes(app, monkeypatch):
    clock = {"now": int(TimestampSigner.get_timestamp(TimestampSigner("k")))}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: clock["now"])
    client = app.test_client()
    token = start(client)
    app.config["WTF_CSRF_ENABLED"] = True

    def page_token():
        html = client.get(f"/a/{token}/step/1").get_data(as_text=True)
        return CSRF_FIELD.search(html).group(1)

    first = page_token()
    clock["now"] += 60
    assert page_token() == first
    clock["now"] += int(sessions.RESIGN_AFTER.total_seconds())
    second = page_token()
    assert second != first
    for signed in (first, second):
        response = client.post("/start", data={"csrf_token": signed, "bank_name": "B"})
        assert response.status_code == 302


def test_a_token_checked_before_is_still_refused_in_another_session(app):
    app.config["WTF_CSRF_ENABLED"] = True
    mine, theirs = app.test_client(), app.test_client()
    token = CSRF_FIELD.search(mine.get("/start").get_data(as_text=True)).group(1)
    for _ in range(2):  # checked in full, then recognised
        assert mine.post("/start", data={"csrf_token": token, "bank_name": "B"}).status_code == 302
    theirs.get("/start")  # a session of its own, with its own raw token
    response = theirs.post("/start", data={"csrf_token": token, "bank_name": "B"})
    assert response.status_code == 400


def test_over_https_a_known_token_still_needs_a_same_site_referrer(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    https = {"base_url": "https://assessor.example"}
    page = client.get("/start", **https).get_data(as_text=True)
    data = {"csrf_token": CSRF_FIELD.search(page).group(1), "bank_name": "B"}
    referrer = {"Referer": "https://assessor.example/start"}
    assert client.post("/start", data=data, headers=referrer, **https).status_code == 302
    assert client.post("/start", data=data, **https).status_code == 400
    elsewhere = {"Referer": "https://evil.example/"}
    assert client.post("/start", data=data, headers=elsewhere, **https).status_code == 400
