"""Interface translations: every catalog complete, placeholders intact, no English on a page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[1] / "assessor" / "translations"
LANGUAGES = ("fr", "nl", "it", "pl")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(language):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source)


def test_catalogs_cover_every_extracted_message():
    with (CATALOGS / "messages.pot").open("rb") as source:
        template = {m.id for m in read_po(source) if m.id}
    for language in LANGUAGES:
        assert {m.id for m in catalog(language) if m.id} >= template, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, message.id
        assert all(strings), message.id
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            # a singular may leave out %(num)d ("one question"), nothing else may go
            assert set(PLACEHOLDER.findall(string)) <= expected | {"%(num)d"}, message.id
            assert set(PLACEHOLDER.findall(string)) >= expected - {"%(num)d"}, message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_interface_text_on_translated_pages(client, language):
    from .web import start

    english = {
        m.id
        for m in catalog(language)
        if isinstance(m.id, str) and len(m.id) > 12 and "%" not in m.id and m.string != m.id
    }
    token = start(client)
    for url in [
        "/",
        "/methodology",
        "/start",
        f"/a/{token}/welcome",
        f"/a/{token}/step/1",
        f"/a/{token}/review",
        f"/a/{token}/results",
    ]:
        html = client.get(f"{url}?lang={language}").get_data(as_text=True)
        leaks = [m for m in english if f">{m}<" in html or f">{m} " in html]
        assert leaks == [], (url, leaks)
