"""The PDF download response, shared by the public report link and the workspace."""

from __future__ import annotations

from flask import current_app, request

from assessor.data.models import Assessment, User
from assessor.services import reports
from assessor.web.extensions import question_bank


def report_cache() -> reports.ReportCache:
    """The app's report cache (``REPORT_CACHE_DIR``)."""
    return reports.ReportCache(current_app.config["REPORT_CACHE_DIR"])


def pdf_response(
    assessment: Assessment,
    language: str,
    consultant: User | None,
    earlier: Assessment | None = None,
):
    """Send the assessment's report as an attachment; the browser revalidates it by ETag."""
    key, body = reports.report_pdf(
        question_bank.bank, assessment, language, consultant, report_cache(), earlier
    )
    filename = reports.report_filename(assessment, language)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(key)
    return response.make_conditional(request)
