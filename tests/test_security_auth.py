"""Sign-in under attack: rate limits per account and per address, no account enumeration."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from limits import parse_many

from assessor import create_app
from assessor.services import accounts
from assessor.web.extensions import limiter

from .web import PASSWORD, sign_in


def allowed(app, setting: str) -> int:
    """The smallest number of failed sign-ins the setting allows in its shortest window."""
    return min(limit.amount for limit in parse_many(app.config[setting]))


@pytest.fixture
def hashes(monkeypatch):
    """Count the password checks sign-in makes."""
    calls = []
    real = accounts.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return calls


def test_wrong_email_and_wrong_password_look_the_same_and_cost_the_same(
    client, consultants, hashes
):
    wrong_password = sign_in(client, "a@firm.example", "not the password")
    wrong_email = sign_in(client, "nobody@firm.example", "not the password")
    assert wrong_password.status_code == wrong_email.status_code == 422
    # The same page, byte for byte, apart from the email echoed back in its field.
    assert wrong_password.data.replace(b"a@firm.example", b"") == wrong_email.data.replace(
        b"nobody@firm.example", b""
    )
    assert len(hashes) == 2  # one full password check each, a real hash or the dummy one
    assert hashes[0] != hashes[1]  # the real account's hash, then the dummy
    assert hashes[1] == accounts._DUMMY_HASH


def test_a_disabled_account_is_checked_like_any_other(client, app, consultants, hashes):
    with app.app_context():
        accounts.set_active("a@firm.example", False)
    assert sign_in(client).status_code == 422
    assert len(hashes) == 1


def test_failed_sign_ins_per_account_are_limited(app, consultants, hashes):
    limit = allowed(app, "LOGIN_LIMIT_PER_ACCOUNT")
    for n in range(limit):
        # From different addresses: the account is what is being guessed.
        attacker = app.test_client()
        attacker.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        assert sign_in(attacker, "A@firm.example ", f"guess {n}").status_code == 422
    assert len(hashes) == limit
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    response = sign_in(owner)  # the right password, but the account is locked for now
    assert response.status_code == 429
    assert len(hashes) == limit  # refused before any password check
    assert "Retry-After" in response.headers
    # Another account from the same address is not held back.
    assert sign_in(owner, "b@firm.example").status_code == 302


def test_failed_sign_ins_per_address_are_limited(app, consultants):
    limit = allowed(app, "LOGIN_LIMIT_PER_ADDRESS")
    attacker = app.test_client()
    for n in range(limit):
        assert sign_in(attacker, f"user{n}@firm.example", "guess").status_code == 422
    assert sign_in(attacker, "fresh@firm.example", "guess").status_code == 429
    assert sign_in(attacker).status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert sign_in(elsewhere).status_code == 302


def test_successful_sign_ins_do_not_count(app, consultants):
    client = app.test_client()
    for _ in range(allowed(app, "LOGIN_LIMIT_PER_ACCOUNT") + 2):
        assert sign_in(client).status_code == 302
        client.post("/logout")


def test_the_429_page_is_a_translated_error_page(app, consultants):
    client = app.test_client()
    for n in range(allowed(app, "LOGIN_LIMIT_PER_ACCOUNT")):
        sign_in(client, "a@firm.example", f"guess {n}")
    response = client.post("/login?lang=fr", data={"email": "a@firm.example", "password": PASSWORD})
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert '<html lang="fr">' in body
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("fr"):
            message = gettext(
                "Too many attempts in a short time. Wait a few minutes, then try again."
            )
    assert message in body
    assert message != "Too many attempts in a short time. Wait a few minutes, then try again."
    assert "Content-Security-Policy" in response.headers


def test_the_limit_store_is_configurable_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESSOR_RATELIMIT_STORAGE_URI", "memory://?from=env")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://?from=env"
    assert type(limiter.storage).__name__ == "MemoryStorage"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\uff0e/evil.example",
    ],
)
def test_next_never_leads_to_another_site(client, consultants, target):
    """Found while testing: a tab in ``next`` became a redirect to another host, and a line
    break a 500."""
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "a@firm.example", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/workspace/"


def test_next_to_a_page_of_this_site_is_followed(client, consultants):
    response = client.post(
        "/login",
        query_string={"next": "/workspace/clients/new?x=%09"},
        data={"email": "a@firm.example", "password": PASSWORD},
    )
    assert response.location == "/workspace/clients/new?x=%09"


#: A redirect target: a lead, characters browsers read loosely, a separator, a host.
TARGETS = st.tuples(
    st.sampled_from(["/", "", "\\", "https:", "javascript:"]),
    st.lists(
        st.sampled_from(["\t", "\n", "\r", " ", "/", "\\", "%2f", ".", "\u3002", "\x00"]),
        max_size=3,
    ),
    st.sampled_from(["/", "\\", ""]),
    st.sampled_from(["evil.example", "ab@evil.example", ":80", "workspace/", ""]),
).map(lambda parts: parts[0] + "".join(parts[1]) + parts[2] + parts[3])


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(target=TARGETS)
def test_next_stays_on_this_site_whatever_it_says(app, target):
    """However a browser reads the redirect (dropping tabs and line breaks, a backslash as a
    slash), it stays on this host."""
    from assessor.web.auth.routes import _safe_next

    with app.test_request_context():
        location = _safe_next(target)
    as_browser_reads_it = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    resolved = urlsplit(urljoin("https://assessor.example/login", as_browser_reads_it))
    assert resolved.netloc == "assessor.example", (target, location)
    assert resolved.scheme == "https"


def test_guessing_the_current_password_is_limited_too(client, app, consultants, hashes):
    sign_in(client)
    hashes.clear()
    limit = allowed(app, "LOGIN_LIMIT_PER_ACCOUNT")
    for n in range(limit):
        wrong = {"current": f"guess {n}", "new": "new password 1", "confirm": "new password 1"}
        assert client.post("/account/password", data=wrong).status_code == 422
    right = {"current": PASSWORD, "new": "new password 1", "confirm": "new password 1"}
    assert client.post("/account/password", data=right).status_code == 429
    assert len(hashes) == limit
    other = app.test_client()
    sign_in(other, "b@firm.example")
    right["current"] = PASSWORD
    assert other.post("/account/password", data=right).status_code == 302


def test_only_the_auth_pages_have_rate_limits(app):
    """Only the sign-in and password pages carry limits of their own."""
    limited = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "__wrapper-limiter-instance", None) is not None
    }
    assert limited == {"auth.login", "auth.change_password"}
