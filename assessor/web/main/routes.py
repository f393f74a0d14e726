"""The public pages: home and methodology."""

from __future__ import annotations

from flask import Blueprint, render_template

from assessor.domain import scoring
from assessor.web.extensions import question_bank

bp = Blueprint("main", __name__)

#: Roughly how long one question takes, for the home page's estimate.
MINUTES_PER_QUESTION = 0.5


@bp.get("/")
def index():
    bank = question_bank.bank
    minutes = max(5, round(len(bank.questions) * MINUTES_PER_QUESTION / 5) * 5)
    return render_template("main/index.html", bank=bank, minutes=minutes)


@bp.get("/methodology")
def methodology():
    return render_template(
        "main/methodology.html",
        bank=question_bank.bank,
        rules=scoring.RULES,
    )
