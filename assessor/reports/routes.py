"""The PDF report of an assessment."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from slugify import slugify

from .. import assessments, report
from ..extensions import question_bank
from ..i18n import LANGUAGES
from ..report_cache import ReportCache, cache_key

bp = Blueprint("reports", __name__)


@bp.get("/a/<token>/report.pdf")
def pdf(token: str):
    """Download the report, in the assessment's language unless ``?lang=`` says otherwise."""
    bank = question_bank.bank
    assessment = assessments.by_token(token)
    if assessment is None:
        abort(404)
    language = request.args.get("lang")
    if language not in LANGUAGES:
        language = assessment.language
    key = cache_key(assessment.id, assessment.updated_at.isoformat(), language, bank.content_hash)
    cache = ReportCache(current_app.config["REPORT_CACHE_DIR"])
    body = cache.get(key)
    if body is None:
        body = report.render_pdf(assessments.report_input(bank, assessment, language))
        cache.put(key, body)

    day = assessment.updated_at.date().isoformat()
    filename = f"{slugify(assessment.bank_name) or 'assessment'}-{day}-{language}.pdf"
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(key)
    return response.make_conditional(request)
