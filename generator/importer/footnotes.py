"""Footnotes in a PDF: the text at a page's foot that a raised number in the text cites ('the
National Curriculum¹') leaves the page's flow, which would cut the sentence running on to the
next page, and goes under the paragraph citing it, its number printed as a superscript."""
from __future__ import annotations

from dataclasses import dataclass

from generator.importer.blocks import Block
from generator.importer.pdfpage import SUPERSCRIPT, Line

PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@dataclass
class Note:
    page: int
    mark: str
    """Its number as a superscript ('¹')."""
    lines: list[Line]


def split(pages: list[list[Line]], heights: list[float]) -> tuple[list[list[Line]], list[Note]]:
    """Each page's lines without its footnotes, and the footnotes, in order."""
    cited: list[str] = []
    notes: list[Note] = []
    out: list[list[Line]] = []
    for lines, height in zip(pages, heights):
        start = _start(lines, height, cited)
        for line in lines[:start]:
            cited += [w.text for w in line.words if w.text and w.text in SUPERSCRIPTS]
        found = _notes(lines[start:], cited)
        notes += found
        cited = [c for c in cited if c not in {n.mark for n in found}]
        out.append(lines[:start])
    return out, notes


SUPERSCRIPTS = {str(n).translate(SUPERSCRIPT) for n in range(1, 100)}


def _start(lines: list[Line], height: float, cited: list[str]) -> int:
    """Where the page's footnotes begin: a line in its lower half, after a wider gap than a
    paragraph's, opening with the number of a footnote cited on this page or before."""
    seen = list(cited)
    for i, line in enumerate(lines):
        first = line.words[0].text.translate(PLAIN).translate(SUPERSCRIPT) if line.words else ""
        gap = line.top - lines[i - 1].bottom if i else 0.0
        if i and first in seen and line.top > height / 2 and gap > 1.5 * line.size and len(line.words) > 1:
            return i
        seen += [w.text for w in line.words if w.text in SUPERSCRIPTS]
    return len(lines)


def _notes(lines: list[Line], cited: list[str]) -> list[Note]:
    """The footnotes at a page's foot, split where the next cited number opens one, mid-line too."""
    notes: list[Note] = []
    for line in lines:
        current = Line(line.page, line.top, line.bottom, line.size, [])
        for word in line.words:
            mark = word.text.translate(PLAIN).translate(SUPERSCRIPT)
            opens = mark in cited and mark not in {n.mark for n in notes} and (not current.words or word.size < 0.8 * line.size)
            if opens:
                if current.words and notes:
                    notes[-1].lines.append(current)
                current = Line(line.page, line.top, line.bottom, line.size, [])
                word.text = mark
                notes.append(Note(line.page, mark, []))
            elif notes and len(current.words) == 1 and current.words[0].text == notes[-1].mark:
                word.spaced = True  # '¹The' as Typst sets it: the number and the text read apart
            current.words.append(word)
        if current.words and notes:
            notes[-1].lines.append(current)
    return notes


def place(blocks: list[Block], notes: list[tuple[Note, list[Block]]]) -> None:
    """Each footnote under the last block, up to its page, that cites it (after the footnotes
    already there); else where its page ends."""
    placed: set[int] = set()
    for note, found in notes:
        pages = [int(b.where.split()[-1]) if b.where.startswith("page ") else 0 for b in blocks]
        citing = [i for i, b in enumerate(blocks) if id(b) not in placed and pages[i] <= note.page and note.mark in _text(b)]
        at = citing[-1] + 1 if citing else max((i + 1 for i, p in enumerate(pages) if p == note.page), default=len(blocks))
        while at < len(blocks) and id(blocks[at]) in placed:
            at += 1
        for block in found:
            block.note = True
        blocks[at:at] = found
        placed |= {id(b) for b in found}


def _text(block: Block) -> str:
    return block.plain + " ".join(c for r in block.rows for c in r)
