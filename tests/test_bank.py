"""The question bank loader: every rejection rule, with its exact message."""

from __future__ import annotations

import pytest

from assessor.domain.bank import BankError, load_bank, localize

from .conftest import MINI_BANK

TEXT = MINI_BANK.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """Return the 1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def errors_for(text: str) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank("bank.yaml", text=text)
    return info.value.errors


def replace_once(old: str, new: str, occurrence: int = 1) -> str:
    parts = TEXT.split(old)
    assert len(parts) > occurrence, f"{old!r} occurs fewer than {occurrence} times"
    return old.join(parts[:occurrence]) + new + old.join(parts[occurrence:])


def test_mini_bank_loads_with_hash(mini_bank):
    assert [d.id for d in mini_bank.dimensions] == ["alpha", "beta"]
    assert len(mini_bank.questions) == 4
    assert len(mini_bank.content_hash) == 64
    assert mini_bank.dimension_of["beta.two"].id == "beta"


def test_hash_changes_with_content():
    changed = load_bank("bank.yaml", text=TEXT.replace("why a", "why A"))
    assert changed.content_hash != load_bank(MINI_BANK).content_hash


def test_localize_falls_back_to_english():
    assert localize({"en": "Hello", "fr": "Bonjour"}, "fr") == "Bonjour"
    assert localize({"en": "Hello"}, "pl") == "Hello"


@pytest.mark.parametrize(
    ("old", "new", "occurrence", "needle", "expected"),
    [
        pytest.param(
            '    why: {en: "why a", fr: "pourquoi a"}',
            '    why: {en: "why a", fr: "pourquoi a"}\n    colour: red',
            1,
            "colour: red",
            "dimensions[0].colour: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            "        sources: [guide-a, guide-b]\n",
            "",
            1,
            "- id: alpha.two",
            "dimensions[0].questions[1].sources: missing required key",
            id="missing-key",
        ),
        pytest.param(
            'why: {en: "why b", fr: "pourquoi b"}',
            'why: {en: "why b"}',
            1,
            "why b",
            "dimensions[1].why: missing translation for fr",
            id="missing-translation",
        ),
        pytest.param(
            "  - id: beta\n",
            "  - id: alpha\n",
            1,
            "id: alpha#4",
            "dimensions[1].id: duplicate dimension id 'alpha'",
            id="duplicate-dimension",
        ),
        pytest.param(
            "      - id: alpha.two",
            "      - id: alpha.one",
            1,
            "- id: alpha.one#2",
            "dimensions[0].questions[1].id: duplicate question id 'alpha.one'",
            id="duplicate-question",
        ),
        pytest.param(
            "  - {id: guide-b,",
            "  - {id: guide-a,",
            1,
            "{id: guide-a#2",
            "sources[1].id: duplicate source id 'guide-a'",
            id="duplicate-source",
        ),
        pytest.param(
            '{value: 0.25, effort: low, text: {en: "o1"',
            '{value: 0.75, effort: low, text: {en: "o1"',
            1,
            "options:",
            "dimensions[0].questions[0].options: "
            "option values must be 0, 0.25, 0.5, 0.75, 1 in order, found 0, 0.75, 0.5, 0.75, 1",
            id="values-out-of-order",
        ),
        pytest.param(
            '{value: 1, text: {en: "o4"',
            '{value: 1.5, text: {en: "o4"',
            1,
            "{value: 1.5",
            "dimensions[0].questions[0].options[4].value: 1.5 is outside the allowed range",
            id="value-outside-0-1",
        ),
        pytest.param(
            "        weight: 3.0",
            "        weight: -1",
            1,
            "weight: -1",
            "dimensions[0].questions[1].weight: must be greater than 0, found -1",
            id="non-positive-weight",
        ),
        pytest.param(
            "    sources: [guide-b]\n",
            "    sources: [guide-z]\n",
            1,
            "[guide-z]",
            "dimensions[1].sources[0]: unknown source 'guide-z'",
            id="unknown-source",
        ),
        pytest.param(
            "{id: absent, min_score: 0,",
            "{id: absent, min_score: 10,",
            1,
            "id: absent",
            "stages[0].min_score: stages must cover 0-100: the first stage starts at 10, not 0",
            id="stages-do-not-start-at-0",
        ),
        pytest.param(
            "{id: managed, min_score: 60,",
            "{id: managed, min_score: 30,",
            1,
            "id: managed",
            "stages[3].min_score: stages must be in increasing order of min_score: 30 after 40",
            id="stages-out-of-order",
        ),
        pytest.param(
            '          - {value: 0.75, effort: low, text: {en: "o3", fr: "o3"}, '
            'next_step: {en: "beta.two step 3", fr: "s3"}}\n',
            "",
            1,
            "options:#4",
            "dimensions[1].questions[1].options: expected 5 options, found 4",
            id="four-options",
        ),
        pytest.param(
            '        help: {en: "h", fr: "h"}\n        weight: 3.0',
            "        help: No\n        weight: 3.0",
            1,
            "help: No",
            "dimensions[0].questions[1].help: expected a mapping, found the boolean false",
            id="unquoted-no",
        ),
        pytest.param(
            'version: "test.1"',
            "version: 2026.1",
            1,
            "version:",
            "version: expected text, found 2026.1 (quote it)",
            id="unquoted-version",
        ),
        pytest.param(
            '{value: 0.5, effort: low, text: {en: "o2", fr: "o2"}, '
            'next_step: {en: "alpha.one step 2", fr: "s2"}}',
            '{value: 0.5, effort: low, text: {en: "o2", fr: "o2"}}',
            1,
            "options:",
            "dimensions[0].questions[0].options: option 2 (value 0.5) has no next_step",
            id="missing-next-step",
        ),
        pytest.param(
            "{value: 0.5, effort: low,",
            "{value: 0.5, effort: trivial,",
            1,
            "effort: trivial",
            "dimensions[0].questions[0].options[2].effort: expected one of 'low', 'medium' or "
            "'high', found 'trivial'",
            id="bad-effort",
        ),
    ],
)
def test_rejects_with_file_line_and_path(old, new, occurrence, needle, expected):
    text = replace_once(old, new, occurrence)
    errors = errors_for(text)
    needle, _, nth = needle.partition("#")
    line = line_of(text, needle, int(nth or 1))
    assert f"bank.yaml:{line}: {expected}" in errors, errors


def test_empty_dimension():
    start = TEXT.index("    questions:\n      - id: beta.one")
    text = TEXT[:start] + "    questions: []\n"
    errors = errors_for(text)
    line = line_of(text, "questions: []")
    assert (
        f"bank.yaml:{line}: dimensions[1].questions: a dimension needs at least one question"
        in errors
    )


def test_yaml_syntax_error():
    text = TEXT.replace("  - id: beta\n", "  - id: beta\n   bad: [unclosed\n")
    errors = errors_for(text)
    assert len(errors) == 1
    assert errors[0].startswith("bank.yaml:")
    assert "YAML syntax error" in errors[0]


def test_yaml_tags_are_refused():
    text = TEXT.replace('version: "test.1"', "version: !!python/object/apply:os.system ['true']")
    errors = errors_for(text)
    assert len(errors) == 1
    assert errors[0].startswith(f"bank.yaml:{line_of(text, 'version:')}: YAML syntax error")


def test_aliases_are_refused():
    laughs = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b]\n'
    assert errors_for(laughs) == ["bank.yaml:1: YAML anchors and aliases are not allowed"]


def test_collects_every_error_in_one_pass():
    text = replace_once("        weight: 3.0", "        weight: 0")
    text = text.replace("    sources: [guide-b]\n", "    sources: [nowhere]\n")
    text = text.replace('why: {en: "why a", fr: "pourquoi a"}', 'why: {en: "why a"}')
    errors = errors_for(text)
    assert any("questions[1].weight: must be greater than 0" in e for e in errors)
    assert any("unknown source 'nowhere'" in e for e in errors)
    assert any("dimensions[0].why: missing translation for fr" in e for e in errors)
    # Reported in file order, so an editor can work down the list.
    lines = [int(e.split(":")[1]) for e in errors]
    assert lines == sorted(lines)


def test_unreadable_file(tmp_path):
    with pytest.raises(BankError) as info:
        load_bank(tmp_path / "missing.yaml")
    assert info.value.errors[0].endswith(":1: cannot read file: No such file or directory")


def test_not_a_mapping():
    assert errors_for("- just\n- a list\n") == [
        "bank.yaml:1: expected a mapping with version, stages, dimensions, …"
    ]
