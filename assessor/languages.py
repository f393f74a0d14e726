"""Which language a request gets, and showing the question bank's texts in it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from babel import Locale, support
from flask import g, request, session, url_for
from flask_babel import get_translations

from .bank import localize
from .i18n import LANGUAGES

T = TypeVar("T")

#: Flask-Babel parses the selector's answer into a Locale on every request, unless it is one.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def _choose_language() -> str:
    """Pick the language: ``?lang=`` (kept in the session), then the session, then the
    browser's preference, then English."""
    # Each source is parsed only if the request has it: every page asks, and parsing an
    # absent query string or header was a good part of the time the answer took.
    chosen = request.args.get("lang") if request.query_string else None
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    kept = session.get("lang")
    if kept in LANGUAGES:
        return kept
    if "HTTP_ACCEPT_LANGUAGE" in request.environ:
        return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]
    return LANGUAGES[0]


def select_locale() -> Locale:
    """Flask-Babel's locale selector: the locale of :func:`current_language`."""
    return _LOCALES[current_language()]


def _per_request(name: str, make: Callable[[], T], outside: Callable[[], T]) -> T:
    """``make()`` once per request, kept in ``g``; ``outside()`` with no app context."""
    try:
        return getattr(g, name)
    except AttributeError:  # the first time in this request
        value = make()
        setattr(g, name, value)
        return value
    except RuntimeError:  # no app context: nothing to choose from
        return outside()


def current_language() -> str:
    """The language of the current request, as a bank language code.

    Worked out once per request, and the source of Flask-Babel's locale rather than the
    other way round: a page asks for it many times, and going through Flask-Babel cost
    several microseconds each time.
    """
    return _per_request("language", _choose_language, lambda: LANGUAGES[0])


def translations() -> support.Translations | support.NullTranslations:
    """The current request's interface catalog (Flask-Babel's), looked up once per request."""
    return _per_request("translations", get_translations, support.NullTranslations)


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
