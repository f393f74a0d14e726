"""The request log: one JSON line per request, with a request id, never a resume token."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from assessor.web.requestlog import LOGGER_NAME, redact, request_id

from .web import start


def logged(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/abc_DEF-123/step/3", "/a/<redacted>/step/3"),
        ("/a/abc", "/a/<redacted>"),
        ("/a/abc/report.pdf", "/a/<redacted>/report.pdf"),
        ("//a//abc/results", "//a//<redacted>/results"),
        ("/workspace/clients/3", "/workspace/clients/3"),
        ("/about/a", "/about/a"),
    ],
)
def test_resume_tokens_are_redacted(path, expected):
    assert redact(path) == expected


def test_one_line_per_request_with_method_path_status_duration_and_id(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    response = client.get("/methodology?lang=fr")
    [line] = logged(caplog)
    assert line["method"] == "GET"
    assert line["path"] == "/methodology"  # the query string is never logged
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]


def test_the_quiz_is_logged_without_its_token(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    token = start(client)
    client.get(f"/a/{token}/step/1")
    client.get(f"/a/{token}/nonsense")
    client.get(f"/a/{token}/report.pdf")
    assert token not in caplog.text
    paths = [line["path"] for line in logged(caplog)]
    assert paths == [
        "/start",
        "/a/<redacted>/step/1",
        "/a/<redacted>/nonsense",
        "/a/<redacted>/report.pdf",
    ]


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a.42:1"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42:1"


@pytest.mark.parametrize(
    "incoming", ["", "a" * 65, 'x" "status": 200', "two words", "é", "x\u2028y"]
)
def test_an_odd_incoming_request_id_is_replaced(incoming):
    replaced = request_id(incoming)
    assert replaced != incoming
    assert len(replaced) == 32 and replaced.isalnum()


def test_a_fresh_request_id_differs_per_request(client):
    first = client.get("/").headers["X-Request-ID"]
    assert client.get("/").headers["X-Request-ID"] != first


def test_each_request_is_written_once_as_json(tmp_path):
    # In a process of its own: pytest's log capture would hide a second handler.
    script = (
        "from assessor import create_app\n"
        f"app = create_app({{'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/t.db'}})\n"
        "app.test_client().get('/methodology')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "/methodology" in line]
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["path"] == "/methodology"
