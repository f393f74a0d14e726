"""Exports: CSV rows and formula neutralising, JSON that round-trips into `assessor report`, ZIP."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from click.testing import CliRunner
from pypdf import PdfReader

from assessor.cli import main
from assessor.services.exports import neutralise

from .web import PASSWORD, answer_all, new_assessment, new_client, sign_in


def test_neutralise_formula_cells():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("Bank") == "Bank"
    assert neutralise(0.5) == 0.5


def setup_two_clients(client, app):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    first = new_client(client, '=HYPERLINK("http://evil.example","x")')
    second = new_client(client, "Bank Spółdzielczy w Żółkiewce")
    _, token = new_assessment(client, first)
    answer_all(client, bank, token, "0.5")
    _, token = new_assessment(client, second)
    answer_all(client, bank, token, "0.75")
    return bank, first, second


def test_csv_has_one_row_per_answer_and_no_live_formulas(client, app, consultants):
    bank, first, _second = setup_two_clients(client, app)
    response = client.get("/workspace/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2 * len(bank.questions)
    evil = [r for r in rows if "HYPERLINK" in r["client"]]
    assert evil and all(r["client"].startswith("'=") and r["bank"].startswith("'=") for r in evil)
    row = next(r for r in rows if r["bank"] == "Bank Spółdzielczy w Żółkiewce")
    assert row["value"] == "0.75" and row["overall_score"] == "75.0"
    assert row["bank_version"] == bank.version
    assert {r["question_id"] for r in rows} == set(bank.questions)
    only_first = client.post("/workspace/export.csv", data={"client": str(first)})
    assert len(list(csv.DictReader(io.StringIO(only_first.get_data(as_text=True))))) == len(
        bank.questions
    )


def test_json_round_trips_into_the_report_command(client, app, consultants, tmp_path):
    setup_two_clients(client, app)
    documents = json.loads(client.get("/workspace/export.json").data)
    assert len(documents) == 2
    document = next(d for d in documents if d["bank"]["name"].startswith("Bank"))
    assert document["meta"]["overall_score"] == 75.0
    answers_file = tmp_path / "from-json.yaml"
    answers_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(answers_file), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    text = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "Bank Spółdzielczy w Żółkiewce" in " ".join(text.split())


def test_zip_of_selected_clients_reports(client, app, consultants):
    bank, first, second = setup_two_clients(client, app)
    _, token = new_assessment(client, second)  # a second round: its report shows progress
    answer_all(client, bank, token, "1")
    response = client.post("/workspace/export.zip", data={"client": [str(first), str(second)]})
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith("-it.pdf") for n in names)
    texts = {}
    for name in names:
        reader = PdfReader(io.BytesIO(archive.read(name)))
        texts[name] = " ".join(" ".join(p.extract_text() for p in reader.pages[:6]).split())
    # Italian reports; only the client assessed twice has a progress section (75 → 100).
    progress = [name for name, text in texts.items() if "Progressi dal" in text]
    assert len(progress) == 1 and progress[0].startswith("bank-spoldzielczy")
    assert "75 → 100" in texts[progress[0]]
    # The same PDFs come out of the cache the second time, byte for byte.
    again = zipfile.ZipFile(io.BytesIO(client.post("/workspace/export.zip").data))
    assert sorted(again.namelist()) == names
    assert all(again.read(n) == archive.read(n) for n in names)


def test_exports_never_include_another_consultants_clients(client, app, consultants):
    _bank, first, _second = setup_two_clients(client, app)
    other = app.test_client()
    sign_in(other, "b@firm.example")
    assert (
        other.post("/workspace/export.csv", data={"client": str(first)})
        .get_data(as_text=True)
        .count("\n")
        == 1
    )
    assert json.loads(other.get("/workspace/export.json").data) == []
    assert other.post("/workspace/export.zip", data={"client": str(first)}).status_code == 302


def test_zip_export_through_a_threaded_server_is_a_valid_zip(client, app, consultants):
    """Served from a request thread, not the main one: no render may rely on signals."""
    import threading

    import httpx
    from werkzeug.serving import make_server

    _bank, first, _second = setup_two_clients(client, app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=120) as browser:
            login = {"email": "a@firm.example", "password": PASSWORD}
            assert browser.post("/login", data=login).status_code == 302
            response = browser.post("/workspace/export.zip", data={"client": str(first)})
    finally:
        server.shutdown()
        thread.join()
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    (name,) = archive.namelist()
    assert PdfReader(io.BytesIO(archive.read(name))).pages


def test_a_failed_zip_export_leaves_no_work_folder(client, app, consultants, tmp_path, monkeypatch):
    import tempfile

    from assessor.pdf import batch

    _bank, first, second = setup_two_clients(client, app)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(batch, "render", lambda job: batch.Outcome(job, False, ("broken",)))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/workspace/export.zip", data={"client": str(first)})
    assert response.status_code == 500
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("assessor-zip-")]
