"""Load and validate the question bank (``questions.yaml``).

The bank is data written by people, so it is untrusted until it has passed three stages:
safe YAML parsing (:mod:`assessor.domain.yamlfile`), strict typed models (unknown keys, wrong
types, missing translations, values out of range), then checks across items (duplicate
ids, unknown sources, stage coverage, sources that say when they were published, options of at
most 185 characters in every language, and "not applicable" offered only where a question
allows it and never on a critical one). Every problem found is reported, each as
``file:line: path: message``, in one pass.

This module is plain Python: the web app, the PDF renderer and the CLI all share it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from assessor.domain import resources, yamlfile

#: The fallback for any text missing in a language, and the language the bank is written in.
SOURCE_LANGUAGE = "en"
#: Every option scale runs through these values, in this order.
OPTION_VALUES = (0.0, 0.25, 0.5, 0.75, 1.0)
#: An option's text must fit on a line of the quiz and a row of the PDF, in every language.
MAX_OPTION_LENGTH = 185
#: How a help text offers "not applicable", per language: only a question that allows N/A may.
#: Polish counts only the quoted phrase, since "nie dotyczy" is also ordinary Polish for "does
#: not concern".
NA_WORDING: dict[str, tuple[str, ...]] = {
    "en": (r"\bnot applicable\b", r"\bN/A\b"),
    "fr": (r"\bsans objet\b", r"\bnon applicable\b", r"\bpas applicable\b"),
    "nl": (r"\bniet van toepassing\b", r"\bn\.v\.t\."),
    "it": (r"\bnon applicabile\b",),
    "pl": (r"[„\"“«»']\s*nie dotyczy\b",),
}
_NA_PATTERNS = {
    lang: re.compile("|".join(patterns), re.IGNORECASE) for lang, patterns in NA_WORDING.items()
}

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*$", max_length=96)]
Weight = Annotated[float, Field(gt=0, le=100)]


class BankError(Exception):
    """The bank is invalid; ``errors`` lists every problem as ``file:line: path: message``."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _check_translations(text: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    languages = (info.context or {}).get("languages") or [SOURCE_LANGUAGE]
    missing = [lang for lang in languages if lang not in text]
    unknown = [lang for lang in text if lang not in languages]
    empty = [lang for lang, value in text.items() if not value.strip()]
    problems = []
    if missing:
        problems.append(f"missing translation for {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown language {', '.join(unknown)}")
    if empty:
        problems.append(f"empty text for {', '.join(empty)}")
    if problems:
        raise ValueError("; ".join(problems))
    return text


#: A text a user reads: one entry per language of the bank.
LocalizedText = Annotated[dict[str, str], AfterValidator(_check_translations)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Stage(_Model):
    """A maturity stage; it applies from ``min_score`` up to the next stage's."""

    id: Id
    min_score: float = Field(ge=0, le=100)
    name: LocalizedText
    description: LocalizedText


class Source(_Model):
    """A published text the bank is grounded in: a seed article, a regulation, a study."""

    id: Id
    title: str
    #: Who wrote or issued it: an author, a regulator, a platform.
    publisher: str
    #: The exact reference where there is one, e.g. "Regulation (EU) 2022/2065, Art. 16".
    identifier: str | None = None
    year: int | None = None
    #: The text carries no date; set instead of ``year`` so that a missing year is a choice.
    undated: bool = False
    language: str


class Fact(_Model):
    """A benchmark figure from a source, shown as context beside a result."""

    id: Id
    figure: str
    text: LocalizedText
    source: str


class Option(_Model):
    """One answer on a question's maturity scale."""

    value: float = Field(ge=0, le=1)
    text: LocalizedText
    #: What to do to move up from this option; absent on the top option only.
    next_step: LocalizedText | None = None
    #: What that next step takes: low-effort steps are the roadmap's quick wins.
    effort: Literal["low", "medium", "high"] | None = None


class Question(_Model):
    """One observable practice, answered on a five-step scale."""

    id: QuestionId
    text: LocalizedText
    help: LocalizedText
    weight: Weight = 1.0
    #: The absence of this practice is a real risk: a zero caps the overall stage.
    critical: bool = False
    #: "Not applicable" is an honest answer for some banks.
    allow_na: bool = False
    #: The texts the practice rests on: at least one source id.
    sources: list[str]
    options: list[Option]

    @field_validator("sources")
    @classmethod
    def _cites_a_source(cls, sources: list[str]) -> list[str]:
        if not sources:
            raise ValueError("a question needs at least one source id")
        return sources

    @field_validator("options")
    @classmethod
    def _five_graded_options(cls, options: list[Option]) -> list[Option]:
        if len(options) != len(OPTION_VALUES):
            raise ValueError(f"expected {len(OPTION_VALUES)} options, found {len(options)}")
        values = tuple(option.value for option in options)
        if values != OPTION_VALUES:
            found = ", ".join(f"{v:g}" for v in values)
            raise ValueError(f"option values must be 0, 0.25, 0.5, 0.75, 1 in order, found {found}")
        for index, option in enumerate(options[:-1]):
            if option.next_step is None:
                raise ValueError(f"option {index} (value {option.value:g}) has no next_step")
            if option.effort is None:
                raise ValueError(f"option {index} (value {option.value:g}) has no effort")
        if options[-1].next_step is not None:
            raise ValueError("the top option (value 1) must not have a next_step")
        if options[-1].effort is not None:
            raise ValueError("the top option (value 1) has no next step, so no effort")
        return options

    def option_for(self, value: float) -> Option:
        """Return the option with ``value``; raise ``KeyError`` if there is none."""
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)


