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
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from babel.dates import format_date
from babel.support import Translations

from . import benchmark, charts, comparison, scoring
from .bank import Bank, localize
from .i18n import BANK_SIZES, BANK_TYPES, country_name
from .resources import PACKAGE_DIR, static_dir, templates_dir

STATIC = static_dir().resolve()
#: Base URL of the report's HTML: relative links resolve into the static folder.
BASE_URL = STATIC.as_uri() + "/"


@dataclass(frozen=True)
class Branding:
    """A consultant's firm, shown on the cover and in the running header."""

    firm_name: str = ""
    #: ``#rrggbb``; it goes into the stylesheet, so anything else is dropped (see below).
    accent: str = ""
    #: A PNG the app re-encoded itself, as a ``data:image/png;base64,…`` URI.
    logo_data_uri: str = ""


@dataclass(frozen=True)
class Baseline:
    """An earlier assessment of the same bank, for the report's progress section."""

    date: date
    answers: dict[str, scoring.Answer]
    #: The consultant's targets set on the baseline: progress is measured against them.
    targets: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows; built by the web app or from an answers file."""

    bank: Bank
    answers: dict[str, scoring.Answer]
    bank_name: str
    language: str
    date: date
    country: str = ""
    bank_type: str = ""
    size: str = ""
    respondent_role: str = ""
    branding: Branding | None = None
    #: A consultant's target stage per dimension (``None``: no targets section).
    targets: dict[str, int | None] | None = None
    #: A consultant's notes per dimension.
    notes: dict[str, str] = field(default_factory=dict)
    #: Where the bank sits among similar banks (only from the app's database).
    peers: benchmark.PeerBenchmark | None = None
    #: An earlier assessment to measure progress from (``None``: no progress section).
    baseline: Baseline | None = None
    result: scoring.Result = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", scoring.score(self.bank, self.answers))

    # Cached: the template reads both in the table of contents and again in their chapter.
    @cached_property
    def target_views(self) -> tuple[comparison.TargetView, ...] | None:
        """The consultant's targets against the scores, if there are targets."""
        if self.targets is None:
            return None
        return comparison.targets_view(self.bank, self.result, self.targets, self.notes)

    @cached_property
    def progress(self) -> comparison.Comparison | None:
        """This assessment against the baseline, if there is one."""
        if self.baseline is None:
            return None
        before = scoring.score(self.bank, self.baseline.answers)
        return comparison.compare(self.bank, before, self.result, self.baseline.targets)


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
            critical_cap_stage=scoring.CRITICAL_CAP_STAGE,
            weakest_margin=scoring.WEAKEST_MARGIN,
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
