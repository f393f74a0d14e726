"""Which language a request gets, and showing the question bank's texts in it."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request, session, url_for
from flask_babel import get_locale

from .bank import localize
from .i18n import LANGUAGES


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


def language_url(language: str) -> str:
    """The current page in another language (the switcher's links)."""
    if request.endpoint and request.url_rule and "GET" in (request.url_rule.methods or ()):
        return url_for(request.endpoint, **(request.view_args or {}), lang=language)
    return url_for("main.index", lang=language)
