"""Read a consultant's answers file (YAML) into a report input, or explain what is wrong.

The format (see ``examples/answers.yaml`` and the README)::

    bank:
      name: "Bank Spółdzielczy w Żółkiewce"   # required
      country: PL                              # ISO 3166 code, optional
      type: cooperative                        # optional, one of the start form's types
      size: small                              # optional
      role: "Head of marketing"                # optional
    language: pl                               # optional: en (default), fr, nl, it, pl
    date: 2026-11-22                           # optional: the report's date (default today)
    answers:                                   # question id → 0, 0.25, 0.5, 0.75, 1 or na
      naming.handle: 0.75
      channel.transactions: na

Every problem is reported as ``file:line: field: message``, all in one pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

from assessor.domain import yamlfile
from assessor.domain.bank import Bank
from assessor.domain.locales import BANK_SIZES, BANK_TYPES, COUNTRIES, LANGUAGES
from assessor.domain.report_input import ReportInput
from assessor.domain.scoring import NA, check_answer

BANK_KEYS = {"name", "country", "type", "size", "role"}
#: ``meta`` is free-form and ignored: exports keep scores and provenance there.
TOP_KEYS = {"bank", "language", "date", "answers", "meta"}


class AnswersFileError(Exception):
    """The answers file is invalid; ``errors`` lists every problem with its line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def load_answers(
    path: str | os.PathLike[str], bank: Bank, *, language: str | None = None
) -> ReportInput:
    """Read ``path`` and return what its report shows; ``language`` overrides the file's."""
    try:
        doc = yamlfile.load(Path(path))
    except yamlfile.YamlFileError as exc:
        raise AnswersFileError(exc.errors) from None
    return from_document(doc, bank, language=language)


def from_mapping(data: dict, bank: Bank, name: str, *, language: str | None = None) -> ReportInput:
    """Read an answers file that is already parsed (e.g. an entry of a JSON export)."""
    doc = yamlfile.YamlDocument(path=Path(name), data=data, sha256="")
    return from_document(doc, bank, language=language)


def from_document(
    doc: yamlfile.YamlDocument, bank: Bank, *, language: str | None = None
) -> ReportInput:
    """Check a parsed answers file and return what its report shows."""
    errors: list[str] = []
    data = doc.data
    if not isinstance(data, dict):
        raise AnswersFileError([doc.error((), "expected a mapping with bank and answers")])
    errors += [doc.error((key,), "unknown key") for key in data if key not in TOP_KEYS]

    details = _bank_details(doc, data.get("bank"), errors)
    file_language = data.get("language", "en")
    if file_language not in LANGUAGES:
        errors.append(
            doc.error(
                ("language",), f"expected one of {', '.join(LANGUAGES)}, found {file_language!r}"
            )
        )
    day = data.get("date", dt.date.today())
    if isinstance(day, str):  # JSON has no date type: exports write ISO dates as text
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(day)
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors.append(doc.error(("date",), f"expected a date like 2026-11-22, found {day!r}"))

    answers = _answers(doc, data.get("answers"), bank, errors)
    if errors:
        raise AnswersFileError(errors)
    return ReportInput(
        bank=bank,
        answers=answers,
        language=language or file_language,
        date=day,
        **details,
    )


def _bank_details(doc: yamlfile.YamlDocument, bank: Any, errors: list[str]) -> dict[str, str]:
    if not isinstance(bank, dict):
        errors.append(
            doc.error(("bank",), "missing required mapping with at least the bank's name")
        )
        return {"bank_name": ""}
    errors += [doc.error(("bank", key), "unknown key") for key in bank if key not in BANK_KEYS]
    name = bank.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(doc.error(("bank", "name"), "missing the bank's name"))
        name = ""
    elif len(name.strip()) > 120:
        errors.append(doc.error(("bank", "name"), "the bank name can be at most 120 characters"))
    choices = {"country": COUNTRIES, "type": BANK_TYPES, "size": BANK_SIZES}
    for key, allowed in choices.items():
        value = bank.get(key, "")
        if value and value not in allowed:
            errors.append(doc.error(("bank", key), f"unknown {key} {value!r}"))
    role = bank.get("role", "")
    if not isinstance(role, str) or len(role) > 120:
        errors.append(doc.error(("bank", "role"), "expected text of at most 120 characters"))
    return {
        "bank_name": name.strip() if isinstance(name, str) else "",
        "country": str(bank.get("country", "") or ""),
        "bank_type": str(bank.get("type", "") or ""),
        "size": str(bank.get("size", "") or ""),
        "respondent_role": role if isinstance(role, str) else "",
    }


def _answers(doc: yamlfile.YamlDocument, raw: Any, bank: Bank, errors: list[str]) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(doc.error(("answers",), "expected a mapping of question id to value"))
        return {}
    answers = {}
    for qid, value in raw.items():
        loc = ("answers", qid)
        question = bank.questions.get(qid) if isinstance(qid, str) else None
        if question is None:
            errors.append(doc.error(loc, "unknown question id"))
            continue
        try:
            answers[qid] = check_answer(question, NA if value == NA else value)
        except ValueError as exc:
            errors.append(doc.error(loc, str(exc)))
    return answers
