"""Flask-WTF's CSRF tokens, made and checked at less cost, with its rules unchanged.

Every form carries a token, and Flask-WTF signs a new one on every page and checks each
one sent with a serializer it builds for the purpose. Here a token is signed once per
``sessions.RESIGN_AFTER`` and given again meanwhile, and a token whose signature has been
checked once is recognised when sent again; the first time, Flask-WTF's own
``validate_csrf`` checks it. Tokens are Flask-WTF's: the same salt, key and format, kept
in the session and in ``g`` the same way (``tests/test_sessions.py``).

A token's time limit (``WTF_CSRF_TIME_LIMIT``) is left off in this app: a token lives as
long as its session. With one set, tokens are signed per page and checked in full, as
Flask-WTF does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from functools import lru_cache

from flask import current_app, g, request, session
from flask_wtf import csrf
from wtforms import ValidationError

from .sessions import RESIGN_AFTER, SigningSerializer, remember

#: Flask-WTF's salt for CSRF tokens.
SALT = "wtf-csrf-token"

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _serializer(secret_key: str | bytes) -> SigningSerializer:
    return SigningSerializer(secret_key, salt=SALT)


def _secret() -> str | bytes:
    return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key


def _field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"


def _reusable() -> bool:
    # A token with a time limit must be signed per page and checked in full, as Flask-WTF does.
    return not current_app.config.get("WTF_CSRF_TIME_LIMIT")


#: Signed tokens by (secret, raw token): (token, when it was signed).
_SIGNED: dict[tuple[str | bytes, str], tuple[str, int]] = {}
#: Tokens whose signature was found good, by (secret, token): the raw token signed.
_CHECKED: dict[tuple[str | bytes, str], str] = {}


def csrf_token() -> str:
    """Flask-WTF's ``generate_csrf()``: a random raw token kept in the session, signed.

    Flask-WTF validates it as its own, and its forms' ``hidden_tag()`` reuse it (both keep
    it in ``g`` under the field name). A token signed less than ``RESIGN_AFTER`` ago is
    given again rather than signed anew.
    """
    field = _field()
    if field not in g:
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw, secret = session[field], _secret()
        serializer = _serializer(secret)
        now = serializer.make_signer().get_timestamp()
        token, signed = _SIGNED.get((secret, raw), ("", 0))
        if not _reusable() or now - signed > RESIGN_AFTER.total_seconds():
            token = serializer.dumps(raw)
            remember(_SIGNED, (secret, raw), (token, now))
        setattr(g, field, token)
    return g.get(field)


class CSRFProtect(csrf.CSRFProtect):
    """Flask-WTF's CSRF protection of every unsafe request, checking each token's
    signature once: the same checks, in the same order, with the same answers."""

    def protect(self, apply_exemptions: bool = False) -> None:
        # The method first: it rules out most requests, and costs less to look at.
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        token = self._get_csrf_token()
        if not _checked_before(token):
            try:
                csrf.validate_csrf(token)
            except ValidationError as error:
                logger.info(error.args[0])
                self._error_response(error.args[0])
            if _reusable():
                remember(_CHECKED, (_secret(), token), session[_field()])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not csrf.same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True


def _checked_before(token: str | None) -> bool:
    """Whether ``token`` is one whose signature was good, for the raw token in this session."""
    raw = _CHECKED.get((_secret(), token)) if token and _reusable() else None
    field = _field()
    return raw is not None and field in session and hmac.compare_digest(session[field], raw)
