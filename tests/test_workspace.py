"""The consultant workspace: accounts, clients, assessments, targets, comparison, isolation."""

from __future__ import annotations

import re

import pytest

from assessor.data.database import db
from assessor.data.models import Assessment, Client
from assessor.services import accounts, clients

from .web import PASSWORD, answer_all, new_assessment, new_client, sign_in

# Accounts -------------------------------------------------------------------------------


def test_cli_creates_lists_and_disables_accounts(app, runner):
    result = runner.invoke(
        args=["user", "create", "C@Firm.Example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["user", "list"]).output.startswith("c@firm.example\tactive")
    short = runner.invoke(
        args=["user", "create", "d@firm.example", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2
    assert "at least 10 characters" in short.output
    duplicate = runner.invoke(
        args=["user", "create", "c@firm.example", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert duplicate.exit_code == 2
    assert runner.invoke(args=["user", "disable", "c@firm.example"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["user", "list"]).output


def test_sign_in_and_out(client, consultants):
    assert client.get("/workspace/").status_code == 302  # to the sign-in page
    response = sign_in(client, "A@firm.example ")
    assert response.status_code == 302
    assert response.location.endswith("/workspace/")
    assert client.get("/workspace/").status_code == 200
    client.post("/logout")
    assert client.get("/workspace/").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("a@firm.example", "wrong password!"), ("nobody@firm.example", PASSWORD), ("", "")],
)
def test_failed_sign_in_says_the_same_thing_whatever_was_wrong(
    client, consultants, email, password
):
    response = sign_in(client, email, password)
    assert response.status_code == 422
    if email:
        assert "The email or the password is not correct." in response.get_data(as_text=True)
    assert client.get("/workspace/").status_code == 302


def test_disabled_account_cannot_sign_in(client, app, consultants):
    with app.app_context():
        accounts.set_active("a@firm.example", False)
    assert sign_in(client).status_code == 422


def test_sign_in_ignores_a_next_url_to_another_site(client, consultants):
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "a@firm.example", "password": PASSWORD}
    )
    assert response.location.endswith("/workspace/")


def test_change_password(client, app, consultants):
    sign_in(client)
    bad = client.post(
        "/account/password",
        data={"current": "nope", "new": "new password 1", "confirm": "new password 1"},
    )
    assert bad.status_code == 422
    ok = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "new password 1", "confirm": "new password 1"},
    )
    assert ok.status_code == 302
    with app.app_context():
        assert accounts.authenticate("a@firm.example", "new password 1") is not None
        assert accounts.authenticate("a@firm.example", PASSWORD) is None


# Clients and assessments ----------------------------------------------------------------


def test_client_assessment_flow_with_targets_and_notes(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    client_id = new_client(client, country="IT", bank_type="cooperative")
    assessment_id, token = new_assessment(client, client_id)
    # The bank's staff fill it in through the link, without an account.
    staff = app.test_client()
    answer_all(staff, bank, token, "0.5")
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment.client_id == client_id
        assert assessment.language == "it"  # the client's report language

    dimension = bank.dimensions[0]
    response = client.post(
        f"/workspace/assessments/{assessment_id}/targets",
        data={f"target-{dimension.id}": "5", f"notes-{dimension.id}": "Register every account."},
    )
    assert response.status_code == 302
    html = client.get(f"/workspace/assessments/{assessment_id}?lang=en").get_data(as_text=True)
    assert "Register every account." in html
    # 50 points now, target stage 5 starts at 80: 30 points to go
    assert re.search(r">\s*30\s*</td>", html)
    # The bank's results page shows the consultant's targets and notes too.
    results = staff.get(f"/a/{token}/results?lang=en").get_data(as_text=True)
    assert "Register every account." in results


def test_dashboard_lists_latest_score_stage_and_trend(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    client_id = new_client(client, "Banca Alpina")
    new_client(client, "Bank Nord")
    _first, token1 = new_assessment(client, client_id)
    answer_all(client, bank, token1, "0.25")
    _second, token2 = new_assessment(client, client_id)
    answer_all(client, bank, token2, "0.75")
    html = client.get("/workspace/?lang=en").get_data(as_text=True)
    assert "Banca Alpina" in html and "Bank Nord" in html
    assert "▲ +50" in html
    assert "Bank Nord" not in client.get("/workspace/?q=alp").get_data(as_text=True)


def test_dashboard_paginates(client, app, consultants):
    with app.app_context():
        for n in range(clients.PAGE_SIZE + 3):
            clients.create_client(consultants[0], name=f"Bank {n:03}", report_language="en")
    sign_in(client)
    first = client.get("/workspace/").get_data(as_text=True)
    second = client.get("/workspace/?page=2").get_data(as_text=True)
    assert "Bank 000" in first and "Bank 027" not in first
    assert "Bank 027" in second and "Bank 000" not in second
    assert client.get("/workspace/?page=999").status_code == 200


def test_comparison_page(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    client_id = new_client(client)
    ids = []
    for value in ("0.25", "0.75", "1"):
        assessment_id, token = new_assessment(client, client_id)
        answer_all(client, bank, token, value)
        ids.append(assessment_id)
    html = client.get(
        f"/workspace/clients/{client_id}/compare?a={ids[0]}&b={ids[1]}&lang=en"
    ).get_data(as_text=True)
    # 25 → 75 in every area; default targets one stage above the baseline's "present" (40)
    assert "25 → 75" in html
    assert "100% of the gap" in html
    page = client.get(f"/workspace/clients/{client_id}").get_data(as_text=True)
    assert '<svg class="trend"' in page  # three assessments: a trend chart


def test_branded_report_of_a_client_assessment(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    with app.app_context():
        user = db.session.get(accounts.User, consultants[0])
        user.firm_name = "Kowalski & Partners"
        db.session.commit()
    sign_in(client)
    client_id = new_client(client)
    assessment_id, token = new_assessment(client, client_id)
    answer_all(client, bank, token, "0.5")
    response = client.get(f"/workspace/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-it.pdf"')
    from io import BytesIO

    from pypdf import PdfReader

    assert "Kowalski & Partners" in PdfReader(BytesIO(response.data)).pages[0].extract_text()


def _pdf_text(response) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    assert response.status_code == 200
    pages = PdfReader(BytesIO(response.data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_branded_report_shows_progress_since_an_earlier_assessment(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    client_id = new_client(client, report_language="en")
    other_client = new_client(client, name="Banca Beta", report_language="en")
    ids = []
    for value in ("0.25", "0.75", "1"):
        assessment_id, token = new_assessment(client, client_id)
        answer_all(client, bank, token, value)
        ids.append(assessment_id)
    stranger, _token = new_assessment(client, other_client)

    first = _pdf_text(client.get(f"/workspace/assessments/{ids[0]}/report.pdf"))
    assert "Progress since" not in first  # nothing to compare with yet

    # By default, against the previous assessment: 25 → 75 in every area, and the
    # baseline's default targets (one stage above "present") are all reached.
    second = _pdf_text(client.get(f"/workspace/assessments/{ids[1]}/report.pdf"))
    assert "Progress since" in second
    assert "+50 points" in second and "25 → 75" in second
    assert "100% of the gap to the targets set at the baseline has been closed" in second

    # Any earlier assessment of the same client can be the baseline.
    third = _pdf_text(client.get(f"/workspace/assessments/{ids[2]}/report.pdf?baseline={ids[0]}"))
    assert "+75 points" in third and "25 → 100" in third

    # A later one, the same one, another client's or a malformed id is not a baseline.
    for baseline in (ids[2], ids[1], stranger, "x"):
        url = f"/workspace/assessments/{ids[1]}/report.pdf?baseline={baseline}"
        assert client.get(url).status_code == 404, baseline

    compare = client.get(f"/workspace/clients/{client_id}/compare?a={ids[0]}&b={ids[2]}")
    assert f"/workspace/assessments/{ids[2]}/report.pdf?baseline={ids[0]}" in compare.get_data(
        as_text=True
    )


# Isolation ------------------------------------------------------------------------------


def test_a_consultant_gets_404_on_everything_of_another(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    client_id = new_client(client)
    assessment_id, token = new_assessment(client, client_id)
    answer_all(client, bank, token, "0.5")
    new_assessment(client, client_id)
    client.post("/logout")

    other = app.test_client()
    sign_in(other, "b@firm.example")
    for url in [
        f"/workspace/clients/{client_id}",
        f"/workspace/clients/{client_id}/edit",
        f"/workspace/clients/{client_id}/compare",
        f"/workspace/assessments/{assessment_id}",
        f"/workspace/assessments/{assessment_id}/targets",
        f"/workspace/assessments/{assessment_id}/report.pdf",
        f"/workspace/assessments/{assessment_id}/report.pdf?baseline={assessment_id}",
    ]:
        assert other.get(url).status_code == 404, url
    for url in [
        f"/workspace/clients/{client_id}/assessments",
        f"/workspace/clients/{client_id}/edit",
        f"/workspace/assessments/{assessment_id}/targets",
    ]:
        assert other.post(url, data={"name": "stolen"}).status_code == 404, url
    assert "Banca Alpina" not in other.get("/workspace/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Client, client_id).name == "Banca Alpina"
        assert db.session.execute(db.select(db.func.count(Assessment.id))).scalar_one() == 2
