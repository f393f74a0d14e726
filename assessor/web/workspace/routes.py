"""The consultant workspace: clients, their assessments, targets and notes, comparisons."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessor.data.models import Assessment, Client
from assessor.domain import comparison
from assessor.pdf import charts
from assessor.services import assessments, clients, exports, reports
from assessor.services import branding as logos
from assessor.web.downloads import pdf_response, report_cache
from assessor.web.extensions import question_bank
from assessor.web.languages import current_language
from assessor.web.security import parse_id
from assessor.web.workspace.forms import ActionForm, BrandingForm, ClientForm, make_targets_form

bp = Blueprint("workspace", __name__, url_prefix="/workspace")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for a signed-in consultant."""


def _client_or_404(client_id: int) -> Client:
    client = clients.owned_client(current_user.id, client_id)
    if client is None:
        abort(404)
    return client


def _assessment_or_404(assessment_id: int) -> Assessment:
    assessment = clients.owned_assessment(current_user.id, assessment_id)
    if assessment is None:
        abort(404)
    return assessment


@bp.get("/")
def dashboard():
    query = request.args.get("q", "").strip()[:120]
    page = request.args.get("page", 1, type=int)
    listing = clients.dashboard(question_bank.bank, current_user.id, query, page)
    return render_template(
        "workspace/dashboard.html", listing=listing, query=query, form=ActionForm()
    )