class Dimension(_Model):
    """A group of questions scored together, e.g. customer care."""

    id: Id
    title: LocalizedText
    why: LocalizedText
    weight: Weight = 1.0
    #: A gating area caps the overall stage at one stage above its own (see scoring).
    gating: bool = False
    sources: list[str] = Field(min_length=1)
    questions: list[Question]

    @field_validator("questions")
    @classmethod
    def _not_empty(cls, questions: list[Question]) -> list[Question]:
        if not questions:
            raise ValueError("a dimension needs at least one question")
        return questions


class Bank(_Model):
    """The validated question bank, identified by ``version`` and ``content_hash``."""

    version: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=2)
    sources: list[Source] = Field(min_length=1)
    facts: list[Fact] = []
    dimensions: list[Dimension] = Field(min_length=1)
    #: SHA-256 of the file the bank was loaded from (set by :func:`load_bank`).
    content_hash: str = Field(default="", exclude=True)

    @field_validator("languages")
    @classmethod
    def _has_source_language(cls, languages: list[str]) -> list[str]:
        if SOURCE_LANGUAGE not in languages:
            raise ValueError(f"languages must include {SOURCE_LANGUAGE!r}, the source language")
        return languages

    @cached_property
    def questions(self) -> dict[str, Question]:
        """All questions by id, in bank order."""
        return {q.id: q for d in self.dimensions for q in d.questions}

    @cached_property
    def dimension_of(self) -> dict[str, Dimension]:
        """The dimension of each question id."""
        return {q.id: d for d in self.dimensions for q in d.questions}

    @cached_property
    def dimensions_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, as shown on reports."""
        return self.content_hash[:12]


def localize(text: Mapping[str, str] | None, lang: str) -> str:
    """Return ``text`` in ``lang``, falling back to the source language."""
    if not text:
        return ""
    return text.get(lang) or text.get(SOURCE_LANGUAGE, "")


def load_bank(path: str | os.PathLike[str] | None = None, *, text: str | None = None) -> Bank:
    """Load and validate a question bank; raise :class:`BankError` listing every problem.

    Without ``path``, load the bank shipped with the package.
    """
    path = Path(path) if path is not None else resources.questions_path()
    try:
        doc = yamlfile.load(path, text=text)
    except yamlfile.YamlFileError as exc:
        raise BankError(exc.errors) from None
    if not isinstance(doc.data, dict):
        raise BankError([doc.error((), "expected a mapping with version, stages, dimensions, …")])

    languages = doc.data.get("languages")
    context = {"languages": languages if _is_str_list(languages) else [SOURCE_LANGUAGE]}
    errors: list[str] = []
    bank: Bank | None = None
    try:
        bank = Bank.model_validate(doc.data, context=context)
    except ValidationError as exc:
        errors.extend(doc.error(err["loc"], _describe(err)) for err in exc.errors())
    errors.extend(_cross_check(doc))
    if errors:
        raise BankError(sorted(set(errors), key=_line_order))
    assert bank is not None
    return bank.model_copy(update={"content_hash": doc.sha256})


def _describe(err: Any) -> str:
    """Turn a pydantic error into a sentence an editor of the YAML understands."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    loc = tuple(err.get("loc") or ())
    if kind == "missing" and loc[-1:] == ("sources",) and "questions" in loc:
        return "missing required key: a question needs at least one source id"
    if kind == "missing":
        return "missing required key"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in ("string_type", "str_type"):
        hint = " (quote it)" if isinstance(value, bool | int | float) else ""
        return f"expected text, found {_show(value)}{hint}"
    if kind in ("float_type", "int_type"):
        return f"expected a number, found {_show(value)}"
    if kind in ("bool_type",):
        return f"expected true or false, found {_show(value)}"
    if kind in ("list_type", "dict_type", "model_type"):
        expected = {"list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping"}
        return f"expected {expected[kind]}, found {_show(value)}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']:g}, found {_show(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{_show(value)} is outside the allowed range"
    if kind == "literal_error":
        return f"expected one of {ctx['expected']}, found {_show(value)}"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} is not a valid id (lower-case letters, digits, '-', '_')"
    if kind == "too_short":
        return f"expected at least {ctx['min_length']} item(s), found {ctx['actual_length']}"
    return err["msg"]


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _line_order(message: str) -> tuple[int, str]:
    parts = message.split(":", 2)
    try:
        return int(parts[1]), message
    except (IndexError, ValueError):
        return 0, message


