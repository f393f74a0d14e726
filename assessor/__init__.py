"""Assessor: how mature is a bank's social-media strategy, and what should it do next?

The layers, each importing only those below it: ``web`` and ``cli`` (the interfaces),
``services`` (what the app does, owning transactions), ``data`` (models and queries) and
``pdf`` (the report's rendering), ``domain`` (the bank and the scoring, plain Python).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app (see :func:`assessor.web.app.create_app`)."""
    # Imported here so that `assessor report` and `assessor validate` never load Flask.
    from assessor.web.app import create_app as create

    return create(test_config)
