"""Which language a request gets, and showing the question bank's texts in it."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, request, session, url_for
from flask_babel import format_date, get_locale

from assessor.domain.bank import localize
from assessor.domain.locales import LANGUAGE_NAMES, LANGUAGES


def select_locale() -> str:
    """Flask-Babel's locale selector: ``?lang=`` (kept in the session), then the session,
    then the browser's preference, then English."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    kept = session.get("lang")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The language of the current request, as a bank language code (English outside one)."""
    locale = get_locale()
    return str(locale) if locale is not None and str(locale) in LANGUAGES else LANGUAGES[0]


def tr(text: Mapping[str, str] | None) -> str:
    """Show a question bank text in the current language (a Jinja filter)."""
    return localize(text, current_language())


def language_links() -> list[tuple[str, str, bool]]:
    """The current page in each language, for the switcher: ``(code, url, is_current)``.

    A page reached by GET links to itself with ``?lang=``; any other (a form's POST, an
    error) links to the home page.
    """
    if request.endpoint and request.url_rule and "GET" in (request.url_rule.methods or ()):
        page = url_for(request.endpoint, **(request.view_args or {}))
    else:
        page = url_for("main.index")
    current = current_language()
    # The route's own arguments never include ``lang``, so the query string is all ours.
    return [(code, f"{page}?lang={code}", code == current) for code in LANGUAGES]


def init_app(app: Flask) -> None:
    """Give the templates the bank's texts in the current language and the switcher's links.

    Flask-Babel's ``init_app`` has already installed ``_``, ``gettext`` and ``ngettext``.
    """
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        current_language=current_language,
        language_links=language_links,
    )
