"""Source text that must not reach a page: scripts, event handlers, and links out of the project."""
from __future__ import annotations

import re
from typing import Iterable, Protocol

from generator.errors import Problem

UNSAFE = [
    (re.compile(r"<\s*(script|iframe|object|embed|style|form|input|meta|link|base)\b", re.I), "raw <{0}> HTML", "plain Markdown (scripts and embedded content are not allowed)"),
    (re.compile(r"\bon([a-z]+)\s*=", re.I), "an on{0}= event attribute", "plain Markdown without HTML event handlers"),
    (re.compile(r"(?:javascript|vbscript|data)\s*:", re.I), "a script or data: URL", "an https://, mailto: or tel: link"),
]
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:src|href)\s*=\s*[\"']([^\"']+)", re.I)


class Located(Protocol):
    text: str
    path: str
    line: int


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def _bad_link(target: str) -> bool:
    if re.match(r"^(https?:|mailto:|tel:|#)", target, re.I):
        return False
    return target.startswith("/") or ".." in target.split("/") or "://" in target or target.startswith("file:")


def unsafe(texts: Iterable[Located]) -> list[Problem]:
    problems = []
    for t in texts:
        for pattern, what, expected in UNSAFE:
            for m in pattern.finditer(t.text):
                problems.append(Problem(t.path, t.line + _line(t.text, m.start()), f"{what.format(m.group(1).lower() if m.groups() else '')} in source text; expected {expected}"))
        for m in LINK.finditer(t.text):
            target = m.group(1) or m.group(2)
            if _bad_link(target):
                problems.append(Problem(t.path, t.line + _line(t.text, m.start()), f"link to '{target}' leaves the project; expected an https:// address, a #anchor or a [[clause-id]] reference"))
    return problems
