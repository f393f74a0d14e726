"""`assessor report`: one answers file, a batch, and every kind of bad answers file."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from assessor.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "answers.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_renders_the_example(tmp_path):
    out = tmp_path / "report.pdf"
    result = run("report", EXAMPLE, "-o", out, "--lang", "fr")
    assert result.exit_code == 0, result.output
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "Bank Spółdzielczy w Żółkiewce" in text
    assert "Pologne" in text  # the country, in French


def test_html_option_writes_the_html_that_would_be_printed(tmp_path):
    out = tmp_path / "report.html"
    assert run("report", EXAMPLE, "-o", out, "--html").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert '<html lang="pl">' in html


def test_batch_renders_every_file_in_parallel(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for n in range(3):
        text = EXAMPLE.read_text(encoding="utf-8").replace("Żółkiewce", f"Żółkiewce {n}")
        (source / f"bank{n}.yaml").write_text(text, encoding="utf-8")
    (source / "notes.txt").write_text("not an answers file")
    result = run("report", "--batch", source, "-o", tmp_path / "out", "--jobs", "2")
    assert result.exit_code == 0, result.output
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert outputs == ["bank0.pdf", "bank1.pdf", "bank2.pdf"]
    text = " ".join(PdfReader(tmp_path / "out" / "bank2.pdf").pages[0].extract_text().split())
    assert "Żółkiewce 2" in text


def test_each_report_of_a_batch_gets_a_fresh_process(tmp_path):
    from assessor.pdf import batch

    jobs = [batch.Job(answers=EXAMPLE, output=tmp_path / f"{n}.html", html=True) for n in range(5)]
    outcomes = list(batch.render_many(jobs, workers=1))
    assert all(o.ok for o in outcomes) and len(outcomes) == 5
    assert len({o.worker for o in outcomes}) == 5
    assert os.getpid() not in {o.worker for o in outcomes}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}.html" for n in range(5)]


def test_batch_reports_bad_files_and_renders_the_good_ones(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(EXAMPLE, source / "good.yaml")
    (source / "bad.yaml").write_text("bank: {name: X}\nanswers: {naming.nope: 1}\n")
    result = run("report", "--batch", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{source / 'bad.yaml'}:2: answers.naming.nope: unknown question id" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.pdf"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bank:\n  name: X\nanswers:\n  naming.handel: 1\n",
            "bad.yaml:4: answers.naming.handel: unknown question id",
        ),
        (
            "bank:\n  name: X\nanswers:\n  naming.handle: 0.3\n",
            "bad.yaml:4: answers.naming.handle: 0.3 is not one of 0, 0.25, 0.5, 0.75, 1 or 'na'",
        ),
        (
            "bank:\n  name: X\nanswers:\n  naming.handle: na\n",
            "bad.yaml:4: answers.naming.handle: 'not applicable' is not allowed for this question",
        ),
        ("bank:\n  country: PL\nanswers: {}\n", "bad.yaml:1: bank.name: missing the bank's name"),
        ("bank:\n  name: X\n  colour: red\n", "bad.yaml:3: bank.colour: unknown key"),
        (
            "bank:\n  name: X\nlanguage: de\n",
            "bad.yaml:3: language: expected one of en, fr, nl, it, pl",
        ),
        ("bank: {name: X\nanswers: [\n", "bad.yaml:2: YAML syntax error"),
        ("bank: !!python/object/apply:os.system [true]\n", "bad.yaml:1: YAML syntax error"),
    ],
)
def test_bad_answers_file_names_file_line_and_field_and_writes_nothing(
    tmp_path, monkeypatch, text, expected
):
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(text, encoding="utf-8")
    result = run("report", "bad.yaml", "-o", "out.pdf")
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not Path("out.pdf").exists()
    assert list(Path().glob(".*.part")) == []


def test_a_render_past_its_time_limit_is_stopped_and_reported(tmp_path):
    from assessor.pdf import batch

    # A whole report takes seconds: a limit of 0.05 s stops it in the middle.
    job = batch.Job(answers=EXAMPLE, output=tmp_path / "slow.pdf", timeout=0.05)
    outcome = batch.render(job)
    assert not outcome.ok
    assert outcome.errors == (f"{EXAMPLE}: stopped after 0.05 s",)
    assert not (tmp_path / "slow.pdf").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_render_with_a_time_limit_works_from_any_thread(tmp_path):
    """Web workers render from threads: the limit must not depend on signals."""
    from concurrent.futures import ThreadPoolExecutor

    from assessor.pdf import batch

    job = batch.Job(answers=EXAMPLE, output=tmp_path / "r.html", html=True, timeout=60)
    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(batch.render, job).result()
    assert outcome.ok, outcome.errors
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_needs_exactly_one_source(tmp_path):
    result = run("report", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    assert "give either an ANSWERS file or --batch DIR" in result.output
