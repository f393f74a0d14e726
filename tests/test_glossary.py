"""Each language's glossary: a recurring term is rendered one way in all of that language's texts.

``assessor/translations/<lang>/glossary.yaml`` lists, per term, the one rendering to ``use`` and
the variants to ``avoid``. The checks below hold every text of the language to it: every
``<lang>`` value in questions.yaml and every msgstr of the language's messages.po. A language
without a glossary file is skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "questions.yaml"
TRANSLATIONS = ROOT / "assessor" / "translations"
LANGUAGES = ("en", "fr", "nl", "it", "pl")
STAGE_IDS = ("absent", "present", "engaged", "managed", "integrated")
TERM_KEYS = {"en", "use", "avoid", "note"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def glossary_path(language: str) -> Path:
    return TRANSLATIONS / language / "glossary.yaml"


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


@functools.cache
def bank_data():
    return yaml.load(BANK.read_text(encoding="utf-8"), Loader=_Loader)


@functools.cache
def glossary(language: str):
    return yaml.load(glossary_path(language).read_text(encoding="utf-8"), Loader=_Loader)


def require_glossary(language: str) -> None:
    if not glossary_path(language).exists():
        pytest.skip(f"no glossary for {language}")


# --- the checks, on plain data so that they can be tried on broken cases ---------------------


def glossary_problems(data, language: str) -> list[str]:
    """Why ``data`` is not a well-formed glossary for ``language`` (empty if it is)."""
    if not isinstance(data, dict):
        return ["the glossary is not a mapping with the keys language and terms"]
    problems = []
    if set(data) != {"language", "terms"}:
        problems.append(f"top-level keys are {sorted(data)}, expected ['language', 'terms']")
    if data.get("language") != language:
        problems.append(f"language is {data.get('language')!r}, expected {language!r}")
    terms = data.get("terms")
    if not isinstance(terms, list) or not terms:
        return [*problems, "terms must be a non-empty list"]
    seen = set()
    for number, term in enumerate(terms, 1):
        label = f"term {number}"
        if not isinstance(term, dict):
            problems.append(f"{label} is not a mapping")
            continue
        label = f"term {number} ({term.get('en')!r})"
        if set(term) - TERM_KEYS or not {"en", "use", "avoid"} <= set(term):
            problems.append(f"{label} has keys {sorted(term)}, expected en, use, avoid (and note)")
        for key in ("en", "use"):
            if not isinstance(term.get(key), str) or not term.get(key).strip():
                problems.append(f"{label}: {key} must be a non-empty string")
        avoid = term.get("avoid")
        if not isinstance(avoid, list) or not all(isinstance(v, str) and v.strip() for v in avoid):
            problems.append(f"{label}: avoid must be a list of non-empty strings")
        elif isinstance(term.get("use"), str) and term["use"].casefold() in {
            v.casefold() for v in avoid
        }:
            problems.append(f"{label}: its use {term['use']!r} is also in its avoid list")
        if "note" in term and not isinstance(term["note"], str):
            problems.append(f"{label}: note must be a string")
        if isinstance(term.get("en"), str):
            if term["en"].casefold() in seen:
                problems.append(f"{label}: the English term is listed twice")
            seen.add(term["en"].casefold())
    return problems


def _label(item, index: int) -> str:
    if isinstance(item, dict):
        if "id" in item:
            return str(item["id"])
        if "value" in item:
            return f"{item['value']:g}" if isinstance(item["value"], float) else str(item["value"])
    return str(index)


def bank_texts(data, language: str, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for every value of ``language`` in the parsed bank, wherever it sits."""
    if isinstance(data, dict):
        if isinstance(data.get(language), str):
            yield path or language, data[language]
        for key, value in data.items():
            if key != language:
                yield from bank_texts(value, language, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from bank_texts(item, language, f"{path}[{_label(item, index)}]")


def catalog_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every msgstr, plural forms included, of a .po file."""
    with path.open("rb") as source:
        catalog = read_po(source)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, string in enumerate(strings):
            where = f"{path.parent.parent.name}/messages.po msgid {msgid!r}"
            if len(strings) > 1:
                where += f" msgstr[{form}]"
            if string:
                yield where, string


def variant_pattern(variant: str) -> re.Pattern:
    """The variant as a whole word or phrase, any case, any run of spaces between its words."""
    words = [re.escape(word) for word in variant.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def avoided_variants_found(data, texts: Iterable[tuple[str, str]]) -> list[str]:
    """One message per avoided variant found in a text: the term, the variant and where."""
    texts = list(texts)
    found = []
    for term in data["terms"]:
        for variant in term["avoid"]:
            pattern = variant_pattern(variant)
            for where, text in texts:
                match = pattern.search(text)
                if match:
                    start, end = max(match.start() - 30, 0), match.end() + 30
                    found.append(
                        f"term {term['en']!r} (use {term['use']!r}): avoided variant "
                        f"{variant!r} found in {where}: …{text[start:end]}…"
                    )
    return found


def stage_name_problems(data, bank, language: str) -> list[str]:
    """Each stage needs a term whose en is its English name and whose use is its name here."""
    terms = {term["en"].casefold(): term for term in data["terms"]}
    stages = {stage["id"]: stage for stage in bank["stages"]}
    problems = []
    for stage_id in STAGE_IDS:
        if stage_id not in stages:
            problems.append(f"stage {stage_id} is missing from questions.yaml")
            continue
        english = stages[stage_id]["name"]["en"]
        name = stages[stage_id]["name"].get(language)
        term = terms.get(english.casefold())
        if term is None:
            problems.append(f"stage {stage_id}: no glossary term with en {english!r}")
        elif term["use"] != name:
            problems.append(
                f"stage {stage_id}: glossary uses {term['use']!r}, questions.yaml names it {name!r}"
            )
    return problems


# --- each language's glossary against its texts ----------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_is_well_formed(language):
    require_glossary(language)
    assert glossary_problems(glossary(language), language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_avoided_variant_in_the_language_texts(language):
    require_glossary(language)
    data = glossary(language)
    assert glossary_problems(data, language) == []
    texts = list(bank_texts(bank_data(), language))
    assert texts, f"questions.yaml has no {language} texts"
    if catalog_path(language).exists():
        texts += catalog_texts(catalog_path(language))
    found = avoided_variants_found(data, texts)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_stage_names_are_glossary_terms(language):
    require_glossary(language)
    data = glossary(language)
    assert glossary_problems(data, language) == []
    problems = stage_name_problems(data, bank_data(), language)
    assert problems == [], "\n".join(problems)


# --- the checks themselves, on deliberately broken data --------------------------------------

SAMPLE = {
    "language": "nl",
    "terms": [
        {"en": "branch", "use": "vestiging", "avoid": ["kantoor", "kantoren"]},
        {"en": "customer care", "use": "webcare", "avoid": ["sociale klantenservice"]},
        {"en": "Absent", "use": "Afwezig", "avoid": []},
    ],
}
SAMPLE_BANK = {
    "stages": [
        {"id": "absent", "name": {"en": "Absent", "nl": "Afwezig"}},
        {"id": "present", "name": {"en": "Present", "nl": "Aanwezig"}},
    ],
    "dimensions": [
        {
            "id": "care",
            "title": {"en": "Customer care", "nl": "Webcare"},
            "questions": [
                {
                    "id": "care.private",
                    "text": {"en": "…", "nl": "Klanten bellen tijdens kantooruren."},
                    "options": [
                        {"value": 0, "text": {"en": "…", "nl": "Niemand antwoordt."}},
                        {
                            "value": 0.25,
                            "text": {"en": "…", "nl": "Alleen de KANTOREN\nantwoorden."},
                            "next_step": {"en": "…", "nl": "Start met\nsociale   klantenservice."},
                        },
                    ],
                }
            ],
        }
    ],
}


def test_an_avoided_variant_is_found_with_its_term_and_place():
    found = avoided_variants_found(SAMPLE, bank_texts(SAMPLE_BANK, "nl"))
    assert len(found) == 2, found
    branch, care = found
    assert "'branch'" in branch and "'kantoren'" in branch
    assert "dimensions[care].questions[care.private].options[0.25].text" in branch
    assert "'customer care'" in care and "'sociale klantenservice'" in care
    assert "options[0.25].next_step" in care


def test_a_variant_inside_a_longer_word_is_not_a_hit():
    texts = [("q", "Tijdens kantooruren en in het kantoorgebouw.")]
    assert avoided_variants_found(SAMPLE, texts) == []
    assert avoided_variants_found(SAMPLE, [("q", "Het kantoor- en het webteam.")])


def test_an_avoided_variant_in_a_catalog_names_its_msgid(tmp_path):
    catalog = Catalog(locale="nl")
    catalog.add("Branches", "Kantoren")
    catalog.add(("%(num)d branch", "%(num)d branches"), ("%(num)d vestiging", "%(num)d kantoren"))
    catalog.add("Customer care", "Webcare")
    path = tmp_path / "nl" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as target:
        write_po(target, catalog)
    found = avoided_variants_found(SAMPLE, catalog_texts(path))
    assert len(found) == 2, found
    assert "msgid 'Branches'" in found[0]
    assert "msgid '%(num)d branch' msgstr[1]" in found[1]


def test_a_stage_name_that_differs_from_the_bank_is_reported():
    assert stage_name_problems(SAMPLE, {"stages": SAMPLE_BANK["stages"]}, "nl") == [
        "stage present: no glossary term with en 'Present'",
        "stage engaged is missing from questions.yaml",
        "stage managed is missing from questions.yaml",
        "stage integrated is missing from questions.yaml",
    ]
    renamed = {"stages": [{"id": "absent", "name": {"en": "Absent", "nl": "Afwezigheid"}}]}
    assert stage_name_problems(SAMPLE, renamed, "nl")[0] == (
        "stage absent: glossary uses 'Afwezig', questions.yaml names it 'Afwezigheid'"
    )


def test_a_malformed_glossary_is_reported():
    assert glossary_problems(SAMPLE, "nl") == []
    assert glossary_problems(SAMPLE, "fr") == ["language is 'nl', expected 'fr'"]
    broken = {
        "language": "nl",
        "terms": [
            {"en": "branch", "use": "vestiging", "avoid": "kantoor"},
            {"en": "stage", "use": "fase"},
            {"en": "Stage", "use": "fase", "avoid": ["Fase"], "extra": 1},
        ],
    }
    problems = glossary_problems(broken, "nl")
    assert any("'branch'): avoid must be a list" in p for p in problems), problems
    assert any("'stage') has keys ['en', 'use']" in p for p in problems), problems
    assert any("'Stage'): its use 'fase' is also in its avoid list" in p for p in problems)
    assert any("'Stage'): the English term is listed twice" in p for p in problems)
    assert glossary_problems({"language": "nl"}, "nl")[-1] == "terms must be a non-empty list"
