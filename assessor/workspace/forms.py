"""Forms of the consultant workspace."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..bank import Bank, localize
from ..i18n import BANK_SIZES, BANK_TYPES, LANGUAGE_NAMES, LANGUAGES, country_choices


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClientForm(FlaskForm):
    """A client bank: who it is and which language its reports are in."""

    name = StringField(
        _l("Bank name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the name of the bank.")),
            Length(max=120, message=_l("The bank name can be at most 120 characters long.")),
        ],
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    bank_type = SelectField(_l("Type of bank"), validators=[Optional()])
    size = SelectField(_l("Approximate size"), validators=[Optional()])
    report_language = SelectField(_l("Language of the reports"))

    def __init__(self, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [SelectChoice("", _("— Choose —"))]
        self.country.choices = blank + [SelectChoice(c, n) for c, n in country_choices(language)]
        self.bank_type.choices = blank + [SelectChoice(k, _(v)) for k, v in BANK_TYPES.items()]
        self.size.choices = blank + [SelectChoice(k, _(v)) for k, v in BANK_SIZES.items()]
        self.report_language.choices = [SelectChoice(c, LANGUAGE_NAMES[c]) for c in LANGUAGES]


class ActionForm(FlaskForm):
    """A button that changes something: carries the CSRF token and nothing else."""


def make_targets_form(bank: Bank, language: str, defaults: dict[str, int | None]) -> type:
    """Build the targets form: per dimension ``target-<id>`` (a stage) and ``notes-<id>``."""
    fields = {}
    for dimension in bank.dimensions:
        default = defaults.get(dimension.id)
        default_name = localize(bank.stages[default - 1].name, language) if default else "—"
        choices = [SelectChoice("", _("Default (%(stage)s)", stage=default_name))] + [
            SelectChoice(str(n), f"{n}. {localize(s.name, language)}")
            for n, s in enumerate(bank.stages, start=1)
        ]
        fields[f"target-{dimension.id}"] = SelectField(
            localize(dimension.title, language), choices=choices, validators=[Optional()]
        )
        fields[f"notes-{dimension.id}"] = TextAreaField(
            _("Notes"),
            filters=[_strip],
            validators=[Length(max=4000, message=_l("Notes can be at most 4000 characters."))],
        )
    return type("TargetsForm", (FlaskForm,), fields)


class BrandingForm(FlaskForm):
    """The consultant's firm as the reports show it."""

    firm_name = StringField(
        _l("Firm name"),
        filters=[_strip],
        validators=[Length(max=120, message=_l("The firm name can be at most 120 characters."))],
    )
    accent_color = StringField(
        _l("Accent colour"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Regexp(r"^#[0-9a-f]{6}$", message=_l("Give the colour as #rrggbb, e.g. #12355b.")),
        ],
    )
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB and 2000 × 2000 pixels)"))
    remove_logo = BooleanField(_l("Remove the current logo"))
