"""Plain text and Markdown → blocks: blank lines separate paragraphs; `#` lines and short
unpunctuated lines standing alone are headings; `-`, `*`, `•` and `1.` lines are list items."""
from __future__ import annotations

import re
from pathlib import Path

from generator.importer.blocks import Block, ImportRefused
from generator.importer.inline import escape

ITEM = re.compile(r"^(\s*)([-*•]|\d+[.)]|[a-z][.)]|[ivx]{1,5}[.)]|\((?:[a-z]|[ivx]{1,5}|\d{1,2})\))\s+(.*)$")
HASH = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")


def read_text(path: Path) -> list[Block]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("this text file is not UTF-8; save it as UTF-8 text and import it again") from None
    markdown = path.suffix.lower() == ".md"
    blocks: list[Block] = []
    for n, chunk in _chunks(text):
        blocks += _chunk_blocks(chunk, n, markdown)
    return blocks


def _chunks(text: str) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not current:
                start = i
            current.append(line.rstrip())
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
    return out


def _chunk_blocks(lines: list[str], n: int, markdown: bool) -> list[Block]:
    where = f"line {n}"
    head = HASH.match(lines[0])
    if head and len(lines) == 1:
        return [Block("heading", _inline(head.group(2), markdown), where, min(len(head.group(1)), 3), plain=head.group(2))]
    if all(ITEM.match(l) or l.startswith((" ", "\t")) for l in lines) and ITEM.match(lines[0]):
        return _items(lines, where, markdown)
    joined = " ".join(l.strip() for l in lines)
    if len(lines) == 1 and len(joined) < 80 and not re.search(r"[.:;,!?]$", joined) and not markdown:
        return [Block("heading", escape(joined), where, 1, plain=joined, guessed="heading from a short line standing alone")]
    return [Block("para", _inline(joined, markdown), where, plain=joined)]


def _items(lines: list[str], where: str, markdown: bool) -> list[Block]:
    out: list[Block] = []
    for line in lines:
        m = ITEM.match(line)
        if not m:
            out[-1].text += " " + _inline(line.strip(), markdown)
            out[-1].plain += " " + line.strip()
            continue
        indent = len(m.group(1).expandtabs(4))
        depth = indent // 4 if indent % 4 == 0 else indent // 2
        ordered = m.group(2) not in {"-", "*", "•"}
        out.append(Block("item", _inline(m.group(3), markdown), where, min(depth, 3), ordered, m.group(2), plain=m.group(3)))
    return out


def _inline(text: str, markdown: bool) -> str:
    return text if markdown else escape(text)
