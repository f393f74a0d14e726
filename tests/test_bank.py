"""The question bank loader: every rejection rule, with its exact message."""

from __future__ import annotations

import pytest

from assessor.domain.bank import _NA_PATTERNS, NA_WORDING, BankError, load_bank, localize

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
            "dimensions[0].questions[1].sources: missing required key: "
            "a question needs at least one source id",
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
        pytest.param(
            '{value: 0, effort: low, text: {en: "o0", fr: "o0"}',
            '{value: 0, effort: low, text: {en: "o0", fr: "' + "x" * 186 + '"}',
            1,
            "{value: 0, effort: low",
            "dimensions[0].questions[0].options[0].text.fr: "
            "option text in fr is 186 characters, over the 185 allowed",
            id="option-too-long-fr",
        ),
        pytest.param(
            '{value: 1, text: {en: "o4"',
            '{value: 1, text: {en: "' + "y" * 200 + '"',
            1,
            "{value: 1, text:",
            "dimensions[0].questions[0].options[4].text.en: "
            "option text in en is 200 characters, over the 185 allowed",
            id="option-too-long-en",
        ),
        pytest.param(
            "        sources: [guide-a]\n",
            "        sources: []\n",
            1,
            "sources: []",
            "dimensions[0].questions[0].sources: a question needs at least one source id",
            id="question-without-source",
        ),
        pytest.param(
            'publisher: "Pub", undated: true, language: fr}',
            'publisher: "Pub", language: fr}',
            1,
            "{id: guide-b",
            "sources[1]: needs a year, or undated: true if the text carries no date",
            id="source-neither-year-nor-undated",
        ),
        pytest.param(
            'publisher: "Pub", undated: true, language: fr}',
            'publisher: "Pub", undated: false, language: fr}',
            1,
            "{id: guide-b",
            "sources[1]: needs a year, or undated: true if the text carries no date",
            id="source-undated-false-without-year",
        ),
        pytest.param(
            'publisher: "Pub", year: 2011, language: en}',
            'publisher: "Pub", year: 2011, undated: true, language: en}',
            1,
            "{id: guide-a",
            "sources[0].undated: has both a year and undated: true; keep one",
            id="source-both-year-and-undated",
        ),
        pytest.param(
            "        critical: true\n        allow_na: false\n",
            "        critical: true\n        allow_na: true\n",
            1,
            "allow_na: true",
            'dimensions[0].questions[1].allow_na: a critical question cannot allow "not '
            'applicable": its absence is the risk',
            id="critical-allows-na",
        ),
        pytest.param(
            'help: {en: "h", fr: "h"}',
            'help: {en: "Choose not applicable if the bank has no such channel.", fr: "h"}',
            1,
            "Choose not applicable",
            'dimensions[0].questions[0].help.en: help offers "not applicable" '
            "('not applicable') but the question does not set allow_na: true",
            id="help-offers-na-en",
        ),
        pytest.param(
            'help: {en: "h", fr: "h"}',
            'help: {en: "h", fr: "Choisissez « Sans objet » si la banque n\'a pas ce canal."}',
            1,
            "Sans objet",
            'dimensions[0].questions[0].help.fr: help offers "not applicable" '
            "('Sans objet') but the question does not set allow_na: true",
            id="help-offers-na-fr",
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


def test_option_of_exactly_185_characters_is_accepted():
    text = replace_once(
        '{value: 0, effort: low, text: {en: "o0"',
        '{value: 0, effort: low, text: {en: "' + "z" * 185 + '"',
    )
    assert load_bank("bank.yaml", text=text).questions["alpha.one"].options[0].text["en"]


def test_help_may_offer_na_where_the_question_allows_it():
    # beta.one sets allow_na: true, so its help may say when "not applicable" is honest.
    tail = "\n        weight: 1.0\n        critical: false\n        allow_na: true"
    text = TEXT.replace(
        'help: {en: "h", fr: "h"}' + tail,
        'help: {en: "Not applicable if the bank has none.", fr: "Sans objet si elle n\'en a pas."}'
        + tail,
    )
    assert text != TEXT
    assert load_bank("bank.yaml", text=text).questions["beta.one"].allow_na


@pytest.mark.parametrize(
    ("lang", "help_text", "offers_na"),
    [
        ("en", "Choose “not applicable” if the bank has no such service.", True),
        ("en", "Answer N/A where the bank has none.", True),
        ("en", "List the applicable rules and check each one.", False),
        ("fr", "Choisissez « sans objet » si la banque n'a pas ce service.", True),
        ("fr", "Recensez les règles applicables.", False),
        ("nl", 'Kies "niet van toepassing" als de bank geen kanaal heeft.', True),
        ("nl", "Zet de toepasselijke regels op een rij.", False),
        ("it", "Scelga «non applicabile» se la banca non offre il servizio.", True),
        ("it", "Elenchi le norme applicabili.", False),
        ("pl", "Należy wybrać „nie dotyczy”, jeśli bank nie ma tego kanału.", True),
        ("pl", "Polityka nie dotyczy reklam płatnych.", False),
    ],
)
def test_na_wording_per_language(lang, help_text, offers_na):
    """The wording list finds an offer of N/A in each language, and not ordinary prose."""
    assert bool(_NA_PATTERNS[lang].search(help_text)) is offers_na
    assert set(NA_WORDING) >= {"en", "fr", "nl", "it", "pl"}


def test_new_rules_are_reported_in_one_pass():
    text = replace_once(
        '{value: 0, effort: low, text: {en: "o0"',
        '{value: 0, effort: low, text: {en: "' + "w" * 190 + '"',
    )
    text = text.replace(
        'publisher: "Pub", undated: true, language: fr}', 'publisher: "Pub", language: fr}'
    )
    text = text.replace(
        "        critical: true\n        allow_na: false\n",
        "        critical: true\n        allow_na: true\n",
    )
    errors = errors_for(text)
    assert any("options[0].text.en: option text in en is 190 characters" in e for e in errors)
    assert any("sources[1]: needs a year" in e for e in errors)
    assert any("questions[1].allow_na: a critical question cannot allow" in e for e in errors)
    lines = [int(e.split(":")[1]) for e in errors]
    assert lines == sorted(lines)
