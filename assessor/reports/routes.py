"""The PDF report of an assessment: the public download, and the shared response builder."""

from __future__ import annotations

import base64
import hashlib

from flask import Blueprint, abort, current_app, request
from slugify import slugify

from .. import assessments, report
from ..extensions import question_bank
from ..i18n import LANGUAGES
from ..models import Assessment, User
from ..report_cache import ReportCache, cache_key

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


def branding_of(consultant: User | None) -> report.Branding | None:
    """The consultant's firm, colour and logo, as the report shows them."""
    if consultant is None or not (consultant.firm_name or consultant.logo_png):
        return None
    logo = ""
    if consultant.logo_png:
        logo = "data:image/png;base64," + base64.b64encode(consultant.logo_png).decode("ascii")
    return report.Branding(
        firm_name=consultant.firm_name, accent=consultant.accent_color, logo_data_uri=logo
    )


def report_key(
    assessment: Assessment,
    language: str,
    branding: report.Branding | None,
    peers=None,
    earlier: Assessment | None = None,
) -> str:
    """The cache key of a report: everything that can change what it shows."""
    brand_key = ""
    if branding:
        brand_key = hashlib.sha256(
            f"{branding.firm_name}|{branding.accent}|{branding.logo_data_uri}".encode()
        ).hexdigest()
    notes_key = [(n.dimension_id, n.target_stage, n.notes) for n in assessment.notes]
    baseline_key = ""
    if earlier is not None:
        baseline_key = (
            earlier.id,
            earlier.updated_at.isoformat(),
            [(n.dimension_id, n.target_stage) for n in earlier.notes],
        )
    return cache_key(
        assessment.id,
        assessment.updated_at.isoformat(),
        language,
        question_bank.bank.content_hash,
        brand_key,
        notes_key,
        repr(peers),
        baseline_key,
    )


def report_cache() -> ReportCache:
    return ReportCache(current_app.config["REPORT_CACHE_DIR"])


def report_filename(assessment: Assessment, language: str) -> str:
    day = assessment.updated_at.date().isoformat()
    return f"{slugify(assessment.bank_name) or 'assessment'}-{day}-{language}.pdf"


def pdf_response(
    assessment: Assessment,
    language: str,
    consultant: User | None,
    earlier: Assessment | None = None,
):
    """Send the assessment's report as an attachment, rendering it only if it changed.

    With ``earlier`` (an older assessment of the same client), the report shows the
    progress made since.
    """
    bank = question_bank.bank
    branding = branding_of(consultant)
    peers = assessments.peer_benchmark(bank, assessment)
    key = report_key(assessment, language, branding, peers, earlier)
    cache = report_cache()
    body = cache.get(key)
    if body is None:
        data = assessments.report_input(bank, assessment, language, branding, peers, earlier)
        body = report.render_pdf(data)
        cache.put(key, body)

    filename = report_filename(assessment, language)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(key)
    return response.make_conditional(request)
