"""Pages rendered once per worker with holes in them, the holes filled on each request.

A step page is the same for every anonymous respondent who reads it in one language but
for a few strings: the resume token in its links, the CSRF token, and which options are
checked. Rendering its templates on every request cost more than all the rest of the
request put together, so the page is rendered once with a marker in each hole and split
there; a request then only joins the pieces with its own values. The templates stay the
single source of the page's markup, and ``tests/test_quiz.py`` checks that a filled
skeleton is byte for byte the page a full render gives.

A marker is made of letters and digits only, so that it reaches the output unchanged
whether the template escapes it or builds a URL from it; a random part, drawn when the
worker starts, keeps any text of the page from ever looking like one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app, render_template, request

_NONCE = secrets.token_hex(8)


def hole(name: str) -> str:
    """The marker standing for the hole ``name`` (letters and digits) while rendering."""
    if not name.isalnum():
        raise ValueError(f"a hole's name is letters and digits: {name!r}")
    return f"hole{_NONCE}{name}end"


_HOLE = re.compile(rf"hole{_NONCE}([A-Za-z0-9]+?)end")


@dataclass(frozen=True)
class Skeleton:
    """A rendered page as alternating text and hole names: ``text, hole, text, ... text``."""

    parts: tuple[str, ...]

    @property
    def holes(self) -> frozenset[str]:
        return frozenset(self.parts[1::2])

    def fill(self, values: Mapping[str, str]) -> str:
        """The page with each hole replaced by its value (already escaped where it needs it)."""
        parts = list(self.parts)
        parts[1::2] = [values[name] for name in self.parts[1::2]]
        return "".join(parts)


def render_skeleton(template: str, path: str, holes: Iterable[str], **context) -> Skeleton:
    """Render ``template`` as an anonymous visitor would see it at ``path``, with holes.

    It renders in a request of its own for ``path`` (as ``url_for`` gives it, with the
    holes' markers where the real page's address has its values, and ``?lang=`` for the
    language), under the current request's root URL, in a fresh app context: nothing else
    of the request being served leaks into a page that later requests are served from.
    ``context`` goes to the template as is.
    """
    app = current_app._get_current_object()
    # ``path`` comes from url_for, with the prefix the app is served under (if any); the
    # request below is made under that same prefix, so it takes the path without it.
    root = request.script_root
    within = path[len(root) :] if root and path.startswith(root + "/") else path
    with app.app_context(), app.test_request_context(within, base_url=request.root_url):
        html = render_template(template, **context)
    parts = tuple(_HOLE.split(html))
    missing = set(holes) - set(parts[1::2])
    if missing:
        raise ValueError(f"{template}: holes not in the page: {', '.join(sorted(missing))}")
    return Skeleton(parts)
