"""The command line: `assessor validate`."""

from __future__ import annotations

from click.testing import CliRunner

from assessor.cli import main

from .conftest import MINI_BANK


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
