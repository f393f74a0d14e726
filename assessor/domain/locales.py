"""The languages, and the localised labels shared by the forms, the PDF and the CLI (no Flask)."""

from __future__ import annotations

from babel import Locale

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


def country_choices(language: str) -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name in ``language``."""
    territories = Locale.parse(language).territories
    return sorted(((c, territories.get(c, c)) for c in COUNTRIES), key=lambda pair: pair[1])


def country_name(code: str, language: str) -> str:
    """Return the country's name in ``language``, or the code if Babel does not know it."""
    return Locale.parse(language).territories.get(code, code) if code else ""
