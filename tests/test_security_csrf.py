"""Cross-site request forgery: every state-changing route refuses a request without a valid
token. The routes come from ``app.url_map``, so a new one is covered without being listed."""

from __future__ import annotations

import pytest

from .attacks import build_world, log_in_session, make_app, routes
from .web import CSRF_FIELD

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "This form has expired or was not sent from this site."


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = build_world(make_app(tmp_path_factory.mktemp("csrf")))
    world.app.config["WTF_CSRF_ENABLED"] = True  # the test config switches it off
    return world


def unsafe_routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in routes(app):
        for method in sorted(rule.methods & UNSAFE):
            values = {"token": "T", "step": 1, "client_id": 1, "assessment_id": 1}
            found.append((method, rule.build({k: values[k] for k in rule.arguments})[1]))
    return found


def urls(world) -> list[tuple[str, str]]:
    return [
        (method, url.replace("/a/T/", f"/a/{world.token}/"))
        for method, url in unsafe_routes(world.app)
    ]


def csrf_token(client) -> str:
    html = client.get("/start").get_data(as_text=True)
    return CSRF_FIELD.search(html).group(1)


def test_the_state_changing_routes_are_all_found(world):
    found = {url.split("?")[0] for _m, url in urls(world)}
    assert len(found) >= 12
    assert "/logout" in found and "/start" in found and "/workspace/export.zip" in found


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "anonymous"])
@pytest.mark.parametrize("token", ["none", "forged", "from another session"])
def test_every_unsafe_request_without_a_valid_token_is_refused(world, signed_in, token):
    before = world.counts()
    other = world.app.test_client()
    stolen = csrf_token(other)  # valid, but for another visitor's session
    checked = 0
    for method, url in urls(world):
        client = world.app.test_client()
        if signed_in:
            log_in_session(client, world.user_a)
        data = {"name": "Forged", "bank_name": "Forged", "firm_name": "Forged"}
        if token == "forged":
            data["csrf_token"] = "IjEyMyI.forged.signature"
        elif token == "from another session":
            data["csrf_token"] = stolen
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, (method, url, response.status_code)
        assert CSRF_MESSAGE in response.get_data(as_text=True), (method, url)
        checked += 1
    assert checked == len(urls(world))
    assert world.counts() == before


def test_with_a_valid_token_the_same_requests_get_through(world):
    """The refusals above are the token's doing: with one, no request meets the CSRF page."""
    client = world.app.test_client()
    log_in_session(client, world.user_a)
    token = csrf_token(client)
    signing_out = ("/account/sign-out-everywhere", "/logout")
    last = {url: n + 1 for n, url in enumerate(signing_out)}
    for method, url in sorted(urls(world), key=lambda mu: last.get(mu[1], 0)):
        response = client.open(url, method=method, data={"csrf_token": token})
        if url == signing_out[0]:  # signed out: sign in again to try the last one
            log_in_session(client, world.user_a)
            token = csrf_token(client)
        assert CSRF_MESSAGE.encode() not in response.data, (method, url)
        assert response.status_code < 500, (method, url)
