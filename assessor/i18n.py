"""Interface languages: which one a request gets, and localised labels for the forms."""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale
from flask import request, session, url_for
from flask_babel import get_locale

from .bank import localize

#: The interface and question bank languages, English first (the source and fallback).
LANGUAGES = ("en", "fr", "nl", "it", "pl")
#: Each language named in itself, for the language switcher.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "nl": "Nederlands",
    "it": "Italiano",
    "pl": "Polski",
}

#: Countries offered on the start form (ISO 3166-1 alpha-2); names come from CLDR via Babel.
COUNTRIES = (
    "AT",
    "BE",
    "BG",
    "CH",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GB",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "AL",
    "BA",
    "ME",
    "MK",
    "RS",
    "TR",
    "UA",
    "MD",
    "CA",
    "US",
    "AU",
    "NZ",
)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for translation without translating it (``pybabel -k N_``)."""
    return message


#: Choices of the start form, as message ids: translate them where they are shown.
BANK_TYPES = {
    "retail": N_("Retail or universal bank"),
    "cooperative": N_("Cooperative bank"),
    "savings": N_("Savings bank"),
    "private": N_("Private bank or wealth manager"),
    "online": N_("Online-only bank"),
    "specialised": N_("Specialised lender or payment institution"),
    "other": N_("Other"),
}

BANK_SIZES = {
    "small": N_("Fewer than 100,000 customers"),
    "medium": N_("100,000 to 1 million customers"),
    "large": N_("1 to 10 million customers"),
    "xlarge": N_("More than 10 million customers"),
}


def select_locale() -> str:
    """Pick the language: ``?lang=``, then the session, then the browser's preference."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The language of the current request, as a bank language code."""
    return str(get_locale() or LANGUAGES[0]).split("_")[0]


def tr(text: Mapping[str, str] | None) -> str:
    """Show a question bank text in the current language (a Jinja filter)."""
    return localize(text, current_language())


def country_choices(language: str) -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name in ``language``."""
    territories = Locale.parse(language).territories
    return sorted(((c, territories.get(c, c)) for c in COUNTRIES), key=lambda pair: pair[1])


def country_name(code: str, language: str) -> str:
    """Return the country's name in ``language``, or the code if Babel does not know it."""
    return Locale.parse(language).territories.get(code, code) if code else ""


def language_url(language: str) -> str:
    """The current page in another language (the switcher's links)."""
    if request.endpoint and request.url_rule and "GET" in (request.url_rule.methods or ()):
        return url_for(request.endpoint, **(request.view_args or {}), lang=language)
    return url_for("main.index", lang=language)
