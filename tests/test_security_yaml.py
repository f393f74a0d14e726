"""Hostile YAML: tags, "billion laughs" aliases, deep nesting and oversized files are refused
quickly, with a clear error, without expanding anything; for the question bank and for
answers files alike."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from assessor.domain import answersfile, bank, yamlfile


def billion_laughs(levels: int = 9) -> str:
    """The classic: nine levels of ten aliases each, a billion strings once expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "billion laughs": (billion_laughs(), "YAML anchors and aliases are not allowed"),
    "merge key": (
        "base: &b {x: 1}\nother:\n  <<: *b\n",
        "YAML anchors and aliases are not allowed",
    ),
    "python object": ("bank: !!python/object/apply:os.system [id]\n", "YAML syntax error"),
    "python name": ("bank: !!python/name:os.system\n", "YAML syntax error"),
    "custom tag": ("bank: !include /etc/passwd\n", "YAML syntax error"),
    "deep nesting": ("bank: " + "[" * 50_000 + "]" * 50_000 + "\n", "YAML syntax error"),
    "huge": ("bank: " + "x" * (yamlfile.MAX_BYTES + 1) + "\n", "larger than"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_refused_fast_and_small(name):
    text, expected = HOSTILE[name]
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(yamlfile.YamlFileError) as info:
            yamlfile.load("hostile.yaml", text=text)
        elapsed = time.perf_counter() - began
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(info.value.errors) == 1
    assert info.value.errors[0].startswith("hostile.yaml:")
    assert expected in info.value.errors[0]
    assert elapsed < 2
    # Nothing was expanded: memory stays within a few times the document's own size.
    assert peak < 10 * len(text.encode()) + 5_000_000, peak


def test_a_billion_laughs_bank_is_refused(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(bank.BankError) as info:
        bank.load_bank(path)
    assert info.value.errors == [f"{path}:1: YAML anchors and aliases are not allowed"]


@pytest.mark.parametrize("name", ["billion laughs", "python object", "custom tag"])
def test_a_hostile_answers_file_is_refused(tmp_path, shipped_bank, name):
    text, expected = HOSTILE[name]
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(answersfile.AnswersFileError) as info:
        answersfile.load_answers(path, shipped_bank)
    assert expected in info.value.errors[0]
    assert info.value.errors[0].startswith(f"{path}:")


def test_the_loader_is_a_safe_one():
    import yaml

    assert yamlfile._Loader in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)
