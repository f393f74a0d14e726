"""Pages rendered once with holes (``assessor.skeletons``): markers that survive escaping
and URLs, and a clear error when a hole the caller expects is not in the page."""

from __future__ import annotations

import pytest
from flask import render_template_string
from markupsafe import Markup

from assessor.skeletons import Skeleton, hole, render_skeleton

from .web import start


def test_a_marker_comes_through_escaping_and_urls_unchanged(app):
    marker = hole("token")
    with app.test_request_context():
        html = render_template_string(
            "{{ value }} {{ url_for('quiz.step', token=value, step=1) }}", value=marker
        )
    assert html == f"{marker} /a/{marker}/step/1"


def test_a_hole_is_named_with_letters_and_digits_only():
    with pytest.raises(ValueError, match="letters and digits"):
        hole("options-1")


def test_filling_puts_each_value_where_its_hole_was():
    skeleton = Skeleton(("<a href='/a/", "token", "/x'>", "label", "</a> /a/", "token", ""))
    assert skeleton.holes == {"token", "label"}
    filled = skeleton.fill({"token": "T0k", "label": Markup("<b>B</b>")})
    assert filled == "<a href='/a/T0k/x'><b>B</b></a> /a/T0k"


def test_a_hole_missing_from_the_page_is_an_error_naming_it(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="errors/error.html.*lost"):
        render_skeleton("errors/error.html", "/", holes=["lost"], code=404, message=hole("message"))


def test_switching_csrf_on_and_off_gives_the_right_page_each_time(app):
    client = app.test_client()
    token = start(client)
    for enabled in (False, True, False):
        app.config["WTF_CSRF_ENABLED"] = enabled
        html = client.get(f"/a/{token}/step/1").get_data(as_text=True)
        assert ('name="csrf_token"' in html) == enabled


def test_under_a_url_prefix_the_skeleton_is_the_full_render(app, monkeypatch):
    from assessor.quiz import routes

    client = app.test_client()
    token = start(client)
    prefixed = {"SCRIPT_NAME": "/assessor"}
    path = f"/a/{token}/step/2?lang=nl"
    served = client.get(path, environ_overrides=prefixed).get_data(as_text=True)
    monkeypatch.setattr(routes, "_fill_step", routes._render_step)
    rendered = client.get(path, environ_overrides=prefixed).get_data(as_text=True)
    assert served == rendered
    assert f'href="/assessor/a/{token}/step/2?lang=fr"' in served
