"""Source files → raw data with the line of every key, read through a `Reader`.

A reader is anything that lists and reads files under a root, so the same loader reads the
working tree or a git revision.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.errors import Problem

MAX_BYTES = 1_000_000
MAX_YAML_DEPTH = 50
MAX_ENTRIES = 1_000
BOM = "\ufeff"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = tuple[Any, ...]


class Reader(Protocol):
    def list(self, folder: str) -> list[str]: ...
    def read(self, path: str) -> bytes: ...


class OutsideProject(OSError):
    """A source that is a symlink to a file outside the project: its content is never read."""


@dataclass(frozen=True)
class FolderReader:
    root: Path

    def list(self, folder: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())

    def read(self, path: str) -> bytes:
        target = self.root / path
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise OutsideProject(f"{path} is a symlink to {target.resolve()}, outside the project")
        return target.read_bytes()


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


ALIASES = "YAML anchors and aliases (&name / *name) are not allowed in sources; write the value out"
CONTROL_NAMES = {"\x00": "NUL", "\x7f": "DEL"}
MAX_NUMBER_CHARS = 50
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
TIMESTAMPS = yaml.constructor.SafeConstructor()


def _line(event: yaml.Event) -> int:
    return event.start_mark.line if event.start_mark else 0


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class _Walk:
    """The line of each key path, and what the node tree holds that its data would hide."""

    offset: int
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def node(self, node: yaml.Node, loc: Loc = ()) -> None:
        self.lines.setdefault(loc, self.line(node))
        if isinstance(node, yaml.MappingNode):
            self.mapping(node, loc)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                self.node(value, loc + (i,))
        elif isinstance(node, yaml.ScalarNode) and (problem := _scalar_problem(node)):
            self.problems.append((self.line(node), problem))

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> None:
        first: dict[tuple[str, Any], int] = {}
        for key, value in node.value:
            line = self.line(key)
            if not isinstance(key, yaml.ScalarNode):
                self.problems.append((line, "a key is a list or mapping; expected plain text before the ':'"))
                continue
            if problem := _scalar_problem(key):
                self.problems.append((line, problem))
            child = loc + (key.value,)
            if (key.tag, key.value) in first:
                self.problems.append((line, f"duplicate key '{key.value}' (first on line {first[key.tag, key.value]}); expected each key once (the second would silently replace the first)"))
            first.setdefault((key.tag, key.value), line)
            self.lines[child] = line
            self.node(value, child)
            self.lines[child] = line

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """What would otherwise fail inside the YAML library, or pass a control character on."""
    if bad := CONTROL.search(node.value):
        return _control_message(bad.group())
    if bad := SURROGATE.search(node.value):
        return f"\\u{ord(bad.group()):04X} is half of a character (an unpaired surrogate); expected text, e.g. the character itself"
    if node.tag in NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        return f"number is {len(node.value):,} characters long; expected at most {MAX_NUMBER_CHARS} (put it in quotes if it is text)"
    if node.tag == TIMESTAMP_TAG:
        try:
            TIMESTAMPS.construct_yaml_timestamp(node)
        except ValueError:
            return f"'{node.value}' is not a real date or time; expected a date such as 2024-09-01"
    return None


def _control_message(char: str) -> str:
    name = CONTROL_NAMES.get(char, "control character")
    return f"{name} U+{ord(char):04X} in the text; expected printable text only (tab and newline are fine): remove it"


def _decode(path: str, raw: bytes) -> tuple[str | None, Problem | None]:
    if len(raw) > MAX_BYTES:
        return None, Problem(path, 1, f"file is {len(raw):,} bytes; expected at most {MAX_BYTES:,} (split it into several clauses)")
    try:
        text = raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(path, line, f"byte 0x{raw[exc.start]:02x} is not UTF-8; expected a UTF-8 text file (save it as UTF-8)")
    bad = CONTROL.search(text)
    if bad:
        return None, Problem(path, text.count("\n", 0, bad.start()) + 1, _control_message(bad.group()))
    return text, None


def _read(reader: Reader, path: str) -> tuple[str | None, Problem | None]:
    try:
        raw = reader.read(path)
    except OutsideProject:
        return None, Problem(path, 1, "is a symlink to a file outside the project; expected a file inside the project (copy the file in)")
    return _decode(path, raw)


def _screen(text: str, loader_class: type) -> None:
    """One pass over the parser's events, before any node is built: refuse aliases, deep nesting
    and very long lists or mappings (each entry costs a model check and maybe a message)."""
    loader, open_ = loader_class(text), [0]
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Refused(_line(event), ALIASES)
            if isinstance(event, yaml.NodeEvent):
                open_[-1] += 1
                if open_[-1] > 2 * MAX_ENTRIES:  # a mapping's entry is two nodes; a list's is one
                    raise _Refused(_line(event), f"more than {MAX_ENTRIES:,} entries in one list or mapping; expected at most {MAX_ENTRIES:,} (split it up)")
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append(0 if isinstance(event, yaml.MappingStartEvent) else MAX_ENTRIES)
                if len(open_) > MAX_YAML_DEPTH + 1:
                    raise _Refused(_line(event), f"YAML nested more than {MAX_YAML_DEPTH} levels deep; expected at most {MAX_YAML_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
    finally:
        loader.dispose()


def _compose_and_construct(text: str, loader_class: type, offset: int) -> tuple[Any, _Walk]:
    """One parse: the node tree, walked for line numbers and problems, then the data built from it."""
    _screen(text, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        walk = _Walk(offset)
        if node is None:
            return None, walk
        walk.node(node)
        return (None if walk.problems else loader.construct_document(node)), walk
    finally:
        loader.dispose()


def parse_yaml(path: str, text: str, offset: int = 0) -> tuple[Doc | None, Problem | None]:
    try:
        try:
            data, walk = _compose_and_construct(text, FAST_LOADER, offset)  # libyaml: ~50x faster
        except yaml.YAMLError:  # the pure-Python parser's message, as before
            data, walk = _compose_and_construct(text, yaml.SafeLoader, offset)
    except _Refused as exc:
        return None, Problem(path, exc.line + 1 + offset, exc.message)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 1 if mark else 1) + offset
        what = getattr(exc, "problem", None) or str(exc)
        hint = "; indent with spaces, not tabs" if "\\t" in what or "\t" in what else ""
        return None, Problem(path, line, f"malformed YAML: {what}{hint}; expected valid YAML")
    if walk.problems:
        return None, Problem(path, *walk.problems[0])
    return Doc(path, data if data is not None else {}, walk.lines), None


def load_yaml(reader: Reader, path: str) -> tuple[Doc | None, Problem | None]:
    text, problem = _read(reader, path)
    if text is None:
        return None, problem
    return parse_yaml(path, text)


def load_markdown(reader: Reader, path: str) -> tuple[Doc | None, Problem | None]:
    """A clause: YAML front matter between `---` lines, then the Markdown body."""
    text, problem = _read(reader, path)
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
