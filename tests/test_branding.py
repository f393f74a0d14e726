"""Branding: logo uploads checked by content, colours as #rrggbb, the logo in the PDF."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader

from assessor.services import branding

from .web import answer_all, new_assessment, new_client, sign_in


def image_bytes(fmt: str, size=(120, 40), color=(18, 53, 91)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def noisy_png(min_bytes: int) -> bytes:
    """A PNG that does not compress below ``min_bytes``, within the size limits."""
    side = 1000
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) > min_bytes
    return out.getvalue()


def test_png_and_jpeg_are_reencoded_as_png():
    for fmt in ("PNG", "JPEG"):
        result = branding.reencode(image_bytes(fmt))
        assert result.startswith(branding.PNG_SIGNATURE)
        assert Image.open(io.BytesIO(result)).size == (120, 40)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "format"),
        (b"<html><body>not an image</body></html>", "format"),
        (image_bytes("GIF"), "format"),
        (image_bytes("PNG")[:-30], "damaged"),
        (image_bytes("JPEG")[:-40], "damaged"),
        (image_bytes("PNG", size=(2001, 10)), "dimensions"),
    ],
)
def test_refused_uploads(data, code):
    with pytest.raises(branding.LogoError) as info:
        branding.reencode(data)
    assert str(info.value) == code


def test_a_file_over_1_mb_is_refused():
    with pytest.raises(branding.LogoError, match="too_large"):
        branding.reencode(noisy_png(1_100_000)[:1_100_000])


def test_truncation_is_caught_even_after_weasyprint_relaxed_pillow():
    import weasyprint  # noqa: F401 - importing it sets LOAD_TRUNCATED_IMAGES

    with pytest.raises(branding.LogoError):
        branding.reencode(image_bytes("PNG")[:-30])


def upload(client, data: bytes, filename: str, **fields):
    return client.post(
        "/workspace/branding",
        data={
            "firm_name": "Kowalski & Partners",
            "accent_color": "#7A1F5C",
            "logo": (io.BytesIO(data), filename),
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_branding_form(client, app, consultants):
    sign_in(client)
    assert upload(client, image_bytes("PNG"), "logo.jpg").status_code == 302  # name is irrelevant
    logo = client.get("/workspace/branding/logo.png")
    assert logo.mimetype == "image/png" and logo.data.startswith(branding.PNG_SIGNATURE)

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    refused = upload(client, svg, "logo.png", firm_name="Changed")
    assert refused.status_code == 422
    assert "Only PNG and JPEG images are accepted." in refused.get_data(as_text=True)
    bad_colour = upload(client, image_bytes("PNG"), "l.png", accent_color="red; }")
    assert bad_colour.status_code == 422
    assert "#rrggbb" in bad_colour.get_data(as_text=True)
    with app.app_context():
        from assessor.data.database import db
        from assessor.data.models import User

        user = db.session.get(User, consultants[0])
        assert user.firm_name == "Kowalski & Partners"  # the refused posts changed nothing
        assert user.accent_color == "#7a1f5c"


def test_branded_pdf_embeds_the_logo(client, app, consultants):
    bank = app.extensions["assessor.domain.bank"]
    sign_in(client)
    upload(client, image_bytes("JPEG", size=(300, 100)), "logo.jpeg")
    client_id = new_client(client)
    assessment_id, token = new_assessment(client, client_id)
    answer_all(client, bank, token, "0.75")
    pdf = PdfReader(
        io.BytesIO(client.get(f"/workspace/assessments/{assessment_id}/report.pdf").data)
    )
    assert len(pdf.pages[0].images) == 1
    assert "Kowalski & Partners" in pdf.pages[0].extract_text()
