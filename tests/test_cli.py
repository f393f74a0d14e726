"""The command line: `assessor validate` and `assessor score`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assessor.cli import main

from .conftest import MINI_BANK

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "answers.yaml"


def test_validate_accepts_the_shipped_bank(shipped_bank):
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0
    assert result.output.startswith(
        f"valid: {len(shipped_bank.dimensions)} dimensions, {len(shipped_bank.questions)} "
        "questions, 5 languages (en, fr, nl, it, pl), version "
    )


def test_validate_lists_every_error_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = MINI_BANK.read_text(encoding="utf-8")
    text = text.replace("weight: 3.0", "weight: 0").replace("[guide-b]\n", "[nowhere]\n", 1)
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert any(
        ": dimensions[0].questions[1].weight: must be greater than 0, found 0" in x for x in lines
    )
    assert any("unknown source 'nowhere'" in x for x in lines)
    assert lines[-1] == f"{len(lines) - 1} error(s): the question bank is invalid."
    assert "Traceback" not in result.output


def test_validate_a_missing_file_is_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read file" in result.output


# `assessor score`


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINI_ANSWERS = """bank:
  name: Mini
answers:
  alpha.one: 1
  alpha.two: 0
  beta.one: na
  beta.two: 0.75
"""


def test_score_prints_score_stage_areas_and_caps(tmp_path):
    answers = write(tmp_path, "a.yaml", MINI_ANSWERS)
    result = CliRunner().invoke(main, ["score", str(answers), "--bank", str(MINI_BANK)])
    assert result.exit_code == 0, result.output
    # alpha = 25, beta = 75 (beta.one N/A); overall 41.67, shown rounded down; "engaged"
    # by the score, held at "present" by the critical alpha.two at 0.
    assert result.output.splitlines() == [
        "score: 41 / 100",
        "stage: present (2 of 5)",
        "dimensions:",
        "  alpha: 25, present",
        "  beta: 75, managed",
        "caps (the score alone would reach engaged):",
        "  critical: at most present (2 of 5): alpha.two scored 0 or unanswered",
    ]


def test_score_json_shape(tmp_path):
    answers = write(tmp_path, "a.yaml", MINI_ANSWERS)
    result = CliRunner().invoke(main, ["score", str(answers), "--json", "--bank", str(MINI_BANK)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "score": 41,
        "stage": "present",
        "caps": [
            {
                "kind": "critical",
                "stage": "present",
                "stage_number": 2,
                "questions": ["alpha.two"],
                "dimensions": [],
            }
        ],
        "dimensions": [
            {"id": "alpha", "score": 25, "stage": "present"},
            {"id": "beta", "score": 75, "stage": "managed"},
        ],
    }


def test_score_json_names_the_gating_area_that_caps(tmp_path):
    text = MINI_BANK.read_text(encoding="utf-8")
    alpha = "weight: 2.0\n    sources: [guide-a]\n"
    bank = write(tmp_path, "bank.yaml", text.replace(alpha, "gating: true\n    " + alpha))

    def caps(answers):
        path = write(tmp_path, "a.yaml", f"bank: {{name: Mini}}\nanswers: {answers}\n")
        result = CliRunner().invoke(main, ["score", str(path), "--json", "--bank", str(bank)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        return data["stage"], data["caps"]

    # alpha = 100 × 0.75 / 4 = 18.75 ("absent"), beta = 100: overall 45.8 ("engaged");
    # alpha gates at "present".
    assert caps("{alpha.one: 0, alpha.two: 0.25, beta.one: na, beta.two: 1}") == (
        "present",
        [
            {
                "kind": "gating",
                "stage": "present",
                "stage_number": 2,
                "questions": [],
                "dimensions": ["alpha"],
            }
        ],
    )
    # alpha = 43.75 ("engaged"): it gates at "managed", which the score 62.5 reaches anyway.
    assert caps("{alpha.one: 0.25, alpha.two: 0.5, beta.one: na, beta.two: 1}") == ("managed", [])


def test_score_a_malformed_answers_file_names_file_line_and_field_and_exits_2(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path, "bad.yaml", "bank:\n  name: X\nanswers:\n  naming.handle: 0.3\n  naming.nope: 1\n"
    )
    result = CliRunner().invoke(main, ["score", "bad.yaml", "--json"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert (
        "bad.yaml:4: answers.naming.handle: 0.3 is not one of 0, 0.25, 0.5, 0.75, 1 or 'na'"
        in lines
    )
    assert "bad.yaml:5: answers.naming.nope: unknown question id" in lines
    assert lines[-1] == "2 error(s): nothing was scored."
    assert "Traceback" not in result.output and "{" not in result.output


def test_score_a_missing_file_is_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["score", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read file" in result.output
    assert "Traceback" not in result.output


def test_score_of_the_example_matches_the_report(shipped_bank):
    from assessor.domain.answersfile import load_answers

    expected = load_answers(EXAMPLE, shipped_bank).result
    result = CliRunner().invoke(main, ["score", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] == expected.points
    assert data["stage"] == expected.stage.id
    assert [d["id"] for d in data["dimensions"]] == [d.id for d in shipped_bank.dimensions]
    assert [c["kind"] for c in data["caps"]] == [c.kind for c in expected.caps]
