"""The application factory: configuration and refusing to start when something is wrong."""

from __future__ import annotations

import pytest

from assessor import create_app
from assessor.web.config import ConfigurationError


def test_refuses_to_start_on_an_invalid_bank(tmp_path):
    bad = tmp_path / "questions.yaml"
    bad.write_text('version: "1"\nlanguages: [en]\n', encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        create_app({"TESTING": True, "SECRET_KEY": "x", "QUESTIONS_PATH": str(bad)})
    assert f"{bad}:1: stages: missing required key" in str(info.value)
    assert f"{bad}:1: dimensions: missing required key" in str(info.value)


def test_production_start_without_a_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY_FILE": tmp_path / "none"})


def test_secret_key_file_is_used_when_no_key_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key_file = tmp_path / "secret_key"
    key_file.write_text("0123456789abcdef" * 4 + "\n")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY_FILE": key_file})
    assert app.config["SECRET_KEY"] == "0123456789abcdef" * 4


def test_settings_come_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("ASSESSOR_MAX_CONTENT_LENGTH", "12345")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["MAX_CONTENT_LENGTH"] == 12345
