"""Peer benchmark: quartiles on hand-computed data, and the minimum-group rule."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessor.domain import peers as peer_comparison
from assessor.domain.scoring import score
from assessor.services import assessments

from .web import answer_all, new_assessment, new_client, sign_in, start


def all_answers(bank, value):
    return score(bank, {q: value for q in bank.questions})


def test_needs_at_least_five_other_banks(mini_bank):
    own = all_answers(mini_bank, 0.5)
    four = [all_answers(mini_bank, v) for v in (0, 0.25, 0.75, 1)]
    assert peer_comparison.compare_with_peers(own, four) is None
    five = four + [all_answers(mini_bank, 0.5)]
    assert peer_comparison.compare_with_peers(own, five) is not None


def test_quartiles_and_position(mini_bank):
    own = all_answers(mini_bank, 0.75)
    peers = [all_answers(mini_bank, v) for v in (0, 0.25, 0.5, 0.75, 1)]
    result = peer_comparison.compare_with_peers(own, peers)
    alpha = result.positions[0]
    # peer scores 0, 25, 50, 75, 100: quartiles 25 / 50 / 75; 3 of 5 peers are below 75
    assert (alpha.p25, alpha.median, alpha.p75) == (25, 50, 75)
    assert alpha.below == pytest.approx(0.6)
    assert result.overall_median == 50
    assert result.peers == 5


def test_group_is_same_type_and_country_and_counts_each_client_once(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    peers = []
    for n in range(5):
        client_id = new_client(client, f"Peer {n}", country="PL", bank_type="cooperative")
        _, token = new_assessment(client, client_id)
        answer_all(client, bank, token, "0.5")
        peers.append(client_id)
    # A second assessment of the same peer counts once; another type or country not at all.
    _, token = new_assessment(client, peers[0])
    answer_all(client, bank, token, "1")
    other = new_client(client, "Retail", country="PL", bank_type="retail")
    _, token = new_assessment(client, other)
    answer_all(client, bank, token, "1")
    own = start(client, "Own bank", country="PL", bank_type="cooperative")
    html = client.get(f"/a/{own}/results?lang=en").get_data(as_text=True)
    assert "Compared with 5 other banks" in html
    with app.app_context():
        found = assessments.peer_benchmark(bank, assessments.by_token(own))
    assert found.peers == 5
    # peers: four at 50 and one at 100 (its latest assessment)
    assert found.positions[0].median == 50
    pdf = PdfReader(io.BytesIO(client.get(f"/a/{own}/report.pdf?lang=en").data))
    assert "Compared with 5 other banks" in " ".join(
        " ".join(page.extract_text().split()) for page in pdf.pages
    )


def test_not_shown_for_a_small_group(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    for n in range(4):
        token = start(client, f"Peer {n}", country="IT", bank_type="savings")
        answer_all(client, bank, token, "0.5")
    own = start(client, "Own bank", country="IT", bank_type="savings")
    html = client.get(f"/a/{own}/results?lang=en").get_data(as_text=True)
    assert "Compared with similar banks" not in html


def test_peer_scores_are_safe_to_read_and_write_from_many_threads(app, monkeypatch):
    """Server threads share the peer-score cache: reads, writes and evictions may interleave."""
    import threading

    from assessor.data.database import db

    monkeypatch.setattr(assessments, "_PEER_SCORES", type(assessments._PEER_SCORES)(maxsize=50))
    bank = app.extensions["assessor.domain.bank"]
    errors = []

    def work(offset: int) -> None:
        try:
            with app.app_context():
                for round_ in range(40):
                    keys = {
                        n: (n, f"{round_ % 3}", bank.content_hash)
                        for n in range(offset, offset + 30)
                    }
                    scores = assessments._peer_scores(bank, keys)
                    assert len(scores) == len(keys)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - any failure in a thread fails the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(assessments._PEER_SCORES) <= 50
