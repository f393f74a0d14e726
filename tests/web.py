"""Helpers for driving the quiz through the Flask test client."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from assessor.data.database import db
from assessor.data.models import Answer, Assessment

#: The CSRF token in a page's form.
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def start(client, bank_name: str = "Banca Prova", **fields) -> str:
    """Create an assessment through the start form and return its token."""
    response = client.post("/start", data={"bank_name": bank_name, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    return urlparse(response.location).path.split("/")[2]


def page_data(dimension, value: str = "0.5", **overrides) -> dict:
    """Form data answering every question of ``dimension`` with ``value``."""
    data = {q.id: value for q in dimension.questions}
    data["dimension"] = dimension.id
    data.update(overrides)
    return data


def saved_answers(app, token: str) -> dict[str, float | None]:
    with app.app_context():
        assessment = db.session.execute(
            db.select(Assessment).where(Assessment.token == token)
        ).scalar_one()
        rows = db.session.execute(
            db.select(Answer).where(Answer.assessment_id == assessment.id)
        ).scalars()
        return {row.question_id: row.value for row in rows}


def count_answers(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count(Answer.id))).scalar_one()


PASSWORD = "correct horse battery"


def sign_in(client, email="a@firm.example", password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def new_client(client, name="Banca Alpina", **fields):
    response = client.post(
        "/workspace/clients/new", data={"name": name, "report_language": "it", **fields}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def new_assessment(client, client_id) -> tuple[int, str]:
    response = client.post(f"/workspace/clients/{client_id}/assessments")
    assert response.status_code == 302
    assessment_id = int(response.location.rsplit("/", 1)[1])
    html = client.get(response.location).get_data(as_text=True)
    token = re.search(r"/a/([A-Za-z0-9_-]{43})", html).group(1)
    return assessment_id, token


def answer_all(client, bank, token, value):
    for step, dimension in enumerate(bank.dimensions, start=1):
        client.post(f"/a/{token}/step/{step}", data=page_data(dimension, value))