def _cross_check(doc: yamlfile.YamlDocument) -> list[str]:
    """Check ids and references across the raw data, tolerating malformed parts.

    Runs on the raw data rather than on the models so that these problems are reported in
    the same pass as any type errors elsewhere in the file.
    """
    data = doc.data
    errors: list[str] = []

    def items(key: str, within: Any = data) -> list[tuple[int, dict]]:
        value = within.get(key) if isinstance(within, dict) else None
        if not isinstance(value, list):
            return []
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]

    def duplicates(entries: list[tuple[tuple, Any]], what: str) -> None:
        counts = Counter(value for _, value in entries if isinstance(value, str))
        for loc, value in entries:
            if isinstance(value, str) and counts[value] > 1:
                errors.append(doc.error(loc, f"duplicate {what} id {value!r}"))

    source_ids = {s.get("id") for _, s in items("sources")}

    def known_sources(loc: tuple, refs: Any) -> None:
        for index, ref in enumerate(refs if isinstance(refs, list) else [refs]):
            if isinstance(ref, str) and ref not in source_ids:
                at = loc + (index,) if isinstance(refs, list) else loc
                errors.append(doc.error(at, f"unknown source {ref!r}"))

    duplicates([(("sources", i, "id"), s.get("id")) for i, s in items("sources")], "source")
    duplicates([(("stages", i, "id"), s.get("id")) for i, s in items("stages")], "stage")
    duplicates([(("facts", i, "id"), f.get("id")) for i, f in items("facts")], "fact")
    for i, fact in items("facts"):
        known_sources(("facts", i, "source"), fact.get("source"))

    dimensions = items("dimensions")
    duplicates([(("dimensions", i, "id"), d.get("id")) for i, d in dimensions], "dimension")
    question_ids = []
    for i, dim in dimensions:
        known_sources(("dimensions", i, "sources"), dim.get("sources"))
        for j, question in items("questions", dim):
            loc = ("dimensions", i, "questions", j)
            qid, did = question.get("id"), dim.get("id")
            question_ids.append((loc + ("id",), qid))
            known_sources(loc + ("sources",), question.get("sources"))
            if isinstance(qid, str) and isinstance(did, str) and not qid.startswith(did + "."):
                errors.append(
                    doc.error(loc + ("id",), f"question id must start with {did + '.'!r}")
                )
            errors.extend(_check_question(doc, loc, question))
    duplicates(question_ids, "question")

    for i, source in items("sources"):
        errors.extend(_check_source_date(doc, ("sources", i), source))
    errors.extend(_check_stage_coverage(doc, items("stages")))
    return errors


def _check_source_date(doc: yamlfile.YamlDocument, loc: tuple, source: dict) -> list[str]:
    """A source says when it was published, or says that it does not: one of the two."""
    has_year = source.get("year") is not None
    undated = source.get("undated") is True
    if has_year and undated:
        return [doc.error(loc + ("undated",), "has both a year and undated: true; keep one")]
    if not has_year and not undated:
        return [doc.error(loc, "needs a year, or undated: true if the text carries no date")]
    return []


def _check_question(doc: yamlfile.YamlDocument, loc: tuple, question: dict) -> list[str]:
    """Option lengths and the "not applicable" rules of one question."""
    errors = []
    options = question.get("options")
    for k, option in enumerate(options if isinstance(options, list) else []):
        text = option.get("text") if isinstance(option, dict) else None
        for lang, value in text.items() if isinstance(text, dict) else ():
            if isinstance(value, str) and len(value) > MAX_OPTION_LENGTH:
                errors.append(
                    doc.error(
                        loc + ("options", k, "text", lang),
                        f"option text in {lang} is {len(value)} characters, "
                        f"over the {MAX_OPTION_LENGTH} allowed",
                    )
                )
    allow_na = question.get("allow_na") is True
    if allow_na and question.get("critical") is True:
        errors.append(
            doc.error(
                loc + ("allow_na",),
                'a critical question cannot allow "not applicable": its absence is the risk',
            )
        )
    help_text = question.get("help")
    if not allow_na and isinstance(help_text, dict):
        for lang, value in help_text.items():
            pattern = _NA_PATTERNS.get(lang)
            found = pattern.search(value) if pattern and isinstance(value, str) else None
            if found:
                errors.append(
                    doc.error(
                        loc + ("help", lang),
                        f'help offers "not applicable" ({found.group(0).strip()!r}) '
                        "but the question does not set allow_na: true",
                    )
                )
    return errors


def _check_stage_coverage(doc: yamlfile.YamlDocument, stages: list[tuple[int, dict]]) -> list[str]:
    scores = [(i, s.get("min_score")) for i, s in stages]
    if not scores or not all(_is_number(v) for _, v in scores):
        return []
    errors = []
    first_index, first = scores[0]
    if first != 0:
        errors.append(
            doc.error(
                ("stages", first_index, "min_score"),
                f"stages must cover 0-100: the first stage starts at {first:g}, not 0",
            )
        )
    for (_, previous), (index, current) in zip(scores, scores[1:], strict=False):
        if current <= previous:
            errors.append(
                doc.error(
                    ("stages", index, "min_score"),
                    "stages must be in increasing order of min_score: "
                    f"{current:g} after {previous:g}",
                )
            )
    return errors


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
