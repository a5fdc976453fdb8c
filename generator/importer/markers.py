"""Sub-clause markers as a document prints them ('a)', '(ii)', 'b.', '3)'): recognised, put in
sequence and nested, so the site shows the same numbers the document prints."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.importer.blocks import Block

MARKER = re.compile(r"^(\(([a-z]|[ivx]{1,5}|\d{1,2})\)|([a-z]|[ivx]{1,5})[.)]|(\d{1,2})\)|(\d{1,2})\.\))(?=\s)")
"""'(a)', '(iv)', '(3)', 'a)', 'b.', 'ii)', '3)', '1.)' before a sub-clause's words. '1.' alone is the
document's clause numbering, not a sub-clause."""
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
         "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}


@dataclass(frozen=True)
class Marker:
    text: str
    """As printed: 'a)', '(ii)'."""
    shape: str
    """The marker's form with its value left out ('(a)', 'i)', '1.)'), to tell one list from another."""
    value: str

    def count(self, kind: str) -> int:
        if kind == "decimal":
            return int(self.value)
        if kind == "roman":
            return ROMAN.get(self.value, 0)
        return ord(self.value) - ord("a") + 1 if len(self.value) == 1 else 0


def read(text: str) -> Marker | None:
    m = MARKER.match(text)
    if not m:
        return None
    printed = m.group(1)
    value = next(g for g in m.groups()[1:] if g)
    shape = printed.replace(value, "#", 1)
    return Marker(printed, shape, value)


def kinds(marker: Marker) -> list[str]:
    """What the marker can count in; 'i)' and 'v)' may be letters or roman numerals."""
    if marker.value.isdigit():
        return ["decimal"]
    out = ["alpha"] if len(marker.value) == 1 else []
    return out + (["roman"] if marker.value in ROMAN else [])


@dataclass
class _Level:
    shape: str
    kind: str
    last: int


def sequence(markers: list[Marker | None]) -> list[int]:
    """The nesting depth of each marker in a run of marked paragraphs, or [] where the run is not
    one list: each list counts from its first value up by one ('a', 'b', 'c'), a new form of marker
    opens a list inside the item above ('i', 'ii' under 'b'), and an earlier form continues its list."""
    levels: list[_Level] = []
    depths: list[int] = []
    for marker in markers:
        if marker is None:
            return []
        depth = _continue(levels, marker)
        if depth is None:
            depth = _open(levels, marker)
        if depth is None:
            return []
        depths.append(depth)
    return depths


def _continue(levels: list[_Level], marker: Marker) -> int | None:
    for depth in range(len(levels) - 1, -1, -1):
        level = levels[depth]
        if level.shape == marker.shape and level.kind in kinds(marker) and marker.count(level.kind) == level.last + 1:
            level.last += 1
            del levels[depth + 1 :]
            return depth
    return None


def _open(levels: list[_Level], marker: Marker) -> int | None:
    for kind in kinds(marker):
        if marker.count(kind) == 1 and not any(level.shape == marker.shape and level.kind == kind for level in levels):
            levels.append(_Level(marker.shape, kind, 1))
            return len(levels) - 1
    return None  # a list restarting or skipping a value: not one the import can be sure of


def counted(markers: list[str]) -> bool:
    """Markers a Markdown ordered list prints the same: '1.', '1)' or '1.)' from one upwards."""
    found = [re.fullmatch(r"(\d{1,2})(\.|\)|\.\))", m.strip()) for m in markers]
    return all(f is not None and int(f.group(1)) == i for i, f in enumerate(found, 1))


def word_label(fmt: str, template: str, counts: list[int]) -> str:
    """The marker Word prints for a numbered paragraph: its level text ('%2)') with each %n as the
    count of level n in that level's format; '' where the format is not one of these."""
    def value(match: re.Match[str]) -> str:
        n = int(match.group(1)) - 1
        count = counts[n] if n < len(counts) else 1
        return _format(fmt if n == len(counts) - 1 else "decimal", count)

    if fmt not in FORMATS:
        return ""
    return re.sub(r"%(\d)", value, template)


def _format(fmt: str, count: int) -> str:
    return FORMATS.get(fmt, str)(count)


def _roman(n: int) -> str:
    return next((k for k, v in ROMAN.items() if v == n), str(n))


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26)


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


def settle(blocks: list[Block]) -> None:
    """Each list of numbered items that a Markdown ordered list would not print the same ('a)',
    '(ii)', or numbers not from one) keeps its printed markers in its items' text instead."""
    open_lists: dict[int, list[Block]] = {}
    for block in [*blocks, None]:
        if block is None or block.kind != "item":
            _close(open_lists, -1)
            continue
        _close(open_lists, block.level)
        if block.ordered and block.marker:
            open_lists.setdefault(block.level, []).append(block)


def printed(block: Block) -> bool:
    """An item whose number the text must carry (a bullet's glyph is not a number)."""
    return not block.ordered and bool(re.match(r"\(?[0-9A-Za-z]", block.marker))


def _close(open_lists: dict[int, list[Block]], above: int) -> None:
    for level in [lv for lv in open_lists if lv > above]:
        items = open_lists.pop(level)
        if not counted([b.marker for b in items]):
            for item in items:
                item.ordered = False
