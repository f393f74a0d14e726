"""The PDF report of an assessment, downloaded through its resume link."""

from __future__ import annotations

from flask import Blueprint, abort, request

from assessor.domain.locales import LANGUAGES
from assessor.services import assessments
from assessor.web.downloads import pdf_response

bp = Blueprint("reports", __name__)


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    """Download the report, in the assessment's language unless ``?lang=`` says otherwise."""
    assessment = assessments.by_token(token)
    if assessment is None:
        abort(404)
    language = request.args.get("lang")
    if language not in LANGUAGES:
        language = assessment.language
    consultant = assessment.client.consultant if assessment.client else None
    return pdf_response(assessment, language, consultant)
