"""Load untrusted YAML files safely, remembering the line of every value.

The question bank and consultants' answers files are both edited by hand, so every error
must point at a file and a line. PyYAML's ``safe_load`` forgets positions, so this module
composes the node tree (safe tags only) and records the line of each mapping key and
sequence item under its path, e.g. ``("dimensions", 3, "questions", 1)``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Hand-edited files are small; a larger one is a mistake or an attack.
MAX_BYTES = 2 * 1024 * 1024

Loc = tuple[str | int, ...]

#: libyaml's safe loader where PyYAML was built with it (it is on PyPI's wheels): it parses
#: the bank several times faster than the pure-Python one, with the same safe tag set.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(Exception):
    """A file could not be read or parsed; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class YamlDocument:
    """Parsed data plus the line (1-based) of every value, keyed by its path."""

    path: Path
    data: Any
    #: SHA-256 of the file's bytes, so a result can be traced to the exact file.
    sha256: str
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return display_path(self.path)

    def line_of(self, loc: Iterable[str | int]) -> int:
        """Return the line of ``loc`` or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return 1

    def error(self, loc: Iterable[str | int], message: str) -> str:
        """Format ``file:line: path: message``, the shape every file error takes."""
        loc = tuple(loc)
        where = format_loc(loc)
        prefix = f"{self.display_name}:{self.line_of(loc)}: "
        return prefix + (f"{where}: {message}" if where else message)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def format_loc(loc: Iterable[str | int]) -> str:
    """Render ``("dimensions", 3, "id")`` as ``dimensions[3].id``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load(path: str | os.PathLike[str], *, text: str | None = None) -> YamlDocument:
    """Parse ``path`` (or ``text``, reported as ``path``) with safe tags only.

    Anchors and aliases are refused outright: no hand-written bank or answers file needs
    them, and refusing them is what keeps a "billion laughs" document from exploding.
    """
    path = Path(path)
    name = display_path(path)
    if text is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise YamlFileError([f"{name}:1: file is larger than {MAX_BYTES} bytes"])
            raw = path.read_bytes()
        except OSError as exc:
            raise YamlFileError([f"{name}:1: cannot read file: {exc.strerror}"]) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise YamlFileError([f"{name}:{line}: file is not valid UTF-8"]) from None
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlFileError([f"{name}:1: file is larger than {MAX_BYTES} bytes"])

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        _refuse_aliases(node, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlFileError([f"{name}:{line}: YAML syntax error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise YamlFileError([f"{name}:1: YAML error: {exc}"]) from None
    finally:
        loader.dispose()

    lines: dict[Loc, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return YamlDocument(path=path, data=data, sha256=digest, lines=lines)


def _refuse_aliases(root: yaml.Node | None, name: str) -> None:
    """Refuse any node reached twice: that is what an alias is once composed.

    Walking each node once keeps this linear even for a "billion laughs" document.
    """
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1
            raise YamlFileError([f"{name}:{line}: YAML anchors and aliases are not allowed"])
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[loc + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, loc + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), lines)
