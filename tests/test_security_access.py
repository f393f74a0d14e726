"""Access control: every route of the URL map × every kind of visitor.

A's client, assessments, notes, branding and resume link are the objects under attack.
Only their owner gets them; another consultant gets 404, a visitor who is not signed in is
sent to the sign-in page, and a resume link reaches its own assessment only. The matrix is
built from ``app.url_map``: a route added without an entry in :data:`ACCESS` fails here.
"""

from __future__ import annotations

import secrets

import pytest

from assessor.pdf import render

from .attacks import World, build_world, log_in_session, make_app, methods_of, routes

#: How each endpoint decides who may use it.
#: public: anyone; token: whoever holds the resume link; signed-in / own: a signed-in
#: consultant, acting on their own account; owned: a signed-in consultant who owns the
#: client or assessment named in the URL.
ACCESS = {
    "main.index": "public",
    "main.methodology": "public",
    "health.healthz": "public",
    "quiz.start": "public",
    "auth.login": "public",
    "quiz.welcome": "token",
    "quiz.resume": "token",
    "quiz.step": "token",
    "quiz.review": "token",
    "quiz.results": "token",
    "reports.pdf": "token",
    "auth.logout": "signed-in",
    "auth.sign_out_everywhere": "signed-in",
    "auth.change_password": "signed-in",
    "workspace.dashboard": "own",
    "workspace.new_client": "own",
    "workspace.branding": "own",
    "workspace.logo": "own",
    "workspace.export_csv": "own",
    "workspace.export_json": "own",
    "workspace.export_zip": "own",
    "workspace.client": "owned",
    "workspace.edit_client": "owned",
    "workspace.new_assessment": "owned",
    "workspace.assessment": "owned",
    "workspace.targets": "owned",
    "workspace.report_pdf": "owned",
    "workspace.compare": "owned",
}
SUBJECTS = ("anonymous", "consultant A", "consultant B", "token holder")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(make_app(tmp_path_factory.mktemp("access")))


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    """Access is decided before printing: the report's HTML stands in for the PDF."""
    monkeypatch.setattr(render, "write_pdf", lambda html, fetcher=None: html.encode())


def test_every_route_has_an_access_rule(world):
    endpoints = {rule.endpoint for rule in routes(world.app)}
    assert endpoints - set(ACCESS) == set(), "new route: say who may use it in ACCESS"
    assert set(ACCESS) - endpoints == set(), "ACCESS names a route that no longer exists"
    for rule in routes(world.app):
        kind = ACCESS[rule.endpoint]
        assert (kind == "token") == ("token" in rule.arguments), rule
        assert (kind == "owned") == bool(rule.arguments & {"client_id", "assessment_id"}), rule
        if rule.endpoint.startswith("workspace."):
            assert kind in ("own", "owned"), rule


def visitor(world: World, subject: str):
    client = world.app.test_client()
    if subject == "consultant A":
        log_in_session(client, world.user_a)
    elif subject == "consultant B":
        log_in_session(client, world.user_b)
    elif subject == "token holder":
        assert client.get(f"/a/{world.other_token}/welcome").status_code == 200
    return client


def url_for_subject(world: World, rule, subject: str) -> str:
    """The URL the subject can build: A knows A's ids and link; others must guess a link."""
    token = {
        "consultant A": world.token,
        "token holder": world.other_token,
    }.get(subject, secrets.token_urlsafe(32))
    values = {
        "token": token,
        "step": 1,
        "client_id": world.client_id,
        "assessment_id": world.assessment_id,
    }
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def expect(world: World, kind: str, subject: str, method: str, response, url: str) -> None:
    status, location = response.status_code, response.location or ""
    where = f"{subject} {method} {url} → {status} {location}"
    assert status < 500, where
    to_login = status == 302 and "/login" in location
    if kind in ("own", "owned", "signed-in"):
        if subject in ("anonymous", "token holder"):
            assert to_login, where
            return
        if kind == "owned" and subject == "consultant B":
            assert status == 404, where
            return
        assert not to_login and status in (200, 302, 400, 404, 422), where
        if status == 404:  # only B's missing logo: B has none, and never sees A's
            assert (subject, url) == ("consultant B", "/workspace/branding/logo.png"), where
    elif kind == "token":
        if subject in ("anonymous", "consultant B"):
            assert status == 404, where  # a guessed link
        else:
            assert status in (200, 302, 422), where
    else:
        assert status in (200, 302, 422), where


@pytest.mark.parametrize("subject", SUBJECTS)
def test_access_matrix(world, subject):
    """Every route, every method, as this subject: only the owner gets A's objects."""
    checked = 0
    before = world.counts()
    # Signing out last, so that the other routes are tried signed in.
    ordered = sorted(
        routes(world.app),
        key=lambda r: (
            ("auth.sign_out_everywhere", "auth.logout").index(r.endpoint) + 1
            if r.endpoint in ("auth.sign_out_everywhere", "auth.logout")
            else 0
        ),
    )
    client = visitor(world, subject)
    for rule in ordered:
        for method in methods_of(rule):
            url = url_for_subject(world, rule, subject)
            response = client.open(url, method=method, data={})
            expect(world, ACCESS[rule.endpoint], subject, method, response, url)
            if rule.endpoint == "auth.sign_out_everywhere":
                client = visitor(world, subject)  # signed in again, to try signing out
            if subject != "consultant A":
                body = response.get_data()
                for secret in world.secrets:
                    assert secret.encode() not in body, (subject, method, url, secret)
                    assert secret not in (response.location or ""), (subject, method, url)
            checked += 1
    assert checked >= 35
    if subject != "consultant A":
        # Nothing of A's changed. (An empty POST to the holder's own page re-saves its
        # answers as they were, touching only its own ``updated_at``.)
        assert of_a(world.counts()) == of_a(before)


def of_a(counts: tuple) -> tuple:
    *rest, assessments = counts
    return (*rest, tuple(a for a in assessments if a[0] != "Stranger Bank"))


def test_other_consultant_cannot_export_a_client_by_id(world):
    client = visitor(world, "consultant B")
    for url in ("/workspace/export.csv", "/workspace/export.json"):
        for method in ("GET", "POST"):
            response = client.open(f"{url}?client={world.client_id}", method=method)
            assert response.status_code == 200
            assert b"Zyxwv" not in response.data
    mine = visitor(world, "consultant A").get(f"/workspace/export.csv?client={world.client_id}")
    assert b"Zyxwv Private Bank" in mine.data  # the check above can fail


def test_logo_is_served_to_its_owner_only(world):
    assert visitor(world, "consultant A").get("/workspace/branding/logo.png").status_code == 200
    assert visitor(world, "consultant B").get("/workspace/branding/logo.png").status_code == 404
