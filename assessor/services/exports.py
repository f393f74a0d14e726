"""Exports of a consultant's assessments: CSV (one row per answer), JSON, and ZIPs of PDFs.

Each JSON entry is an answers file (see :mod:`assessor.domain.answersfile`): save one as
``name.yaml`` and ``assessor report`` renders it. CSV cells that a spreadsheet would
read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable

from slugify import slugify

from assessor.data.models import Assessment
from assessor.domain import scoring
from assessor.domain.bank import Bank
from assessor.services import assessments

CSV_COLUMNS = (
    "client",
    "bank",
    "country",
    "assessment_id",
    "date",
    "bank_version",
    "dimension",
    "question_id",
    "value",
    "dimension_score",
    "overall_score",
)
#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Prefix text that a spreadsheet would evaluate with ``'``, so it stays text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def _value(answer: scoring.Answer | None) -> str | float:
    if answer is None:
        return ""
    return answer if answer == scoring.NA else float(answer)


def csv_text(bank: Bank, items: Iterable[Assessment]) -> str:
    """One row per question of each assessment (unanswered ones with an empty value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for assessment in items:
        answers = assessments.answers_of(bank, assessment)
        result = scoring.score(bank, answers)
        for dim in result.dimensions:
            for question in dim.dimension.questions:
                row = (
                    assessment.client.name if assessment.client else "",
                    assessment.bank_name,
                    assessment.country,
                    assessment.id,
                    assessment.created_at.date().isoformat(),
                    assessment.bank_version,
                    dim.dimension.id,
                    question.id,
                    _value(answers.get(question.id)),
                    "" if dim.score is None else round(dim.score, 2),
                    round(result.score, 2),
                )
                writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def answers_document(bank: Bank, assessment: Assessment) -> dict:
    """The assessment as an answers file, with scores and provenance under ``meta``."""
    answers = assessments.answers_of(bank, assessment)
    result = scoring.score(bank, answers)
    bank_details = {"name": assessment.bank_name}
    for key, value in (
        ("country", assessment.country),
        ("type", assessment.bank_type),
        ("size", assessment.size),
        ("role", assessment.respondent_role),
    ):
        if value:
            bank_details[key] = value
    return {
        "bank": bank_details,
        "language": assessment.language,
        # The report's date is the assessment's last change, as on the PDF downloaded from the app.
        "date": assessment.updated_at.date().isoformat(),
        "answers": answers,
        "meta": {
            "assessment_id": assessment.id,
            "client": assessment.client.name if assessment.client else None,
            "bank_version": assessment.bank_version,
            "bank_hash": assessment.bank_hash,
            "overall_score": round(result.score, 2),
            "stage": result.stage.id,
            "dimension_scores": {
                d.dimension.id: None if d.score is None else round(d.score, 2)
                for d in result.dimensions
            },
        },
    }


def json_text(bank: Bank, items: Iterable[Assessment]) -> str:
    return json.dumps([answers_document(bank, a) for a in items], ensure_ascii=False, indent=2)


def zip_of(files: Iterable[tuple[str, bytes]]) -> bytes:
    """Pack ``(name, content)`` pairs; names are made unique and safe for any file system."""
    out = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            stem, _, suffix = name.rpartition(".")
            safe = slugify(stem) or "report"
            candidate, n = f"{safe}.{suffix}", 1
            while candidate in seen:
                n += 1
                candidate = f"{safe}-{n}.{suffix}"
            seen.add(candidate)
            archive.writestr(candidate, content)
    return out.getvalue()
