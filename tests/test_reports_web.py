"""The report download: file name, headers, language, and caching by last change."""

from __future__ import annotations

import io

from pypdf import PdfReader

from assessor.pdf import render

from .web import page_data, start


def test_download_is_an_attachment_named_after_the_bank(client, app):
    token = start(client, "Bank Spółdzielczy w Żółkiewce")
    response = client.get(f"/a/{token}/report.pdf?lang=pl")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bank-spoldzielczy-w-zolkiewce-')
    assert disposition.endswith('-pl.pdf"')
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "pl"
    assert "Bank Spółdzielczy w Żółkiewce" in reader.pages[0].extract_text()


def test_defaults_to_the_assessment_language(client):
    client.get("/?lang=it")
    token = start(client)
    response = client.get(f"/a/{token}/report.pdf")
    assert response.headers["Content-Disposition"].endswith('-it.pdf"')


def test_unchanged_assessment_is_not_rendered_again(client, app, monkeypatch):
    bank = app.extensions["assessor.domain.bank"]
    token = start(client)
    calls = []
    real = render.render_pdf
    monkeypatch.setattr(render, "render_pdf", lambda data: calls.append(1) or real(data))

    first = client.get(f"/a/{token}/report.pdf?lang=en")
    second = client.get(f"/a/{token}/report.pdf?lang=en")
    assert first.data == second.data
    assert len(calls) == 1

    etag = first.headers["ETag"]
    assert (
        client.get(f"/a/{token}/report.pdf?lang=en", headers={"If-None-Match": etag}).status_code
        == 304
    )

    client.post(f"/a/{token}/step/1", data=page_data(bank.dimensions[0], "1"))
    third = client.get(f"/a/{token}/report.pdf?lang=en")
    assert len(calls) == 2
    assert third.headers["ETag"] != etag


def test_unknown_token_is_404(client):
    assert client.get(f"/a/{'y' * 43}/report.pdf").status_code == 404
