"""Forms of the consultant workspace."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from assessor.domain.bank import Bank, localize
from assessor.domain.locales import LANGUAGE_NAMES, LANGUAGES
from assessor.web.forms import BankDetailsForm, bank_name_field


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class ClientForm(BankDetailsForm):
    """A client bank: who it is and which language its reports are in."""

    name = bank_name_field()
    report_language = SelectField(_l("Language of the reports"))

    def __init__(self, language: str, *args, **kwargs):
        super().__init__(language, *args, **kwargs)
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
            filters=[strip_text],
            validators=[Length(max=4000, message=_l("Notes can be at most 4000 characters."))],
        )
    return type("TargetsForm", (FlaskForm,), fields)


class BrandingForm(FlaskForm):
    """The consultant's firm as the reports show it."""

    firm_name = StringField(
        _l("Firm name"),
        filters=[strip_text],
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
