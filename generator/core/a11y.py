"""Page fixes that keep imported tables accessible: a table's empty header cells get a name."""
from __future__ import annotations

import re

EMPTY_HEAD = re.compile(r"<thead>\s*<tr>(?:\s*<th(?: [^>]*)?>\s*</th>)+\s*</tr>\s*</thead>")
EMPTY_CELL = re.compile(r"<th((?: [^>]*)?)>\s*</th>")


def table_headers(html: str) -> str:
    """A header row with no text at all (a layout table without headings) is left out; an empty
    cell in a header row with text is named "(no heading)" for screen readers only."""
    html = EMPTY_HEAD.sub("", html)
    return EMPTY_CELL.sub(r'<th\1><span class="visually-hidden">(no heading)</span></th>', html)
