"""Page fixes for accessibility: a table's empty header cells get a name, and each navigation
landmark of a page a name of its own."""
from __future__ import annotations

import re

EMPTY_HEAD = re.compile(r"<thead>\s*<tr>(?:\s*<th(?: [^>]*)?>\s*</th>)+\s*</tr>\s*</thead>")
EMPTY_CELL = re.compile(r"<th((?: [^>]*)?)>\s*</th>")


def table_headers(html: str) -> str:
    """A header row with no text at all (a layout table without headings) is left out; an empty
    cell in a header row with text is named "(no heading)" for screen readers only."""
    html = EMPTY_HEAD.sub("", html)
    return EMPTY_CELL.sub(r'<th\1><span class="visually-hidden">(no heading)</span></th>', html)


NAV_LABEL = re.compile(r'(<nav class="md-nav"[^>]*? aria-label=")([^"]*)(")')


def unique_nav_labels(html: str) -> str:
    """The table of contents names each nested list by its heading; a policy that repeats a heading
    ("Policy Statements" under several chapters) would give landmarks the same name, so a repeat
    is numbered ("Policy Statements (2)") for screen readers."""
    seen: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        label = match.group(2)
        seen[label] = seen.get(label, 0) + 1
        return match.group(0) if seen[label] == 1 else f"{match.group(1)}{label} ({seen[label]}){match.group(3)}"

    return NAV_LABEL.sub(number, html)
