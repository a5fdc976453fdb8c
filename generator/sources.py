"""Source files → raw data with the line of every key, read through a `Reader`.

A reader is anything that lists and reads files under a root, so the same loader reads the
working tree or a git revision.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.errors import Problem

MAX_BYTES = 1_000_000
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = tuple[Any, ...]


class Reader(Protocol):
    def list(self, folder: str) -> list[str]: ...
    def read(self, path: str) -> bytes: ...


@dataclass(frozen=True)
class FolderReader:
    root: Path

    def list(self, folder: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()


@dataclass(frozen=True)
class GitReader:
    """Files as they were at a git revision, read without checking it out."""

    repo: Path
    rev: str

    def list(self, folder: str) -> list[str]:
        out = self._git("ls-tree", "-r", "--name-only", self.rev, "--", folder)
        return sorted(line for line in out.decode().splitlines() if line)

    def read(self, path: str) -> bytes:
        return self._git("show", f"{self.rev}:{path}")

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", "-C", str(self.repo), *args], check=True, capture_output=True).stdout


@dataclass
class Doc:
    """One parsed source: its data, the line of each key path, and (for clauses) its body."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, loc: Loc = ()) -> int:
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


def _line_map(node: yaml.Node, offset: int, loc: Loc = (), out: dict[Loc, int] | None = None) -> dict[Loc, int]:
    out = {} if out is None else out
    out.setdefault(loc, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = loc + (key.value,)
            out[child] = key.start_mark.line + 1 + offset
            _line_map(value, offset, child, out)
            out[child] = key.start_mark.line + 1 + offset
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _line_map(value, offset, loc + (i,), out)
    return out


def _decode(path: str, raw: bytes) -> tuple[str | None, Problem | None]:
    if len(raw) > MAX_BYTES:
        return None, Problem(path, 1, f"file is {len(raw):,} bytes; expected at most {MAX_BYTES:,} (split it into several clauses)")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(path, line, f"byte 0x{raw[exc.start]:02x} is not UTF-8; expected a UTF-8 text file (save it as UTF-8)")


def _compose_and_construct(text: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    """One parse: the node tree (for line numbers) and the data constructed from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(path: str, text: str, offset: int = 0) -> tuple[Doc | None, Problem | None]:
    try:
        try:
            node, data = _compose_and_construct(text, FAST_LOADER)  # libyaml: ~50x faster
        except yaml.YAMLError:  # the pure-Python parser's message, as before
            node, data = _compose_and_construct(text, yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 if mark else 1) + offset
        what = getattr(exc, "problem", None) or str(exc)
        hint = "; indent with spaces, not tabs" if "\\t" in what or "\t" in what else ""
        return None, Problem(path, line, f"malformed YAML: {what}{hint}; expected valid YAML")
    lines = _line_map(node, offset) if node is not None else {}
    return Doc(path, data if data is not None else {}, lines), None


def load_yaml(reader: Reader, path: str) -> tuple[Doc | None, Problem | None]:
    text, problem = _decode(path, reader.read(path))
    if text is None:
        return None, problem
    return parse_yaml(path, text)


def load_markdown(reader: Reader, path: str) -> tuple[Doc | None, Problem | None]:
    """A clause: YAML front matter between `---` lines, then the Markdown body."""
    text, problem = _decode(path, reader.read(path))
    if text is None:
        return None, problem
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, Problem(path, 1, "no front matter; expected the file to start with a '---' line, then YAML (id: …), then '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return None, Problem(path, 1, "front matter is not closed; expected a second '---' line after the YAML")
    doc, problem = parse_yaml(path, "".join(lines[1:end]), offset=1)
    if doc is None:
        return None, problem
    doc.body = "".join(lines[end + 1 :]).strip("\n")
    doc.body_line = end + 2
    return doc, None
