"""What the pages show of the scoring rules: why this stage, the method, facts as history.

The templates compute nothing: they show ``Result.caps`` and the numbers of
``scoring.RULES``. These tests check the results page, the PDF's HTML and the methodology
page against the scoring module, so a rule changed in one place and not the other fails.
"""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import escape

from assessor.domain import scoring
from assessor.domain.bank import Bank
from assessor.domain.report_input import ReportInput
from assessor.pdf import render

from .web import page_data, start


@pytest.fixture
def bank(app) -> Bank:
    return app.extensions["assessor.domain.bank"]


def e(text: str) -> str:
    return str(escape(text))


def capped_answers(bank: Bank) -> dict[str, float]:
    """Every answer at the top but: the first gating area all at 0.25 (its critical
    practice too), and one critical practice elsewhere at 0."""
    gating = next(d for d in bank.dimensions if d.gating)
    other = next(
        q for q in bank.questions.values() if q.critical and q.id not in gating_ids(gating)
    )
    answers = {qid: 1.0 for qid in bank.questions}
    answers.update({q.id: 0.25 for q in gating.questions})
    answers[other.id] = 0.0
    return answers


def gating_ids(dimension) -> set[str]:
    return {q.id for q in dimension.questions}


def expected_caps(bank: Bank):
    result = scoring.score(bank, capped_answers(bank))
    kinds = [(c.kind, c.zero) for c in result.caps]
    # The profile shows all three kinds of limit: a zero, a low critical, a gating area.
    assert kinds == [("critical", True), ("critical", False), ("gating", False)]
    return result


def test_results_page_says_why_this_stage(client, bank):
    answers = capped_answers(bank)
    result = expected_caps(bank)
    token = start(client)
    for step, dimension in enumerate(bank.dimensions, start=1):
        values = {q.id: f"{answers[q.id]:g}" for q in dimension.questions}
        client.post(f"/a/{token}/step/{step}", data=page_data(dimension, **values))
    html = client.get(f"/a/{token}/results?lang=en").get_data(as_text=True)
    assert (
        e(f"Your score alone would reach the “{result.uncapped_stage.name['en']}” stage.") in html
    )
    zero, low, gating = result.caps
    zero_says = (
        "this critical practice scores 0"
        if len(zero.questions) == 1
        else "these critical practices score 0"
    )
    low_says = (
        "this critical practice scores below 0.5"
        if len(low.questions) == 1
        else "these critical practices score below 0.5"
    )
    assert e(f"At most “{zero.stage.name['en']}”, because {zero_says}") in html
    assert e(f"At most “{low.stage.name['en']}”, because {low_says}") in html
    for question in zero.questions + low.questions:
        assert f"<li>{e(question.text['en'])}</li>" in html
    (area,) = gating.dimensions
    area_stage = gating.area_stage.name["en"]
    assert e(f"because the gating area {area.title['en']} is at the “{area_stage}” stage") in html
    assert "weakest area holds the stage back" not in html


def test_results_page_says_when_the_score_alone_sets_the_stage(client, bank):
    token = start(client)
    for step, dimension in enumerate(bank.dimensions, start=1):
        client.post(f"/a/{token}/step/{step}", data=page_data(dimension, "1"))
    html = client.get(f"/a/{token}/results?lang=en").get_data(as_text=True)
    assert (
        "Your score sets the stage: no critical practice and no gating area holds it back." in html
    )
    assert "Your score alone would reach" not in html


def render_report(bank: Bank, answers, language="en") -> str:
    data = ReportInput(
        bank=bank, answers=answers, bank_name="X", language=language, date=dt.date(2026, 1, 1)
    )
    return render.render_html(data)


def test_pdf_summary_says_why_this_stage(shipped_bank):
    result = expected_caps(shipped_bank)
    html = render_report(shipped_bank, capped_answers(shipped_bank))
    summary = html[html.index('id="summary"') : html.index('id="areas"')]
    assert (
        e(f"Your score alone would reach the “{result.uncapped_stage.name['en']}” stage.")
        in summary
    )
    for cap in result.caps:
        for question in cap.questions:
            assert e(question.text["en"]) in summary
        for dimension in cap.dimensions:
            assert e(f"the gating area {dimension.title['en']} is at the") in summary


def test_pdf_roadmap_and_methodology_show_the_rules_numbers(shipped_bank):
    html = render_report(shipped_bank, capped_answers(shipped_bank))
    check_rules(html, shipped_bank)
    assert "Critical practices come first" not in html


def test_methodology_page_shows_the_rules_numbers_and_the_gating_areas(client, bank):
    html = client.get("/methodology?lang=en").get_data(as_text=True)
    check_rules(html, bank)


def check_rules(html: str, bank: Bank) -> None:
    rules = scoring.RULES
    assert (
        f"while any of them scores below {rules.critical_low_below:g}, the overall stage is at "
        f"most stage {rules.critical_low_cap_stage}; while any scores 0 or is unanswered, at "
        f"most stage {rules.critical_zero_cap_stage}."
    ) in html
    stages = "stage" if rules.gating_margin == 1 else "stages"
    assert f"the overall stage is at most {rules.gating_margin} {stages} above the stage" in html
    areas = ", ".join(e(d.title["en"]) for d in bank.dimensions if d.gating)
    assert f"Gating areas ({areas})" in html
    assert f"multiplied by {rules.critical_multiplier:g} for a critical practice" in html
    assert "weakest area" not in html


def test_facts_say_who_reported_them_and_when(client, bank, shipped_bank):
    token = start(client)
    results = client.get(f"/a/{token}/results?lang=en").get_data(as_text=True)
    pdf = render_report(shipped_bank, {})
    assert bank.facts
    for fact in bank.facts:
        source = bank.sources_by_id[fact.source]
        if source.year:
            said = f"Reported in {source.year} by {e(source.publisher)}:"
        else:
            assert source.undated
            said = f"Reported by {e(source.publisher)}, undated:"
        assert said in results and said in pdf
    assert "How banks compare" not in results and "How banks compare" not in pdf


def test_methodology_lists_each_sources_year_or_that_it_is_undated(client, bank):
    html = client.get("/methodology?lang=en").get_data(as_text=True)
    for source in bank.sources:
        when = str(source.year) if source.year else "undated"
        assert f"{e(source.publisher)}, {when}</li>" in html or (
            source.identifier and f"{e(source.identifier)}, {when}</li>" in html
        )
