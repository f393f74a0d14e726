"""The PDF renderer under attack: user text prints as text, and nothing is fetched.

Every field a user fills in and the report prints (bank name, role, client name, notes,
firm name, logo) carries either script or template-injection payloads or references to a
local HTTP server and local files. The reports are rendered through the web app's own
routes; the renderer's fetcher is watched (what it fetched, what it refused) and the HTTP
server records any hit. WeasyPrint takes about two seconds a report, so four reports carry
all the payloads between them.
"""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from assessor.domain import report_input
from assessor.pdf import render

from .attacks import XSS_PAYLOADS, log_in_session, make_app
from .web import start

#: Payloads whose characters the report's font has (the bundled Noto Sans subset is cut to
#: Latin): the full-width and bidi-control ones cannot be read back from the text layer.
#: The template-injection ones first, so that the few reports rendered carry them all.
PDF_PAYLOADS = sorted(
    (p for p in XSS_PAYLOADS if p.isascii()), key=lambda p: not any(c in p for c in "{$#%")
)


class Hits(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        Hits.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """A local HTTP server that records every request: the renderer must send none."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def ssrf_payloads(base: str) -> list[str]:
    return [
        f'<img src="{base}/img">',
        f'<link rel="stylesheet" href="{base}/css">',
        f"<style>@import url({base}/import);</style>",
        f'<iframe src="{base}/frame"></iframe>',
        f'<object data="{base}/object"></object>',
        '<img src="file:///etc/passwd">',
        f'<div style="background: url({base}/inline)">x</div>',
        f"<svg><image href='{base}/svg'/></svg>",
        '<link rel="attachment" href="file:///etc/hostname">',
        f"url({base}/bare)",
        f"@import '{base}/bare-import';",
    ]


@pytest.fixture
def watched(monkeypatch):
    """Every fetcher the renderer makes, with what it fetched and what it refused."""
    fetchers = []
    make = render.StaticOnlyFetcher

    def watching():
        fetcher = make()
        fetcher.fetched = []
        real_fetch = fetcher.fetch

        def fetch(url, headers=None):
            fetcher.fetched.append(url)
            return real_fetch(url, headers)

        fetcher.fetch = fetch
        fetchers.append(fetcher)
        return fetcher

    monkeypatch.setattr(render, "StaticOnlyFetcher", watching)
    return fetchers


def text_of(pdf: bytes) -> str:
    """The PDF's text without any spaces (extraction breaks long lines anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def assert_nothing_fetched(fetchers, base: str) -> None:
    assert fetchers, "the report was not rendered through the watched fetcher"
    static = render.BASE_URL
    for fetcher in fetchers:
        assert fetcher.refused == []  # escaped text makes no element that could fetch
        for url in fetcher.fetched:
            assert url.startswith((static, "data:")), url
            assert urlsplit(url).scheme in ("file", "data")
    assert Hits.hits == [], f"the renderer called {base}: {Hits.hits}"


def logo_with_references(base: str) -> bytes:
    """A PNG whose text chunks carry URLs: re-encoding must drop them."""
    info = PngImagePlugin.PngInfo()
    info.add_text("XML:com.adobe.xmp", f'<x:xmpmeta><rdf:li rdf:resource="{base}/xmp"/>')
    info.add_text("Comment", f"<script src={base}/png.js></script>")
    out = io.BytesIO()
    Image.new("RGB", (90, 30), (10, 80, 60)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("pdf"))


def self_assessment_pdf(app, bank_name: str, role: str) -> bytes:
    client = app.test_client()
    token = start(client, bank_name, respondent_role=role)
    response = client.get(f"/a/{token}/report.pdf?lang=en")
    assert response.status_code == 200
    return response.data


def client_pdf(app, name: str, notes: list[str], firm: str, logo: bytes) -> tuple[bytes, str]:
    from assessor.services import accounts

    bank = app.extensions["assessor.domain.bank"]
    with app.app_context():
        user_id = accounts.create(f"pdf{len(notes)}-{abs(hash(name))}@firm.example", "p" * 12).id
    client = app.test_client()
    log_in_session(client, user_id)
    branded = client.post(
        "/workspace/branding",
        data={"firm_name": firm, "logo": (io.BytesIO(logo), "logo.png")},
        content_type="multipart/form-data",
    )
    assert branded.status_code == 302
    created = client.post("/workspace/clients/new", data={"name": name, "report_language": "en"})
    client_id = int(created.location.rstrip("/").rsplit("/", 1)[1])
    assessment = client.post(f"/workspace/clients/{client_id}/assessments")
    assessment_id = int(assessment.location.rsplit("/", 1)[1])
    fields = {f"notes-{d.id}": n for d, n in zip(bank.dimensions, notes, strict=False)}
    saved = client.post(f"/workspace/assessments/{assessment_id}/targets", data=fields)
    assert saved.status_code == 302
    response = client.get(f"/workspace/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200
    return response.data, client.get("/workspace/branding/logo.png").data


def test_script_and_template_payloads_print_as_text(app, watched, listener):
    assert len(PDF_PAYLOADS) >= 20
    first = text_of(self_assessment_pdf(app, PDF_PAYLOADS[0], PDF_PAYLOADS[1]))
    for payload in PDF_PAYLOADS[:2]:
        assert squeeze(payload) in first, payload
    bank = app.extensions["assessor.domain.bank"]
    notes = PDF_PAYLOADS[4 : 4 + len(bank.dimensions)]
    pdf, _logo = client_pdf(app, PDF_PAYLOADS[2], notes, PDF_PAYLOADS[3], logo_with_references(""))
    text = text_of(pdf)
    for payload in PDF_PAYLOADS[2:4] + notes:
        assert squeeze(payload) in text, payload
    # The literals survived every template engine on the way (Jinja, WeasyPrint's CSS).
    both = first + text
    for literal in ("{{7*7}}", "${7*7}", "{%print(7*7)%}", "{{config.items()}}"):
        assert literal in both, literal
    assert_nothing_fetched(watched, listener)


def test_no_field_makes_the_renderer_fetch_anything(app, watched, listener):
    payloads = ssrf_payloads(listener)
    first = self_assessment_pdf(app, payloads[0], payloads[1])
    assert squeeze(payloads[0]) in text_of(first)
    notes = payloads[4:]
    pdf, logo = client_pdf(app, payloads[2], notes, payloads[3], logo_with_references(listener))
    text = text_of(pdf)
    for payload in payloads[2:4] + notes:
        assert squeeze(payload) in text, payload
    assert_nothing_fetched(watched, listener)
    # The logo the report embeds is the app's own re-encoding, without the text chunks.
    assert listener.encode() not in logo
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_a_hostile_accent_colour_is_refused_and_the_fetcher_would_stop_it_anyway(
    app, watched, listener, shipped_bank
):
    from assessor.services import accounts

    with app.app_context():
        user_id = accounts.create("accent@firm.example", "p" * 12).id
    client = app.test_client()
    log_in_session(client, user_id)
    hostile = f"#fff; background: url({listener}/accent)"
    response = client.post("/workspace/branding", data={"accent_color": hostile})
    assert response.status_code == 422
    # Past the form's check (an answers file, a future code path), the renderer drops it.
    import datetime as dt

    data = report_input.ReportInput(
        bank=shipped_bank,
        answers={},
        bank_name="Accent Bank",
        language="en",
        date=dt.date(2026, 12, 1),
        branding=report_input.Branding(firm_name="F", accent=hostile),
    )
    fetcher = render.StaticOnlyFetcher()
    render.write_pdf(render.render_html(data), fetcher)
    assert Hits.hits == []
    assert fetcher.refused == []  # it never reached the stylesheet, so nothing was tried
