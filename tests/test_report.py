"""The PDF report: content by text extraction, table of contents, metadata, the fetcher."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from assessor.domain import report_input
from assessor.domain.scoring import NA
from assessor.pdf import render

LANGUAGES = ("en", "fr", "nl", "it", "pl")
BANK_NAME = "Bank Spółdzielczy w Żółkiewce"


def answers_for(bank):
    values = (0, 0.25, 0.5, 0.75, 1)
    answers = {qid: values[i % 5] for i, qid in enumerate(bank.questions)}
    for qid, question in bank.questions.items():
        if question.allow_na:
            answers[qid] = NA
    del answers[next(iter(bank.questions))]  # one unanswered question
    return answers


def make_input(bank, language, **overrides):
    fields = dict(
        bank=bank,
        answers=answers_for(bank),
        bank_name=BANK_NAME,
        language=language,
        date=dt.date(2026, 11, 22),
        country="PL",
        bank_type="cooperative",
    )
    return report_input.ReportInput(**{**fields, **overrides})


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module", params=LANGUAGES)
def rendered(request, shipped_bank):
    earlier = {qid: 0.25 for qid in shipped_bank.questions}
    data = make_input(
        shipped_bank,
        request.param,
        baseline=report_input.Baseline(date=dt.date(2025, 11, 20), answers=earlier),
    )
    fetcher = render.StaticOnlyFetcher()
    pdf = render.write_pdf(render.render_html(data), fetcher)
    return data, pdf, page_texts(pdf), fetcher


def test_report_shows_bank_dimensions_score_and_stage_in_its_language(rendered):
    data, _pdf, pages, fetcher = rendered
    text = " ".join(pages)
    lang = data.language
    assert BANK_NAME in text
    for dimension in data.bank.dimensions:
        assert " ".join(dimension.title[lang].split()) in text
    # pypdf may run the figure into "/ 100" without a space: compare without it.
    assert f"{data.result.points}/ 100" in text.replace(" / 100", "/ 100")
    assert data.result.stage.name[lang] in text
    assert fetcher.refused == []


def test_report_prints_with_the_packaged_fonts_only(rendered):
    """Every character has a glyph in the fonts we ship, so no machine's own fonts leak in."""
    from fontTools.ttLib import TTFont

    _data, pdf, pages, _ = rendered
    covered = set()
    for font in (render.STATIC / "fonts").glob("*.ttf"):
        covered.update(TTFont(font).getBestCmap())
    text = "".join(pages)
    assert "→" in text and "▲" in text  # the progress section's arrows are there
    assert {ch for ch in text if ord(ch) not in covered and not ch.isspace()} == set()
    embedded = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            embedded.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert embedded and all(name.startswith("Noto-Sans") for name in embedded), embedded


def test_every_page_carries_the_bank_name_and_page_x_of_y(rendered):
    _data, _pdf, pages, _ = rendered
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):  # the cover has no running header
        assert BANK_NAME in text
        assert re.search(rf"\b{number}\b\D+\b{total}\b", text), text[-80:]


def test_table_of_contents_page_numbers_point_at_the_sections(rendered):
    data, _pdf, pages, _ = rendered
    lang = data.language
    toc = pages[1]
    for dimension in data.bank.dimensions:
        title = " ".join(dimension.title[lang].split())
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\b", toc)
        assert match, title
        page = int(match.group(1))
        assert title in pages[page - 1], (title, page)


def test_metadata(rendered):
    data, pdf, _pages, _ = rendered
    reader = PdfReader(io.BytesIO(pdf))
    meta = reader.metadata
    assert BANK_NAME in meta.title
    assert meta.author == "Assessor"
    assert BANK_NAME in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == data.language


def test_answers_na_and_unanswered_are_marked(rendered):
    data, _pdf, pages, _ = rendered
    if data.language != "en":
        pytest.skip("checked on the English report")
    text = " ".join(pages)
    assert "Not answered (counts as 0)" in text
    assert "Not applicable" in text


def test_branding_hook_puts_the_firm_on_cover_and_footer(shipped_bank):
    branding = report_input.Branding(firm_name="Kowalski & Partners", accent="#7a1f5c")
    html = render.render_html(make_input(shipped_bank, "en", branding=branding))
    assert "--accent: #7a1f5c" in html
    pdf = render.write_pdf(html)
    pages = page_texts(pdf)
    assert "Kowalski & Partners" in pages[0]
    assert "Kowalski & Partners" in pages[3]
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Kowalski & Partners"


@pytest.mark.parametrize(
    "accent", ["red", "#7a1f5c; } body { background: url(http://x.example/) }", "#7a1f5", ""]
)
def test_an_accent_that_is_not_rrggbb_never_reaches_the_stylesheet(shipped_bank, accent):
    branding = report_input.Branding(firm_name="Firm", accent=accent)
    html = render.render_html(make_input(shipped_bank, "en", branding=branding))
    assert "--accent:" not in html.split("</style>")[0].split("<style>")[1]


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    '<iframe src="https://example.com/"></iframe>',
    "<style>@import url(http://127.0.0.1:9/a.css);</style>",
]


@pytest.mark.parametrize(("name", "role"), [HOSTILE[0:2], HOSTILE[2:4]])
def test_user_text_is_printed_as_text_and_fetches_nothing(shipped_bank, name, role):
    data = make_input(shipped_bank, "en", bank_name=name, respondent_role=role)
    html = render.render_html(data)
    assert name not in html and role not in html  # escaped: no element exists to fetch from
    fetcher = render.StaticOnlyFetcher()
    pdf = render.write_pdf(html, fetcher)
    assert fetcher.refused == []
    cover = page_texts(pdf)[0].replace(" ", "")  # extraction may break a long line anywhere
    assert name.replace(" ", "") in cover and role.replace(" ", "") in cover


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/font.ttf",
        "ftp://example.com/x",
        render.BASE_URL + "../bank.py",
        render.BASE_URL + "..%2f..%2fpyproject.toml",
        "file://evil.example/" + render.STATIC.as_posix() + "/css/report.css",
    ],
)
def test_fetcher_refuses_anything_but_packaged_static_files(url):
    fetcher = render.StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url] or url.split(":")[0] not in ("file",)


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = render.StaticOnlyFetcher()
    response = fetcher.fetch(render.BASE_URL + "css/report.css")
    assert b"@page" in response.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
