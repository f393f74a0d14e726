"""A disk cache of rendered reports, keyed by everything that goes into them.

The key covers the assessment's last change, the language, the question bank's hash and
the renderer's own files, so a hit is always the PDF a fresh render would give, and
several instances sharing nothing still agree: a miss only costs a render.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from .resources import PACKAGE_DIR, static_dir, templates_dir


@cache
def renderer_fingerprint() -> str:
    """Hash the templates, stylesheet, fonts and catalogs a report is made from."""
    digest = hashlib.sha256()
    files = [
        *sorted(templates_dir().rglob("*.html")),
        *sorted((static_dir() / "css").glob("report.css")),
        *sorted((static_dir() / "fonts").glob("*.ttf")),
        *sorted((PACKAGE_DIR / "translations").rglob("*.po")),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(*parts: object) -> str:
    """Combine ``parts`` and the renderer's fingerprint into a file-safe key."""
    text = "|".join(str(p) for p in (*parts, renderer_fingerprint()))
    return hashlib.sha256(text.encode()).hexdigest()


class ReportCache:
    """PDFs stored as ``<key>.pdf`` in ``directory``; writes are atomic renames."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def get(self, key: str) -> bytes | None:
        try:
            return (self.directory / f"{key}.pdf").read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, pdf: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, self.directory / f"{key}.pdf")
