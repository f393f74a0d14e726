"""Render an assessment as a PDF report: HTML from the shared templates, printed by WeasyPrint.

Plain Python, no Flask: the web app, the ``assessor report`` command and the batch
renderer all call :func:`render_html` and :func:`write_pdf`. WeasyPrint is imported only
when a PDF is written, so nothing else pays for its start-up.

The renderer is locked down: templates autoescape every text a user gave, and the URL
fetcher serves only the package's own static files (fonts, the report stylesheet) and
``data:`` URIs; any other URL (``file:`` elsewhere, ``http(s):``, …) is refused.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from babel.dates import format_date
from babel.support import Translations

from assessor.domain import scoring
from assessor.domain.bank import localize
from assessor.domain.locales import BANK_SIZES, BANK_TYPES, country_name
from assessor.domain.report_input import Branding, ReportInput
from assessor.domain.resources import PACKAGE_DIR, static_dir, templates_dir
from assessor.pdf import charts

STATIC = static_dir().resolve()
#: Base URL of the report's HTML: relative links resolve into the static folder.
BASE_URL = STATIC.as_uri() + "/"


@cache
def _translations(language: str) -> Translations:
    return Translations.load(str(PACKAGE_DIR / "translations"), [language])


def _page_counter_css(language: str) -> str:
    """CSS ``content`` for "Page X of Y" in ``language``, e.g. ``"Page " counter(page) …``."""
    text = _translations(language).gettext("Page %(page)s of %(pages)s")
    tokens = []
    for part in re.split(r"(%\(pages?\)s)", text):
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(tokens)


@cache
def _environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(_translations(language), newstyle=True)
    env.filters["tr"] = lambda text: localize(text, language)
    env.globals["current_language"] = lambda: language
    return env


def render_html(data: ReportInput) -> str:
    """Return the report's HTML, in ``data.language``."""
    lang = data.language
    result = data.result
    actions_by_dimension: dict[str, list[scoring.Action]] = {}
    for action in result.roadmap:
        actions_by_dimension.setdefault(action.dimension.id, []).append(action)
    return (
        _environment(lang)
        .get_template("pdf/report.html")
        .render(
            data=data,
            bank=data.bank,
            result=result,
            radar=charts.radar(result, lang),
            actions_by_dimension=actions_by_dimension,
            stage_numbers={s.id: i for i, s in enumerate(data.bank.stages, start=1)},
            date_text=format_date(data.date, "long", locale=lang),
            baseline_date_text=(
                format_date(data.baseline.date, "long", locale=lang) if data.baseline else ""
            ),
            country=country_name(data.country, lang),
            bank_type=_label(BANK_TYPES, data.bank_type, lang),
            size=_label(BANK_SIZES, data.size, lang),
            rules=scoring.RULES,
            accent=_safe_accent(data.branding),
            page_counter=_page_counter_css(lang),
            base_url=BASE_URL,
        )
    )


def _safe_accent(branding: Branding | None) -> str:
    """The brand colour if it is exactly ``#rrggbb``, else nothing.

    The web form already insists on that format, but the colour is written into CSS, so
    the renderer does not trust any caller with it.
    """
    accent = branding.accent if branding else ""
    return accent if re.fullmatch(r"#[0-9a-fA-F]{6}", accent or "") else ""


def _label(labels: dict[str, str], key: str, language: str) -> str:
    return _translations(language).gettext(labels[key]) if key in labels else ""


def write_pdf(html: str, fetcher=None) -> bytes:
    """Print ``html`` (made by :func:`render_html`) to PDF bytes.

    ``fetcher`` defaults to a fresh :func:`StaticOnlyFetcher`; pass one to inspect what it
    refused.
    """
    from weasyprint import HTML

    fetcher = fetcher or StaticOnlyFetcher()
    # The packaged fonts are already cut down to the Latin they need: embedding them whole
    # skips WeasyPrint's per-document subsetting, a good part of its writing time.
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(full_fonts=True, font_config=_font_config())


_fonts = threading.local()


def _font_config():
    """The font configuration of this thread, made once and kept for every report.

    WeasyPrint makes a new one per document when given none, and Pango never gives back
    all of one: a worker that renders hundreds of reports would keep growing. Its objects
    are not meant to be shared between threads, hence one per thread.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(data: ReportInput) -> bytes:
    """Render the report of ``data`` as PDF bytes."""
    return write_pdf(render_html(data))


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _StaticOnlyFetcher(URLFetcher):
        """Serve the package's static files and ``data:`` URIs; refuse everything else."""

        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            #: Every URL refused, for the tests and the logs.
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = _static_path(url) if scheme == "file" else None
            if path is None:
                self.refused.append(url)
                raise ValueError(f"the report may not fetch {url[:200]!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return _StaticOnlyFetcher


def _static_path(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it is a packaged static file; else ``None``."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        return None
    return path


def StaticOnlyFetcher():  # noqa: N802 - a factory standing in for the class, built lazily
    """Return a new fetcher that serves only packaged static files and ``data:`` URIs."""
    return _fetcher_class()()
