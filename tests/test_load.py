"""Load without loss, and crash safety, against a real gunicorn and a real database.

``LOAD_RESPONDENTS`` respondents (100 by default, as in the issue) answer the whole quiz at
once through gunicorn with 2 workers, on SQLite or on PostgreSQL (``TEST_DATABASE_URL``).
Nothing is timed: the assertions are about what the database holds afterwards.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter

import httpx
import pytest
from sqlalchemy import create_engine, select

from assessor.data.models import Answer, Assessment
from assessor.domain.scoring import NA
from assessor.services import assessments
from assessor.web.quiz.forms import value_key

from .respondents import Respondent, Tally, run_all
from .server import Gunicorn

RESPONDENTS = int(os.environ.get("LOAD_RESPONDENTS", "100"))
#: A bound on each phase, so that a stuck server fails the test instead of hanging CI.
PHASE_TIMEOUT = 600
#: The share of all pages acknowledged before the crash test pulls the plug.
CRASH_AFTER = 0.4


@pytest.fixture
def server(app, database_url, tmp_path):
    """Gunicorn (2 workers, CSRF on, production settings) on the test's migrated database."""
    with Gunicorn(database_url, tmp_path) as running:
        yield running


def saved(database_url: str) -> tuple[dict[str, dict[str, str]], Counter]:
    """Each assessment's saved answers (as form values), and each (token, question)'s count."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tokens = connection.execute(select(Assessment.token)).scalars().all()
            rows = connection.execute(
                select(Assessment.token, Answer.question_id, Answer.value).join(
                    Answer, Answer.assessment_id == Assessment.id
                )
            ).all()
    finally:
        engine.dispose()
    answers: dict[str, dict[str, str]] = {token: {} for token in tokens}
    for token, question_id, value in rows:
        answers[token][question_id] = value_key(NA if value is None else value)
    return answers, Counter((token, question_id) for token, question_id, _ in rows)


def assert_no_token_logged(server: Gunicorn, respondents: list[Respondent]) -> None:
    log = server.log()
    assert '"path": "/a/<redacted>/step/' in log  # the request log was there, and redacted
    leaked = [r.token for r in respondents if r.token and r.token in log]
    assert not leaked, f"{len(leaked)} resume tokens in the server log"


def test_many_respondents_at_once_lose_and_duplicate_nothing(server, database_url):
    tally = Tally()
    respondents = [Respondent(seed=n, tally=tally) for n in range(RESPONDENTS)]

    asyncio.run(run_all(respondents, server.url, PHASE_TIMEOUT))

    assert tally.transport_errors == 0
    assert not {code: n for code, n in tally.statuses.items() if code >= 500}
    assert all(r.finished for r in respondents)
    answers, occurrences = saved(database_url)
    assert set(answers) == {r.token for r in respondents}  # one assessment each, no more
    for respondent in respondents:
        assert answers[respondent.token] == respondent.acknowledged
    assert max(occurrences.values()) == 1
    assert sum(occurrences.values()) == sum(len(r.acknowledged) for r in respondents)
    assert_no_token_logged(server, respondents)


def test_a_killed_server_loses_no_acknowledged_answer_and_every_assessment_resumes(
    server, database_url, app
):
    bank = app.extensions["assessor.domain.bank"]
    tally = Tally()
    respondents = [Respondent(seed=1000 + n, tally=tally) for n in range(RESPONDENTS)]
    total_pages = RESPONDENTS * len(bank.dimensions)

    async def load_then_kill() -> None:
        load = asyncio.gather(*(r.run(server.url) for r in respondents))
        async with asyncio.timeout(PHASE_TIMEOUT):
            while tally.acknowledged_pages < total_pages * CRASH_AFTER and not load.done():
                await asyncio.sleep(0.02)
            await asyncio.to_thread(server.kill)
            await load

    asyncio.run(load_then_kill())
    assert tally.transport_errors > 0, "the server was killed after the load had finished"
    assert not all(r.finished for r in respondents)

    server.start()
    answers, occurrences = saved(database_url)
    assert max(occurrences.values(), default=1) == 1
    for respondent in respondents:
        if respondent.token is None:
            continue
        stored = answers.pop(respondent.token)
        # Every acknowledged answer survived, and nothing but what was sent is there.
        assert stored.items() >= respondent.acknowledged.items()
        assert stored.items() <= {**respondent.acknowledged, **respondent.in_doubt}.items()
        # A page sent as the server died was either saved whole or not at all; if saved,
        # the respondent will find it answered, so it counts as theirs from now on.
        if respondent.in_doubt and stored.keys() >= respondent.in_doubt.keys():
            respondent.acknowledged.update(respondent.in_doubt)
        respondent.in_doubt = {}
    # Assessments started as the server died, whose link never reached anyone: empty.
    assert not any(answers.values())

    async def resume_everyone() -> None:
        for respondent in respondents:
            if respondent.token is None:
                continue
            async with httpx.AsyncClient(base_url=server.url) as browser:
                response = await browser.get(f"/a/{respondent.token}")
            assert response.status_code == 302
            step = assessments.first_open_step(bank, respondent.acknowledged)
            expected = "/review" if step is None else f"/step/{step}"
            assert response.headers["location"].endswith(f"/a/{respondent.token}{expected}")
        await run_all(respondents, server.url, PHASE_TIMEOUT)

    asyncio.run(resume_everyone())

    assert all(r.finished for r in respondents)
    assert not {code: n for code, n in tally.statuses.items() if code >= 500}
    answers, occurrences = saved(database_url)
    for respondent in respondents:
        assert answers[respondent.token] == respondent.acknowledged
        assert len(respondent.acknowledged) == len(bank.questions)
    assert max(occurrences.values()) == 1
    assert_no_token_logged(server, respondents)
