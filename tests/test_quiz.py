"""The self-assessment flow through the test client: every route and every bad input."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import event

from assessor.data.database import db
from assessor.data.models import Assessment
from assessor.domain import scoring
from assessor.services import assessments

from .web import count_answers, page_data, saved_answers, start


@pytest.fixture
def bank(app):
    return app.extensions["assessor.domain.bank"]


def test_home_lists_every_dimension_and_source(client, bank):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    for dimension in bank.dimensions:
        assert str(escape(dimension.title["en"])) in html
    for source in bank.sources:
        assert source.publisher in html


def test_language_comes_from_the_browser_then_sticks_in_the_session(client, bank):
    html = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="pl">' in html
    assert str(escape(bank.dimensions[0].title["pl"])) in html
    client.get("/?lang=it")
    html = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="it">' in html


def test_unknown_language_is_ignored(client):
    html = client.get("/?lang=xx", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="nl">' in html


def test_start_creates_an_assessment_with_an_unguessable_token(client, app, bank):
    token = start(client, "Bank Spółdzielczy w Żółkiewce", country="PL", bank_type="cooperative")
    assert len(token) >= 43  # 32 random bytes, URL-safe
    with app.app_context():
        assessment = assessments.by_token(token)
        assert assessment.bank_name == "Bank Spółdzielczy w Żółkiewce"
        assert assessment.country == "PL"
        assert assessment.bank_version == bank.version
        assert assessment.bank_hash == bank.content_hash
    html = client.get(f"/a/{token}/welcome").get_data(as_text=True)
    assert f"http://localhost/a/{token}" in html
    assert "Bank Spółdzielczy w Żółkiewce" in html
    assert start(client) != token


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bank_name": ""}, "Enter the name of the bank."),
        ({"bank_name": "   "}, "Enter the name of the bank."),
        ({"bank_name": "B" * 121}, "The bank name can be at most 120 characters long."),
        ({"bank_name": "Bank\x00Name"}, "Use letters, digits and punctuation only."),
        ({"bank_name": "Bank", "country": "XX"}, "Not a valid choice"),
        ({"bank_name": "Bank", "respondent_role": "r" * 121}, "at most 120 characters"),
    ],
)
def test_start_rejects_bad_input_and_creates_nothing(client, app, data, message):
    response = client.post("/start", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Assessment.id))).scalar_one() == 0


def test_a_120_character_name_is_accepted(client):
    start(client, "Ż" * 120)


def test_step_page_shows_questions_progress_and_why(client, bank):
    token = start(client)
    html = client.get(f"/a/{token}/step/3?lang=en").get_data(as_text=True)
    dimension = bank.dimensions[2]
    assert f"Step 3 of {len(bank.dimensions)}" in html
    assert str(escape(dimension.why["en"])) in html
    for question in dimension.questions:
        assert str(escape(question.text["en"])) in html
        assert html.count(f'name="{question.id}"') == 5 + question.allow_na


def test_not_applicable_is_offered_only_where_allowed(client, bank):
    token = start(client)
    for step, dimension in enumerate(bank.dimensions, start=1):
        html = client.get(f"/a/{token}/step/{step}").get_data(as_text=True)
        for question in dimension.questions:
            offered = f'name="{question.id}" type="radio" value="na"' in html
            assert offered == question.allow_na, question.id


def test_next_saves_the_page_and_moves_on(client, app, bank):
    token = start(client)
    response = client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "0.75"))
    assert response.status_code == 302
    assert response.location.endswith(f"/a/{token}/step/2")
    assert saved_answers(app, token) == {q.id: 0.75 for q in bank.dimensions[0].questions}


def test_back_saves_and_goes_back(client, app, bank):
    token = start(client)
    response = client.post(
        f"/a/{token}/step/2", data={**page_data(bank.dimensions[1], "1"), "nav": "back"}
    )
    assert response.location.endswith(f"/a/{token}/step/1")
    assert len(saved_answers(app, token)) == len(bank.dimensions[1].questions)


def test_last_step_leads_to_review(client, bank):
    token = start(client)
    last = len(bank.dimensions)
    response = client.post(f"/a/{token}/step/{last}", data=page_data(bank.dimensions[-1]))
    assert response.location.endswith(f"/a/{token}/review")


def test_resume_lands_on_first_unanswered_page_with_answers_in_place(client, bank):
    token = start(client)
    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "0.25"))
    client.post(f"/a/{token}/step/2", data=page_data(bank.dimensions[1], "1"))
    fresh = client.application.test_client()  # a new browser: no session, only the link
    response = fresh.get(f"/a/{token}")
    assert response.location.endswith(f"/a/{token}/step/3")
    html = fresh.get(f"/a/{token}/step/1").get_data(as_text=True)
    question = bank.dimensions[0].questions[0]
    assert f'checked id="{question.id}-1" name="{question.id}" type="radio" value="0.25"' in html


def test_a_partly_answered_page_counts_as_open(client, bank):
    token = start(client)
    data = page_data(bank.dimensions[0])
    del data[bank.dimensions[0].questions[-1].id]
    client.post(f"/a/{token}/step/1", data=data)
    assert client.get(f"/a/{token}").location.endswith("/step/1")


def test_complete_assessment_resumes_on_review(client, bank):
    token = start(client)
    for step, dimension in enumerate(bank.dimensions, start=1):
        client.post(f"/a/{token}/step/{step}", data=page_data(dimension, "1"))
    assert client.get(f"/a/{token}").location.endswith(f"/a/{token}/review")


def test_skipping_forward_is_allowed_and_review_lists_what_is_missing(client, bank):
    token = start(client)
    response = client.post(f"/a/{token}/step/1", data={"dimension": bank.dimensions[0].id})
    assert response.location.endswith("/step/2")
    html = client.get(f"/a/{token}/review?lang=en").get_data(as_text=True)
    total = len(bank.questions)
    assert f"{total} questions are still unanswered" in html
    assert str(escape(bank.dimensions[0].questions[0].text["en"])) in html
    assert f"0 / {len(bank.dimensions[0].questions)}" in html


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("bad_value", "Choose one of the options shown."),
        ("na_not_allowed", "Choose one of the options shown."),
        ("foreign_question", "which are not on this page"),
        ("unknown_field", "which are not on this page"),
        ("hidden_field", "This page was changed before it was sent"),
    ],
)
def test_bad_page_input_gets_a_message_and_saves_nothing(client, app, bank, tamper, message):
    token = start(client)
    dimension = bank.dimensions[0]
    data = page_data(dimension, "0.5")
    first = dimension.questions[0]
    if tamper == "bad_value":
        data[first.id] = "0.3"
    elif tamper == "na_not_allowed":
        question = next(q for q in dimension.questions if not q.allow_na)
        data[question.id] = "na"
    elif tamper == "foreign_question":
        data[bank.dimensions[1].questions[0].id] = "1"
    elif tamper == "unknown_field":
        data["is_admin"] = "1"
    elif tamper == "hidden_field":
        data["dimension"] = bank.dimensions[1].id
    response = client.post(f"/a/{token}/step/1", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_answers(app) == 0


def test_posting_the_same_page_twice_is_idempotent(client, app, bank):
    token = start(client)
    for _ in range(2):
        assert (
            client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0])).status_code == 302
        )
    assert count_answers(app) == len(bank.dimensions[0].questions)


def test_changing_an_answer_replaces_it(client, app, bank):
    token = start(client)
    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "0"))
    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "1"))
    assert set(saved_answers(app, token).values()) == {1.0}
    assert count_answers(app) == len(bank.dimensions[0].questions)


def test_a_failure_mid_save_keeps_nothing_of_the_page(client, app, bank, monkeypatch):
    token = start(client)
    calls = []

    def fail_after_the_answers(_conn, _cursor, statement, *_args):
        calls.append(statement)
        # The answers are written; the server dies before the assessment is touched.
        if statement.lstrip().upper().startswith("UPDATE ASSESSMENT"):
            raise RuntimeError("worker killed")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail_after_the_answers)
    try:
        response = client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0]))
    finally:
        event.remove(engine, "before_cursor_execute", fail_after_the_answers)
    assert response.status_code == 500
    assert any(c.lstrip().upper().startswith("INSERT INTO ANSWER") for c in calls)
    assert count_answers(app) == 0


@pytest.mark.parametrize("path", ["", "/welcome", "/step/1", "/review", "/results"])
def test_unknown_token_is_a_404_in_the_chosen_language(client, path):
    client.get("/?lang=fr")
    response = client.get(f"/a/{'x' * 43}{path}")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.get_data(as_text=True)


@pytest.mark.parametrize("step", [0, 99])
def test_step_out_of_range_is_a_404(client, step):
    token = start(client)
    assert client.get(f"/a/{token}/step/{step}").status_code == 404


def test_results_show_what_the_scoring_engine_computes(client, app, bank):
    token = start(client)
    values = ["0", "0.25", "0.5", "0.75", "1"]
    for step, dimension in enumerate(bank.dimensions, start=1):
        client.post(f"/a/{token}/step/{step}", data=page_data(dimension, values[step % 5]))
    with app.app_context():
        expected = assessments.result(bank, assessments.by_token(token))
    html = client.get(f"/a/{token}/results?lang=en").get_data(as_text=True)
    assert f'<span class="score-number">{expected.points}</span>' in html
    assert str(escape(expected.stage.name["en"])) in html
    for dim in expected.dimensions:
        assert f'{dim.points} <span class="bar"' in html
    assert str(escape(expected.roadmap[0].next_step["en"])) in html
    assert '<svg class="radar"' in html
    for fact in bank.facts:
        assert str(escape(fact.figure)) in html


def test_results_follow_edited_answers(client, app, bank):
    token = start(client)
    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "0"))
    before = client.get(f"/a/{token}/results").get_data(as_text=True)
    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "1"))
    after = client.get(f"/a/{token}/results").get_data(as_text=True)
    with app.app_context():
        answers = assessments.answers_of(bank, assessments.by_token(token))
    points = scoring.score(bank, answers).points
    assert before != after
    assert f'<span class="score-number">{points}</span>' in after


def test_methodology_explains_formula_stages_and_sources(client, bank):
    html = client.get("/methodology?lang=en").get_data(as_text=True)
    assert "Σ(weight × value)" in html
    for stage in bank.stages:
        assert str(escape(stage.name["en"])) in html
    for source in bank.sources:
        assert source.id in html
    assert bank.short_hash in html


def test_missing_csrf_token_is_refused(app, bank):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/start", data={"bank_name": "Bank"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_a_page_sent_with_another_dimension_comes_back_ready_to_send_again(client, app, bank):
    token = start(client)
    dimension = bank.dimensions[0]
    data = {**page_data(dimension, "0.5"), "dimension": bank.dimensions[1].id}
    response = client.post(f"/a/{token}/step/1", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'name="dimension" type="hidden" value="{dimension.id}"' in html
    # What was sent is shown again, checked, so that sending it once more saves it.
    first = dimension.questions[0]
    assert f'checked id="{first.id}-2" name="{first.id}" type="radio" value="0.5"' in html
    assert client.post(f"/a/{token}/step/1", data=page_data(dimension, "0.5")).status_code == 302
    assert count_answers(app) == len(dimension.questions)


def test_a_failed_page_keeps_the_saved_answers_of_questions_left_blank(client, bank):
    token = start(client)
    dimension = bank.dimensions[0]
    first, second = dimension.questions[:2]
    client.post(f"/a/{token}/step/1", data=page_data(dimension, "1"))
    data = {"dimension": dimension.id, first.id: "0.3"}  # a bad value; the rest left blank
    html = client.post(f"/a/{token}/step/1", data=data).get_data(as_text=True)
    assert f'<input id="{first.id}-4" name="{first.id}" type="radio" value="1">' in html
    assert f'checked id="{second.id}-4" name="{second.id}" type="radio" value="1"' in html


@pytest.mark.parametrize("value", ["0.5", None])
def test_saving_under_an_unknown_token_is_a_404_and_saves_nothing(client, app, bank, value):
    start(client)
    dimension = bank.dimensions[0]
    data = page_data(dimension, value) if value else {"dimension": dimension.id}
    response = client.post(f"/a/{'x' * 43}/step/1", data=data)
    assert response.status_code == 404
    assert count_answers(app) == 0
