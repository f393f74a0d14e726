"""Forms of the quiz: the start form and one form per dimension page."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from assessor.domain.bank import Dimension, Question, localize
from assessor.domain.scoring import NA, Answer
from assessor.web.forms import BankDetailsForm, bank_name_field, printable, strip_text

#: Form keys that are not answers: the CSRF token and the Back/Next/Review buttons.
NON_ANSWER_KEYS = frozenset({"csrf_token", "nav"})


class StartForm(BankDetailsForm):
    """Who is answering: the bank and the respondent's role."""

    bank_name = bank_name_field()
    respondent_role = StringField(
        _l("Your role"),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=120, message=_l("Your role can be at most 120 characters long.")),
            printable,
        ],
    )


def value_key(answer: Answer) -> str:
    """The form value of an answer: ``"0.25"``, ``"1"``, or ``"na"``."""
    return NA if answer == NA else f"{float(answer):g}"


class PageForm(FlaskForm):
    """Base of the per-dimension forms made by :func:`page_form`."""

    #: The dimension the page was rendered for; a mismatch means a stale or tampered page.
    dimension = HiddenField()
    dimension_id: str = ""
    question_ids: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.dimension.data != self.dimension_id:
            self.form_errors.append(
                _(
                    "This page was changed before it was sent, so nothing was saved. "
                    "Please answer the questions again."
                )
            )
            valid = False
        foreign = sorted(
            set(request.form) - set(self.question_ids) - {"dimension"} - NON_ANSWER_KEYS
        )
        if foreign:
            self.form_errors.append(
                _(
                    "The answers sent include %(names)s, which are not on this page, "
                    "so nothing was saved.",
                    names=", ".join(foreign[:5]),
                )
            )
            valid = False
        return valid

    def answers(self) -> dict[str, Answer]:
        """The answers given on this page (unanswered questions are left out)."""
        out: dict[str, Answer] = {}
        for qid in self.question_ids:
            raw = self[qid].data
            if raw:
                out[qid] = NA if raw == NA else float(raw)
        return out


def page_form(dimension: Dimension, language: str) -> type[PageForm]:
    """Build the form class of one dimension's page.

    Naming rule: each question is a radio field named by its question id (e.g.
    ``naming.handle``) whose values are the option values as ``value_key`` writes them,
    plus ``"na"`` where the question allows "not applicable". Every question is optional
    here: a page may be skipped, and the review page lists what is missing.
    """
    fields = {}
    for question in dimension.questions:
        choices = question_choices(question, language)
        fields[question.id] = RadioField(
            localize(question.text, language),
            choices=choices,
            validators=[Optional(), _one_of(choices)],
            validate_choice=False,
        )
    attrs = {"dimension_id": dimension.id, "question_ids": tuple(fields), **fields}
    return type(f"{dimension.id.title()}PageForm", (PageForm,), attrs)


def question_choices(question: Question, language: str) -> list[SelectChoice]:
    """The options of ``question`` in ``language``, then "not applicable" where allowed."""
    choices = [
        SelectChoice(value_key(o.value), localize(o.text, language)) for o in question.options
    ]
    if question.allow_na:
        choices.append(SelectChoice(NA, _("Not applicable to our bank")))
    return choices


def _one_of(choices):
    allowed = {choice.value for choice in choices}

    def check(form, field) -> None:
        if field.data not in allowed:
            raise ValidationError(_("Choose one of the options shown."))

    return check
