"""Bounds on Markdown source text that keep every renderer fast: size, nesting and open brackets.

Python-Markdown scans from each '[' (and from each '(' after ']') to its closing bracket, and
from each '<' to its '>', so unclosed or deeply nested brackets make it quadratic; deeply nested
lists, quotes and HTML elements recurse in Python-Markdown, the typesetter and Typst, and very
wide tables are slow to typeset. Each bound is far above what a policy needs.
"""
from __future__ import annotations

import re
from typing import Iterable, Protocol

from generator.errors import Problem

MAX_CHARS = 10_000
MAX_NESTING = 16
MAX_OPEN_BRACKETS = 32
MARKER = re.compile(r"(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*")
BLANK = re.compile(r"\n[ \t]*\n")
PAIRS = {"[": "]", "(": ")"}
UNCLOSED_TAG = re.compile(r"<[A-Za-z/!?][^<>]*(?=<|\Z)")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
MAX_TABLE_COLUMNS = 20


class Source(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...


def limits(texts: Iterable[Source]) -> list[Problem]:
    problems = []
    for text in texts:
        found = _nesting(text) or _size(text) or _html_depth(text) or _table_width(text) or _brackets(text) or _tags(text)
        if found:
            problems.append(found)
    return problems


def _size(source: Source) -> Problem | None:
    if len(source.text) <= MAX_CHARS:
        return None
    return Problem(source.path, source.line, f"text is {len(source.text):,} characters; expected at most {MAX_CHARS:,} in one clause or item (split it into several clauses)")


def nesting(line: str) -> int:
    """How many lists and block quotes a line opens: its indent (4 spaces a level) and its markers."""
    expanded = line.expandtabs(4)
    rest = expanded.lstrip(" ")
    depth = (len(expanded) - len(rest)) // 4
    at = 0
    while (marker := MARKER.match(rest, at)) and marker.end() > at:
        depth, at = depth + 1, marker.end()
    return depth


def _nesting(source: Source) -> Problem | None:
    for i, line in enumerate(source.text.split("\n")):
        if nesting(line) > MAX_NESTING:
            return Problem(source.path, source.line + i, f"lists or block quotes nested more than {MAX_NESTING} levels deep; expected at most {MAX_NESTING} levels")
    return None


def open_brackets(paragraph: str) -> int:
    """Brackets the Markdown renderer must scan past: the deepest nesting plus those never closed."""
    stack: list[str] = []
    deepest = 0
    for char in paragraph:
        if char in PAIRS:
            stack.append(char)
            deepest = max(deepest, len(stack))
        elif stack and char == PAIRS[stack[-1]]:
            stack.pop()
    return deepest + len(stack)


def _brackets(source: Source) -> Problem | None:
    start = 0
    for block in BLANK.split(source.text):
        if open_brackets(block) > MAX_OPEN_BRACKETS:
            line = source.line + source.text.count("\n", 0, source.text.find(block, start))
            return Problem(source.path, line, f"paragraph has more than {MAX_OPEN_BRACKETS} unclosed or nested '[' and '(' brackets; expected at most {MAX_OPEN_BRACKETS} (close each '[' with ']', or write \\[ for a bracket in the text)")
        start += len(block)
    return None


def _tags(source: Source) -> Problem | None:
    unclosed = list(UNCLOSED_TAG.finditer(source.text))
    if len(unclosed) <= MAX_OPEN_BRACKETS:
        return None
    line = source.line + source.text.count("\n", 0, unclosed[0].start())
    return Problem(source.path, line, f"more than {MAX_OPEN_BRACKETS} '<' start an HTML tag that is never closed with '>'; expected at most {MAX_OPEN_BRACKETS} (write &lt; for a '<' in the text)")


def too_deep_tag(text: str) -> int | None:
    """Where the first HTML element nested more than MAX_NESTING deep opens, if one does."""
    depth = 0
    for tag in TAG.finditer(text):
        closing, name, self_closing = tag.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in VOID:
            depth += 1
            if depth > MAX_NESTING:
                return tag.start()
    return None


def _html_depth(source: Source) -> Problem | None:
    at = too_deep_tag(source.text)
    if at is None:
        return None
    return Problem(source.path, source.line + source.text.count("\n", 0, at), f"HTML elements nested more than {MAX_NESTING} levels deep; expected at most {MAX_NESTING} levels")


def _table_width(source: Source) -> Problem | None:
    for i, line in enumerate(source.text.split("\n")):
        if line.replace("\\|", "").count("|") > MAX_TABLE_COLUMNS + 1:
            return Problem(source.path, source.line + i, f"table row has more than {MAX_TABLE_COLUMNS} columns; expected at most {MAX_TABLE_COLUMNS} (split the table)")
    return None
