"""Flask's signed-cookie sessions, with the signer made once per key instead of per request.

Flask builds a new ``URLSafeTimedSerializer`` (and its signer) to read the session cookie
and again to write it: on every request, for the same keys. The cookie, its signature
and its rules are Flask's own; only the serializer is kept, per set of keys, so a
changed ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS`` still takes effect at once.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CachedSignerSessionInterface(SecureCookieSessionInterface):
    """:class:`SecureCookieSessionInterface` with one serializer per set of keys."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
            return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CachedSignerSessionInterface()
