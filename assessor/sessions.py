"""Flask's signed-cookie sessions, signed and checked at less cost.

Every page reads the session cookie and many write it back. itsdangerous, which signs it,
builds a new signer each time, derives its key again (one HMAC) before each signature
(another HMAC, through Python's ``hmac`` object rather than OpenSSL's one-shot call), and
tries zlib on every payload, which never pays for a payload this small. Here:

- one serializer per set of keys (a changed ``SECRET_KEY`` or ``SECRET_KEY_FALLBACKS``
  takes effect at once), with one signer, which keeps its derived keys and signs in one
  call (:class:`SigningSerializer`, which ``csrf.py`` signs CSRF tokens with too);
- payloads are not compressed (compressed cookies from before still load);
- a session is signed again when it changed or when its signature is older than
  :data:`RESIGN_AFTER`, not on every page: that is what keeps it alive while in use
  (``security.py``), and a signature a few minutes old does that as well;
- so a browser sends the same cookie for minutes: its signature is checked once per
  worker, then its content (plain values only) is remembered.

The cookie, its format, salt, key and algorithm are Flask's: either side reads what the
other signs (``tests/test_sessions.py``).
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from itsdangerous.signer import HMACAlgorithm, Signer
from itsdangerous.timed import TimestampSigner

#: A session signed longer ago than this is signed again on the next page, changed or not.
RESIGN_AFTER = timedelta(minutes=5)


class _OneCallHMAC(HMACAlgorithm):
    """HMAC through OpenSSL's one-shot ``hmac.digest``: the same bytes as ``hmac.new``."""

    def __init__(self, digest_method) -> None:
        super().__init__(digest_method)
        self._name = digest_method().name

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, self._name)


class _Signer(TimestampSigner):
    """:class:`TimestampSigner` that derives each key once and signs in one HMAC call."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if type(self.algorithm) is HMACAlgorithm:
            self.algorithm = _OneCallHMAC(self.digest_method)
        self._derived: dict[bytes, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        try:
            return self._derived[secret]
        except KeyError:
            key = self._derived[secret] = super().derive_key(secret)
            return key


class SigningSerializer(URLSafeTimedSerializer):
    """:class:`URLSafeTimedSerializer` with one :class:`_Signer` per salt, kept, and
    uncompressed payloads."""

    default_signer = _Signer

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[str | bytes | None, Signer] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        # A signer holds nothing but its keys and settings: one serves every request.
        try:
            return self._signers[salt]
        except KeyError:
            signer = self._signers[salt] = super().make_signer(salt)
            return signer

    def dump_payload(self, obj) -> bytes:
        # The plain JSON, base64-encoded: what the URL-safe mixin writes when zlib does not
        # make it shorter, which it never does for a cookie this size.
        return base64_encode(Serializer.dump_payload(self, obj))


class Session(SecureCookieSession):
    """Flask's cookie session, knowing how old its cookie's signature was when it came in."""

    #: In seconds; ``None`` for a session without a (valid) cookie.
    signature_age: int | None = None

    def needs_signing_again(self) -> bool:
        """Whether the cookie is older than :data:`RESIGN_AFTER` (or was never signed)."""
        return self.signature_age is None or self.signature_age > RESIGN_AFTER.total_seconds()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with a :class:`SigningSerializer` per set of keys."""

    session_class = Session

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        self._verified: dict[tuple[URLSafeTimedSerializer, str], tuple[dict, int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # Flask's own construction, with this module's serializer class.
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = self._serializers[keys] = SigningSerializer(
                list(keys),  # itsdangerous signs with the last key
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            return serializer

    def open_session(self, app: Flask, request) -> Session | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        # A browser sends the same cookie until it is signed again, minutes later: its
        # signature is checked once, then its content and timestamp are remembered.
        try:
            data, signed = self._verified[(serializer, cookie)]
        except KeyError:
            try:
                data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            signed = int(signed_at.timestamp())
            if all(isinstance(value, _IMMUTABLE) for value in data.values()):
                remember(self._verified, (serializer, cookie), (data, signed))
        # On the signer's clock, the one that decides when the cookie expires.
        age = serializer.make_signer().get_timestamp() - signed
        if not 0 <= age <= max_age:  # what loads() refuses as expired
            return self.session_class()
        opened = self.session_class(data)
        opened.signature_age = age
        return opened


#: How many verified cookies (and CSRF tokens, ``csrf.py``) a worker keeps.
REMEMBERED = 4096
#: Session values that may be shared between requests: no request can change them in place.
_IMMUTABLE = (str, int, float, bool, type(None))


def remember(cache: dict, key, value) -> None:
    """``cache[key] = value``, the cache emptied first if it holds :data:`REMEMBERED` items."""
    # Emptied when full rather than kept in order of use: simpler, and it fills only with
    # thousands of sessions active within minutes on one worker.
    if len(cache) >= REMEMBERED:
        cache.clear()
    cache[key] = value


def init_app(app: Flask) -> None:
    """Use :class:`SessionInterface` for the app's sessions."""
    app.session_interface = SessionInterface()
