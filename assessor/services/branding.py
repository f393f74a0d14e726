"""Check an uploaded logo and re-encode it as a clean PNG.

Only PNG and JPEG are accepted, recognised by their content, never by the file name; SVG
is refused because it can carry scripts and external references. WeasyPrint switches on
Pillow's global "load truncated images" setting when it is imported, so this module
checks for truncation itself instead of relying on Pillow's defaults.
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

from PIL import Image, ImageFile, UnidentifiedImageError

MAX_BYTES = 1_000_000
MAX_SIDE = 2000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

_strict = threading.Lock()


class LogoError(ValueError):
    """The upload is not an acceptable logo; the message says why, for the user."""


@contextmanager
def _no_truncated_images():
    with _strict:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def reencode(data: bytes) -> bytes:
    """Return ``data`` re-encoded as PNG, or raise :class:`LogoError`."""
    if len(data) > MAX_BYTES:
        raise LogoError("too_large")
    if data.startswith(PNG_SIGNATURE):
        expected, complete = "PNG", data.rstrip(b"\0").endswith(b"IEND\xaeB`\x82")
    elif data.startswith(JPEG_SIGNATURE):
        expected, complete = "JPEG", data.rstrip(b"\0\r\n ").endswith(b"\xff\xd9")
    else:
        raise LogoError("format")
    if not complete:
        raise LogoError("damaged")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise LogoError("format")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width < 1 or height < 1:
                raise LogoError("dimensions")
            with _no_truncated_images():
                image.load()
            clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, LogoError):
            raise
        raise LogoError("damaged") from None
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()
