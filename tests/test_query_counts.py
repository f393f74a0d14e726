"""The dashboard and the results page run as many queries for 3 clients or peers as for 20."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from assessor.data.database import db
from assessor.services import assessments, clients

from .web import page_data, sign_in, start

DATA_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def counting(app):
    """Collect the SQL statements that read or write data (not BEGIN/COMMIT)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in DATA_STATEMENTS:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries(app, client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm: sessions, caches, first connections
    with counting(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def add_clients(app, consultant_id: int, count: int, start: int = 0, **fields) -> list[str]:
    """``count`` clients with two completed assessments each; return the latest tokens."""
    bank = app.extensions["assessor.domain.bank"]
    tokens = []
    with app.app_context():
        for n in range(start, start + count):
            client = clients.create_client(
                consultant_id, name=f"Bank {n:03}", report_language="en", **fields
            )
            for value in (0.25, 0.75):
                assessment = clients.start_assessment(bank, client)
                assessments.save_answers(assessment.token, dict.fromkeys(bank.questions, value))
            tokens.append(assessment.token)
    return tokens


def test_dashboard_queries_do_not_grow_with_the_clients(app, client, consultants):
    add_clients(app, consultants[0], 3)
    sign_in(client)
    few = queries(app, client, "/workspace/")
    add_clients(app, consultants[0], 17, start=3)
    assert queries(app, client, "/workspace/") == few
    assert few <= 6  # user, count, clients, latest two, their answers, their notes at most


def test_results_queries_do_not_grow_with_the_peer_group(app, client, consultants):
    group = {"country": "PL", "bank_type": "cooperative"}
    [own] = add_clients(app, consultants[0], 1, **group)
    add_clients(app, consultants[1], 5, start=100, **group)
    sign_in(client)
    path = f"/a/{own}/results?lang=en"
    assert "Compared with 5 other banks" in client.get(path).get_data(as_text=True)
    warm = queries(app, client, path)
    assessments._PEER_SCORES.clear()
    with counting(app) as cold:
        client.get(path)

    add_clients(app, consultants[1], 15, start=200, **group)
    assert "Compared with 20 other banks" in client.get(path).get_data(as_text=True)
    assert queries(app, client, path) == warm
    assessments._PEER_SCORES.clear()
    with counting(app) as cold_again:
        client.get(path)
    # Cold, the peers' answers take one more query, whatever the number of peers.
    assert len(cold_again) == len(cold) == warm + 1


def test_step_page_reads_its_assessment_and_answers_in_one_query(app, client):
    bank = app.extensions["assessor.domain.bank"]
    token = start(client)
    dimension = bank.dimensions[2]
    assert client.post(f"/a/{token}/step/3", data=page_data(dimension, "1")).status_code == 302
    assert queries(app, client, f"/a/{token}/step/3") == 1


def test_saving_a_page_is_one_lookup_and_two_writes(app, client):
    bank = app.extensions["assessor.domain.bank"]
    token = start(client)
    path, data = f"/a/{token}/step/3", page_data(bank.dimensions[2], "0.5")
    client.post(path, data=data)
    with counting(app) as statements:
        assert client.post(path, data=data).status_code == 302
    # In one write transaction: the assessment's id; the answers (one upsert); its date.
    assert [s.split(None, 1)[0].upper() for s in statements] == ["SELECT", "INSERT", "UPDATE"]
