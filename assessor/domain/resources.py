"""Find the files that live beside the package in a checkout and inside it once installed.

``questions.yaml`` and ``templates/`` sit at the top level of the repository so that
editors find them; a wheel maps both into the package (see ``pyproject.toml``).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _find(name: str) -> Path:
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is neither in {PACKAGE_DIR} nor beside it")


def questions_path() -> Path:
    """Return the path of the shipped question bank."""
    return _find("questions.yaml")


def templates_dir() -> Path:
    """Return the folder of the Jinja templates (web pages and the PDF)."""
    return _find("templates")


def static_dir() -> Path:
    """Return the folder of the packaged static files: CSS, fonts, scripts."""
    return PACKAGE_DIR / "static"
