"""What a step page shows that is the same for every respondent, worked out once per worker.

A page's title, questions, options and their element ids depend only on the dimension
and the language. Looking them up through the form's fields and translating them on
every request was most of the page's rendering time; the step template now reads these
plain values and adds only what is the respondent's: the checked options and any errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, get_template_attribute, request, url_for
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from ..bank import Dimension, localize
from ..extensions import per_app
from ..skeletons import Skeleton, hole, render_skeleton
from .forms import question_choices

#: Between two options, so that the page's source reads as before: one option a line.
_OPTION_SEPARATOR = "\n      "


@dataclass(frozen=True)
class OptionView:
    """One radio button: its form value, and its markup unchecked and checked."""

    value: str
    html: Markup
    checked_html: Markup


@dataclass(frozen=True)
class QuestionView:
    """One question: its field name (the question id), texts and options."""

    id: str
    text: str
    help: str
    options: tuple[OptionView, ...]

    def options_html(self, checked: str | None) -> Markup:
        """The options' markup, with the one whose value is ``checked`` checked (if any)."""
        # A plain join of markup is markup: Markup.join would escape each piece again.
        return Markup(
            _OPTION_SEPARATOR.join(
                option.checked_html if option.value == checked else option.html
                for option in self.options
            )
        )


@dataclass(frozen=True)
class StepPage:
    """One dimension's page in one language."""

    dimension_id: str
    title: str
    why: str
    questions: tuple[QuestionView, ...]


def step_page(dimension: Dimension, language: str) -> StepPage:
    """The page of ``dimension`` in ``language``, built once per app (and bank)."""
    return per_app(
        "assessor.step_pages",
        (dimension.id, language),
        lambda: make_step_page(dimension, language),
    )


def make_step_page(dimension: Dimension, language: str) -> StepPage:
    """Build the page of ``dimension``, with the same choices as its form (:mod:`.forms`).

    Needs an app context: the options' markup comes from ``quiz/_option.html``.
    """
    radio = get_template_attribute("quiz/_option.html", "radio")
    questions = tuple(
        QuestionView(
            id=question.id,
            text=localize(question.text, language),
            help=localize(question.help, language),
            options=tuple(
                _option(radio, question.id, index, choice)
                for index, choice in enumerate(question_choices(question, language))
            ),
        )
        for question in dimension.questions
    )
    return StepPage(
        dimension_id=dimension.id,
        title=localize(dimension.title, language),
        why=localize(dimension.why, language),
        questions=questions,
    )


def _option(radio, name: str, index: int, choice: SelectChoice) -> OptionView:
    # The element ids WTForms' radio widget gives: ``<field name>-<index>``.
    option_id = f"{name}-{index}"
    return OptionView(
        value=choice.value,
        html=radio(name, option_id, choice.value, choice.label, False),
        checked_html=radio(name, option_id, choice.value, choice.label, True),
    )


def step_skeleton(dimension: Dimension, step: int, steps: int, language: str) -> Skeleton:
    """The step page as an anonymous respondent sees it, rendered once per app with holes.

    The holes: ``token`` (the resume token, in the page's links), ``csrf`` (the CSRF
    token, when CSRF is on) and ``options0``, ``options1``, ... (each question's options,
    as :meth:`QuestionView.options_html` gives them).
    """
    csrf = bool(current_app.config["WTF_CSRF_ENABLED"])
    key = (dimension.id, language, request.script_root, csrf)
    return per_app(
        "assessor.step_skeletons",
        key,
        lambda: _make_skeleton(dimension, step, steps, language, csrf),
    )


def _make_skeleton(
    dimension: Dimension, step: int, steps: int, language: str, csrf: bool
) -> Skeleton:
    page = step_page(dimension, language)
    token = hole("token")
    questions = [
        (question, Markup(hole(f"options{index}")), ())
        for index, question in enumerate(page.questions)
    ]
    return render_skeleton(
        "quiz/step.html",
        url_for("quiz.step", token=token, step=step, lang=language),
        holes=[
            "token",
            *(["csrf"] if csrf else []),
            *(f"options{index}" for index in range(len(questions))),
        ],
        token=token,
        page=page,
        questions=questions,
        step=step,
        steps=steps,
        form=None,
        csrf_token=lambda: hole("csrf"),
    )
