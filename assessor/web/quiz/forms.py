"""Forms of the quiz: the start form and one form per dimension page."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from assessor.domain.bank import Dimension, Question, localize
from assessor.domain.locales import BANK_SIZES, BANK_TYPES, country_choices
from assessor.domain.scoring import NA, Answer

#: Form keys that are not answers: the CSRF token and the Back/Next/Review buttons.
NON_ANSWER_KEYS = frozenset({"csrf_token", "nav"})


class QuizForm(FlaskForm):
    """Base of the quiz's forms: Flask-WTF's, whose WTForms messages follow Flask-Babel's locale."""


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _printable(form, field) -> None:
    if field.data and any(ord(ch) < 32 for ch in field.data):
        raise ValidationError(_("Use letters, digits and punctuation only."))


def bank_name_field() -> StringField:
    """The bank's name: required, at most 120 characters, any script."""
    return StringField(
        _l("Bank name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the name of the bank.")),
            Length(max=120, message=_l("The bank name can be at most 120 characters long.")),
            _printable,
        ],
    )


class BankDetailsForm(QuizForm):
    """Country, type and size of a bank, with choices in the visitor's language."""

    country = SelectField(_l("Country"), validators=[Optional()])
    bank_type = SelectField(_l("Type of bank"), validators=[Optional()])
    size = SelectField(_l("Approximate size"), validators=[Optional()])

    def __init__(self, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [SelectChoice("", _("— Choose —"))]
        countries = [SelectChoice(code, name) for code, name in country_choices(language)]
        self.country.choices = blank + countries
        self.bank_type.choices = blank + [SelectChoice(k, _(v)) for k, v in BANK_TYPES.items()]
        self.size.choices = blank + [SelectChoice(k, _(v)) for k, v in BANK_SIZES.items()]


class StartForm(BankDetailsForm):
    """Who is answering: the bank and the respondent's role."""

    bank_name = bank_name_field()
    respondent_role = StringField(
        _l("Your role"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=120, message=_l("Your role can be at most 120 characters long.")),
            _printable,
        ],
    )


def value_key(answer: Answer) -> str:
    """The form value of an answer: ``"0.25"``, ``"1"``, or ``"na"``."""
    return NA if answer == NA else f"{float(answer):g}"


class PageForm(QuizForm):
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
