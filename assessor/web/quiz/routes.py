"""The self-assessment: start, answer page by page, review, results."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)

from assessor.data.models import Assessment
from assessor.domain import comparison
from assessor.domain.bank import Bank, Dimension
from assessor.pdf import charts
from assessor.services import assessments
from assessor.web.extensions import question_bank
from assessor.web.languages import current_language
from assessor.web.quiz.forms import PageForm, StartForm, page_form, value_key

bp = Blueprint("quiz", __name__)


def _assessment_or_404(token: str) -> Assessment:
    assessment = assessments.by_token(token)
    if assessment is None:
        abort(404)
    return assessment


def _saved_or_404(bank: Bank, token: str) -> assessments.SavedAnswers:
    saved = assessments.saved_answers(bank, token)
    if saved is None:
        abort(404)
    return saved


def _dimension_or_404(step: int) -> Dimension:
    dimensions = question_bank.bank.dimensions
    if not 1 <= step <= len(dimensions):
        abort(404)
    return dimensions[step - 1]


@bp.route("/start", methods=["GET", "POST"])
def start():
    form = StartForm(current_language())
    if form.validate_on_submit():
        details = assessments.BankDetails(
            bank_name=form.bank_name.data,
            country=form.country.data or "",
            bank_type=form.bank_type.data or "",
            size=form.size.data or "",
            respondent_role=form.respondent_role.data or "",
        )
        assessment = assessments.create(question_bank.bank, details, current_language())
        return redirect(url_for("quiz.welcome", token=assessment.token))
    status = 422 if form.is_submitted() else 200
    return render_template("quiz/start.html", form=form), status


@bp.get("/a/<token>/welcome")
def welcome(token: str):
    assessment = _assessment_or_404(token)
    return render_template("quiz/welcome.html", assessment=assessment)


@bp.get("/a/<token>")
def resume(token: str):
    """Land on the first page with an unanswered question, or on the review when none is left."""
    bank = question_bank.bank
    saved = _saved_or_404(bank, token)
    step = assessments.first_open_step(bank, saved.answers)
    if step is None:
        return redirect(url_for("quiz.review", token=token))
    return redirect(url_for("quiz.step", token=token, step=step))


@bp.route("/a/<token>/step/<int:step>", methods=["GET", "POST"])
def step(token: str, step: int):
    bank = question_bank.bank
    dimension = _dimension_or_404(step)
    form_class = page_form(dimension, current_language())
    if request.method == "POST":
        form = form_class(data={"dimension": dimension.id})
        if form.validate_on_submit():
            # The write transaction finds the assessment itself: no read transaction first.
            if not assessments.save_answers(token, form.answers()):
                abort(404)
            return redirect(_after_saving(token, step, len(bank.dimensions)))
    saved = _saved_or_404(bank, token)
    initial = {
        q.id: value_key(saved.answers[q.id]) for q in dimension.questions if q.id in saved.answers
    }
    if request.method == "GET":
        form = form_class(formdata=None, data={"dimension": dimension.id, **initial})
        return _render_step(token, step, dimension, form)
    # Shown again as sent, with the errors, ready to send again: the page's own dimension,
    # and a question left blank keeps its saved answer.
    form.dimension.data = dimension.id
    for qid in form.question_ids:
        if form[qid].data is None:
            form[qid].data = initial.get(qid)
    return _render_step(token, step, dimension, form), 422


def _after_saving(token: str, step: int, steps: int) -> str:
    """Where the page's button leads: the page before or after, or the review."""
    nav = request.form.get("nav", "next")
    if nav == "back":
        if step > 1:
            return url_for("quiz.step", token=token, step=step - 1)
        return url_for("quiz.welcome", token=token)
    if nav == "review" or step == steps:
        return url_for("quiz.review", token=token)
    return url_for("quiz.step", token=token, step=step + 1)


def _render_step(token: str, step: int, dimension: Dimension, form: PageForm) -> str:
    """The step page with the form's chosen options checked and any errors shown."""
    return render_template(
        "quiz/step.html",
        token=token,
        dimension=dimension,
        form=form,
        step=step,
        steps=len(question_bank.bank.dimensions),
    )


@bp.get("/a/<token>/review")
def review(token: str):
    bank = question_bank.bank
    assessment = _assessment_or_404(token)
    result = assessments.result(bank, assessment)
    return render_template("quiz/review.html", assessment=assessment, result=result)


@bp.get("/a/<token>/results")
def results(token: str):
    bank = question_bank.bank
    assessment = _assessment_or_404(token)
    result = assessments.result(bank, assessment)
    target_views = None
    if assessment.client_id:
        targets, notes = assessments.targets_and_notes(assessment)
        target_views = comparison.targets_view(bank, result, targets, notes)
    return render_template(
        "quiz/results.html",
        assessment=assessment,
        bank=bank,
        result=result,
        radar=charts.radar(result, current_language()),
        target_views=target_views,
        peers=assessments.peer_benchmark(bank, assessment),
    )
