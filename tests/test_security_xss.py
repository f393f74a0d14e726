"""Cross-site scripting and template injection: every text a user gives, on every page that
shows it, is printed as inert text.

Each field is first filled with a benign marker to find the pages that show it (at least
one, or the test proves nothing); then, for every payload, those pages must have exactly
the elements of the benign page (no new tag or attribute, no event handler, no
``javascript:`` link) and show the payload as literal text (so ``{{7*7}}`` is never 49).
"""

from __future__ import annotations

import io

import pytest

from assessor.data.database import db
from assessor.data.models import User

from .attacks import XSS_PAYLOADS, inert_in, log_in_session, make_app, png_bytes, same_structure
from .web import page_data, start

MARKER = "Benign Marker Text"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("xss"))


def consultant(app, name: str):
    """A fresh signed-in consultant, so each payload has a workspace of its own."""
    with app.app_context():
        user = User(email=f"{abs(hash(name))}-{len(name)}@firm.example", password_hash="!")
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    client = app.test_client()
    log_in_session(client, user_id)
    return client


def pages_showing(pages: dict[str, str], marker: str = MARKER) -> dict[str, str]:
    shown = {name: body for name, body in pages.items() if marker in body}
    assert shown, f"no page shows the field: {sorted(pages)}"
    return shown


def check(pages_for, text_shown: bool = True) -> int:
    """Fill the field with each payload; compare its pages with the benign ones."""
    baseline = pages_for(MARKER)
    if text_shown:
        baseline = pages_showing(baseline)
    checked = 0
    for payload in XSS_PAYLOADS:
        pages = pages_for(payload)
        for name, benign in baseline.items():
            same_structure(benign, pages[name], f"{name}: {payload}")
            if text_shown:
                inert_in(pages[name], payload)
            checked += 1
    return checked


def test_payloads_are_a_full_battery():
    assert len(XSS_PAYLOADS) >= 20
    assert all(len(p) <= 120 and p == p.strip() for p in XSS_PAYLOADS)


def test_bank_name_in_the_quiz_pages(app):
    def pages_for(value):
        client = app.test_client()
        token = start(client, value, respondent_role=value)
        bank = app.extensions["assessor.domain.bank"]
        client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "0.5"))
        urls = ["welcome", "step/1", "step/2", "review", "results"]
        return {u: client.get(f"/a/{token}/{u}").get_data(as_text=True) for u in urls}

    assert check(pages_for) >= len(XSS_PAYLOADS) * 2  # the welcome and results pages


def test_refused_start_form_echoes_the_text_inertly(app):
    """A form sent back with an error shows what was typed, in the inputs."""

    def pages_for(value):
        client = app.test_client()
        response = client.post(
            "/start", data={"bank_name": value, "respondent_role": value, "country": value}
        )
        assert response.status_code == 422
        return {"start": response.get_data(as_text=True)}

    assert check(pages_for) == len(XSS_PAYLOADS)


def client_world(app, value: str):
    """A consultant whose client, notes, firm name and search all carry ``value``."""
    bank = app.extensions["assessor.domain.bank"]
    client = consultant(app, value)
    response = client.post("/workspace/clients/new", data={"name": value, "report_language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    ids, tokens = [], []
    for answer in ("0.25", "0.75"):
        created = client.post(f"/workspace/clients/{client_id}/assessments")
        assessment_id = int(created.location.rsplit("/", 1)[1])
        with app.app_context():
            from assessor.data.models import Assessment

            token = db.session.get(Assessment, assessment_id).token
        client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], answer))
        ids.append(assessment_id)
        tokens.append(token)
    notes = {f"notes-{d.id}": value for d in bank.dimensions}
    saved = client.post(f"/workspace/assessments/{ids[0]}/targets", data=notes)
    assert saved.status_code == 302
    branded = client.post(
        "/workspace/branding",
        data={"firm_name": value, "logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert branded.status_code == 302
    return client, client_id, ids, tokens


def test_client_name_notes_and_firm_name_in_the_workspace(app):
    def pages_for(value):
        client, client_id, ids, tokens = client_world(app, value)
        urls = {
            "dashboard": "/workspace/",
            "search": "/workspace/?q=" + value.replace("&", "%26").replace("#", "%23"),
            "client": f"/workspace/clients/{client_id}",
            "edit": f"/workspace/clients/{client_id}/edit",
            "assessment": f"/workspace/assessments/{ids[0]}",
            "targets": f"/workspace/assessments/{ids[0]}/targets",
            "compare": f"/workspace/clients/{client_id}/compare",
            "branding": "/workspace/branding",
            "welcome": f"/a/{tokens[0]}/welcome",
            "results": f"/a/{tokens[0]}/results",
        }
        pages = {}
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, (name, value)
            pages[name] = response.get_data(as_text=True)
        return pages

    # Every page above shows the client name, the notes or the firm name.
    assert check(pages_for) >= len(XSS_PAYLOADS) * 10


def as_file_name(value: str) -> str:
    """The file name as a browser sends it: a double quote is escaped as ``%22``."""
    return value.replace('"', "%22")


def test_refused_forms_in_the_workspace_echo_the_text_inertly(app):
    def pages_for(value):
        client = consultant(app, "refused " + value)
        client_form = client.post("/workspace/clients/new", data={"name": value, "country": value})
        colour = client.post(
            "/workspace/branding", data={"firm_name": value, "accent_color": value}
        )
        good_logo = client.post(
            "/workspace/branding",
            data={"logo": (io.BytesIO(png_bytes()), as_file_name(value) + ".png")},
            content_type="multipart/form-data",
        )
        assert good_logo.status_code == 302  # the file name is never used, nor shown
        bad_logo = client.post(
            "/workspace/branding",
            data={
                "firm_name": value,
                "logo": (io.BytesIO(b"<svg onload=x>"), as_file_name(value)),
            },
            content_type="multipart/form-data",
        )
        assert client_form.status_code == colour.status_code == bad_logo.status_code == 422
        return {
            "client form": client_form.get_data(as_text=True),
            "colour": colour.get_data(as_text=True),
            "logo": bad_logo.get_data(as_text=True),
        }

    assert check(pages_for) == len(XSS_PAYLOADS) * 3


def test_query_parameters_are_never_reflected_as_markup(app):
    """``next`` and ``lang`` are not shown at all; they must not change the page either."""

    def pages_for(value):
        client = app.test_client()
        # A visitor of their own, so that the sign-in limits are not what is tested here.
        n = XSS_PAYLOADS.index(value) + 1 if value in XSS_PAYLOADS else 0
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n}"
        login = client.get("/login", query_string={"next": value})
        home = client.get("/", query_string={"lang": value})
        after = client.post(
            "/login",
            query_string={"next": value},
            data={"email": f"x{n}@y.example", "password": "p"},
        )
        assert after.status_code == 422
        return {
            "login": login.get_data(as_text=True),
            "home": home.get_data(as_text=True),
            "refused sign-in": after.get_data(as_text=True),
        }

    assert check(pages_for, text_shown=False) == len(XSS_PAYLOADS) * 3


@pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if not p.startswith("/")])
def test_next_never_leads_off_the_site(app, payload):
    from assessor.services import accounts

    with app.app_context():
        if accounts.by_email("next@firm.example") is None:
            accounts.create("next@firm.example", "next password 1")
    client = app.test_client()
    response = client.post(
        "/login",
        query_string={"next": payload},
        data={"email": "next@firm.example", "password": "next password 1"},
    )
    assert response.status_code == 302
    assert response.location.endswith("/workspace/")
