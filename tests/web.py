"""Helpers for driving the quiz through the Flask test client."""

from __future__ import annotations

from urllib.parse import urlparse

from assessor.extensions import db
from assessor.models import Answer, Assessment


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
