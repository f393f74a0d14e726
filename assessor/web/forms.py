"""Form pieces shared by the quiz and the workspace: a bank's name and details."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from assessor.domain.locales import BANK_SIZES, BANK_TYPES, country_choices


def strip_text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def printable(form, field) -> None:
    if field.data and any(ord(ch) < 32 for ch in field.data):
        raise ValidationError(_("Use letters, digits and punctuation only."))


def bank_name_field() -> StringField:
    """The bank's name: required, at most 120 characters, any script."""
    return StringField(
        _l("Bank name"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Enter the name of the bank.")),
            Length(max=120, message=_l("The bank name can be at most 120 characters long.")),
            printable,
        ],
    )


class BankDetailsForm(FlaskForm):
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