@bp.route("/clients/new", methods=["GET", "POST"])
def new_client():
    form = ClientForm(current_language(), data={"report_language": current_language()})
    if form.validate_on_submit():
        client = clients.create_client(current_user.id, **_client_fields(form))
        return redirect(url_for("workspace.client", client_id=client.id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/client_form.html", form=form, client=None), status


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
def edit_client(client_id: int):
    client = _client_or_404(client_id)
    form = ClientForm(current_language(), obj=client)
    if form.validate_on_submit():
        clients.update_client(client, **_client_fields(form))
        return redirect(url_for("workspace.client", client_id=client.id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/client_form.html", form=form, client=client), status


def _client_fields(form: ClientForm) -> dict[str, str]:
    return {
        "name": form.name.data,
        "country": form.country.data or "",
        "bank_type": form.bank_type.data or "",
        "size": form.size.data or "",
        "report_language": form.report_language.data,
    }


@bp.get("/clients/<int:client_id>")
def client(client_id: int):
    bank = question_bank.bank
    client = _client_or_404(client_id)
    history = clients.history(bank, client)
    trend = None
    if len(history) >= 3:
        trend = charts.trend([(a.created_at.date().isoformat(), r.score) for a, r in history])
    return render_template(
        "workspace/client.html",
        client=client,
        history=history,
        trend=trend,
        form=ActionForm(),
    )


@bp.post("/clients/<int:client_id>/assessments")
def new_assessment(client_id: int):
    client = _client_or_404(client_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    assessment = clients.start_assessment(question_bank.bank, client)
    flash(_("A new assessment was created. Send its link to the bank, or fill it in yourself."))
    return redirect(url_for("workspace.assessment", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int):
    bank = question_bank.bank
    assessment = _assessment_or_404(assessment_id)
    result = assessments.result(bank, assessment)
    targets, notes = assessments.targets_and_notes(assessment)
    return render_template(
        "workspace/assessment.html",
        assessment=assessment,
        result=result,
        bank=bank,
        target_views=comparison.targets_view(bank, result, targets, notes),
    )


@bp.route("/assessments/<int:assessment_id>/targets", methods=["GET", "POST"])
def targets(assessment_id: int):
    bank = question_bank.bank
    assessment = _assessment_or_404(assessment_id)
    result = assessments.result(bank, assessment)
    saved_targets, saved_notes = assessments.targets_and_notes(assessment)
    defaults = {d.dimension.id: comparison.default_target(bank, d) for d in result.dimensions}
    form_class = make_targets_form(bank, current_language(), defaults)
    data = {}
    for dimension in bank.dimensions:
        target = saved_targets.get(dimension.id)
        data[f"target-{dimension.id}"] = str(target) if target else ""
        data[f"notes-{dimension.id}"] = saved_notes.get(dimension.id, "")
    form = form_class(data=data)
    if form.validate_on_submit():
        chosen = {d.id: form[f"target-{d.id}"].data for d in bank.dimensions}
        clients.save_targets(
            assessment,
            {k: int(v) if v else None for k, v in chosen.items()},
            {d.id: form[f"notes-{d.id}"].data or "" for d in bank.dimensions},
        )
        flash(_("Targets and notes were saved."))
        return redirect(url_for("workspace.assessment", assessment_id=assessment.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/targets.html", assessment=assessment, form=form, result=result, bank=bank
    ), status


@bp.get("/assessments/<int:assessment_id>/report.pdf")
def report_pdf(assessment_id: int):
    """The branded report, in the client's report language.

    It measures progress from the client's previous assessment, or from the one named by
    ``?baseline=`` (an earlier assessment of the same client; anything else is a 404).
    """
    assessment = _assessment_or_404(assessment_id)
    earlier = assessments.previous(assessment)
    if "baseline" in request.args:
        earlier = _assessment_or_404(request.args.get("baseline", 0, type=int))
        if earlier.client_id != assessment.client_id or earlier.created_at >= assessment.created_at:
            abort(404)
    return pdf_response(assessment, assessment.client.report_language, current_user, earlier)


@bp.get("/clients/<int:client_id>/compare")
def compare(client_id: int):
    bank = question_bank.bank
    client = _client_or_404(client_id)
    history = clients.history(bank, client)
    if len(history) < 2:
        abort(404)
    by_id = {a.id: (a, r) for a, r in history}
    before_id = request.args.get("a", history[-2][0].id, type=int)
    after_id = request.args.get("b", history[-1][0].id, type=int)
    if before_id not in by_id or after_id not in by_id:
        abort(404)
    (before, before_result), (after, after_result) = by_id[before_id], by_id[after_id]
    if before.created_at > after.created_at:
        (before, before_result), (after, after_result) = by_id[after_id], by_id[before_id]
    targets, _notes = assessments.targets_and_notes(before)
    return render_template(
        "workspace/compare.html",
        client=client,
        history=history,
        before=before,
        after=after,
        result=comparison.compare(bank, before_result, after_result, targets),
    )


def _logo_message(code: str) -> str:
    return {
        "too_large": _("The logo is larger than 1 MB."),
        "format": _("Only PNG and JPEG images are accepted."),
        "dimensions": _("The logo can be at most 2000 × 2000 pixels."),
        "damaged": _("The image could not be read; it may be damaged."),
    }.get(code, _("The image could not be read; it may be damaged."))


@bp.route("/branding", methods=["GET", "POST"])
def branding():
    form = BrandingForm(obj=current_user)
    if form.validate_on_submit():
        logo = ...  # Ellipsis: keep the current logo
        upload = form.logo.data
        if form.remove_logo.data:
            logo = None
        elif upload and getattr(upload, "filename", ""):
            try:
                logo = logos.reencode(upload.read(logos.MAX_BYTES + 1))
            except logos.LogoError as exc:
                form.logo.errors = [_logo_message(str(exc))]
        if not form.logo.errors:
            clients.save_branding(
                current_user.id, form.firm_name.data or "", form.accent_color.data or "", logo
            )
            flash(_("Your branding was saved."))
            return redirect(url_for("workspace.branding"))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/branding.html", form=form), status


@bp.get("/branding/logo.png")
def logo():
    """The consultant's own logo, as re-encoded by the app."""
    if not current_user.logo_png:
        abort(404)
    return Response(current_user.logo_png, mimetype="image/png")


def _selected_latest() -> list[Assessment]:
    """The latest assessment of each selected client (all clients when none is selected)."""
    ids = {parse_id(v) for v in request.values.getlist("client")} - {None}
    return clients.latest_assessments(current_user.id, ids or None)


@bp.route("/export.csv", methods=["GET", "POST"])
def export_csv():
    body = exports.csv_text(question_bank.bank, _selected_latest())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="assessments.csv"'},
    )


@bp.route("/export.json", methods=["GET", "POST"])
def export_json():
    body = exports.json_text(question_bank.bank, _selected_latest())
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="assessments.json"'},
    )


@bp.post("/export.zip")
def export_zip():
    """PDFs of the selected clients' latest assessments; missing ones rendered in parallel."""
    if not ActionForm().validate_on_submit():
        abort(400)
    latest = _selected_latest()
    if not latest:
        flash(_("Choose at least one client with an assessment."))
        return redirect(url_for("workspace.dashboard"))
    files = reports.pdfs_for(question_bank.bank, latest, current_user, report_cache())
    return Response(
        exports.zip_of(files),
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="reports.zip"'},
    )
