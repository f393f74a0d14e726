"""Sessions that end: signing out, a new password or "sign out everywhere" stop every copy
of a consultant's session cookie, in any browser."""

from __future__ import annotations

from .web import PASSWORD, sign_in

DASHBOARD = "/workspace/"


def copied(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def signed_in(browser) -> bool:
    return browser.get(DASHBOARD).status_code == 200


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, consultants):
    sign_in(client)
    thief = copied(app, client)
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(thief)
    assert not signed_in(client)


def test_sign_out_ends_the_sessions_of_other_browsers(app, client, consultants):
    other = app.test_client()
    sign_in(client)
    sign_in(other)
    client.post("/logout")
    assert not signed_in(other)
    sign_in(other)  # signing in again works
    assert signed_in(other)


def test_a_password_change_ends_every_other_session_but_keeps_this_one(app, client, consultants):
    sign_in(client)
    thief = copied(app, client)
    new = "a brand new passphrase"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.status_code == 302
    assert not signed_in(thief)
    assert signed_in(client)


def test_sign_out_everywhere_from_the_account_page(app, client, consultants):
    sign_in(client)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'action="/account/sign-out-everywhere"' in page
    thief = copied(app, client)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert not signed_in(thief)
    assert not signed_in(client)


def test_a_session_of_another_account_id_shape_is_refused(app, client, consultants):
    from assessor.services import accounts

    with app.app_context():
        assert accounts.by_session_id("1") is None  # the old format: no version
        assert accounts.by_session_id("1.x") is None
        assert accounts.by_session_id("1.1") is not None
        assert accounts.by_session_id("1.2") is None
