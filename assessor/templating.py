"""The web pages' template helpers: filters, globals, and the frame's cheap links.

Every page renders ``base.html``, so what it calls runs on every request: the language
(several times), a dozen translated strings, the static files' and the header's links.
Through Flask and Flask-Babel each of those costs several microseconds; here the
language and the catalog are looked up once per request, and links that are the same on
every page are built once per app.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, request, url_for
from flask_babel import format_date
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from . import i18n, languages
from .extensions import per_app


def fixed_url(endpoint: str, **values) -> str:
    """``url_for`` for a link that is the same on every page, built once per script root.

    For static files and argument-free pages only: nothing of the request but the
    prefix the app is served under may go into the URL.
    """
    key = (request.script_root, endpoint, *sorted(values.items()))
    return per_app("assessor.fixed_urls", key, lambda: url_for(endpoint, **values))


def _gettext(message: str) -> str:
    return languages.translations().ugettext(message)


@pass_eval_context
def _underscore(eval_ctx: EvalContext, message: str, **variables) -> str:
    """``_()`` in templates: Jinja's newstyle gettext, in one call where Jinja makes three.

    The same result: the translation, marked safe when autoescaping (so its variables are
    escaped), and always %-formatted, variables or not. Pages call it a dozen times each.
    """
    catalog = languages.translations()
    if eval_ctx.autoescape and not variables:
        return _safe_translation(catalog, message)
    translated = catalog.ugettext(message)
    if eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


@lru_cache(maxsize=2048)
def _safe_translation(catalog, message: str) -> Markup:
    # Most strings have no variables: each is worked out once per catalog. Templates pass
    # literals only (message extraction needs them), so the cache stays small.
    return Markup(catalog.ugettext(message)) % {}


def _ngettext(singular: str, plural: str, n: int) -> str:
    return languages.translations().ungettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return languages.translations().upgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return languages.translations().unpgettext(context, singular, plural, n)


def init_app(app: Flask) -> None:
    """Register the filters and globals; call it after Flask-Babel's ``init_app``."""
    # Flask-Babel's callables, with the catalog looked up once per request instead of once
    # per string; the same catalog and the same newstyle rules (escaping, %-formatting).
    app.jinja_env.install_gettext_callables(
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
        newstyle=True,
    )
    app.jinja_env.globals["_"] = _underscore
    app.jinja_env.filters["tr"] = languages.tr
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        current_language=languages.current_language,
        language_links=languages.language_links,
        fixed_url=fixed_url,
    )
