"""A text-based PDF → blocks, from its lines of words with fonts and positions (`pdfpage`).

Lines are words sharing a baseline; running headers and footers are lines repeated at the
same place on most pages; blocks break where the spacing, indent or font changes, so
paragraphs re-join across line and page breaks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from generator.importer import footnotes, markers
from generator.importer.blocks import Block, ImportRefused, Removed
from generator.importer.inline import escape, escape_start, styled
from generator.importer.pdfpage import BULLET_GLYPHS, LABEL, Line, Word, drawings, joined, open_pdf, page_lines, pictures

PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?$", re.I)
COMMENT = re.compile(r"\s*Commented \[[A-Z]{1,4}\d+(R\d+)?\]:?")
NUMBERED_TITLE = re.compile(r"^\d{1,2}(\.\d{1,2})+\.?\s+[A-Z][^.:;!?]*$")
PAGE_REF = re.compile(r"\S\s+(\d{1,3})(\s*[-–]\s*\d{1,3})?$")
TOC_LINE = re.compile(r"(\.{4,}|…{2,}|\s)\s*\d{1,3}$")


def _place_tables(lines: list[Line], tables: list[list[list[tuple[float, float, float, float] | None]]]) -> list[Line]:
    """Words inside a ruled table's cells leave their lines and fill the table's cells instead.
    Boxes drawn round a single column of text (a framed cover, a form's answer boxes) stay text."""
    out = list(lines)
    for cells in tables:
        flat = [box for row in cells for box in row if box]
        top, bottom = min(b[1] for b in flat), max(b[3] for b in flat)
        found: list[list[list[Word]]] = [[[] for _ in row] for row in cells]
        taken: set[int] = set()
        for line in out:
            if line.table is not None or not (top - 2 <= line.top and line.bottom <= bottom + 4):
                continue
            for word in line.words:
                spot = _cell(cells, (word.x0 + word.x1) / 2, (line.top + line.bottom) / 2)
                if spot is not None:
                    found[spot[0]][spot[1]].append(word)
                    taken.add(id(word))
        texts = [[joined(ws, [w.text for w in ws]) for ws in (sorted(cell, key=lambda w: w.order) for cell in row)] for row in found]
        rows = [[t for t, box in zip(row, boxes) if box] for row, boxes in zip(texts, cells)]
        if not _is_table(rows):
            if _answer_boxes(rows):
                for line in out:
                    line.field = line.field or all(id(w) in taken for w in line.words)
            continue
        for line in out:
            line.words = [w for w in line.words if id(w) not in taken]
        # a cell another spans (merged across or down) stays, blank, so the cells after it keep their column
        table = _unpadded(_pack([[t if box else "" for t, box in zip(row, boxes)] for row, boxes in zip(texts, cells)]))
        out.append(Line(lines[0].page, top, bottom, 0.0, [Word("", 0, 0, False, False, False)], table=table))
    out = [l for l in out if l.words and (l.table is not None or any(w.text for w in l.words))]
    out.sort(key=lambda l: (l.top, l.x0))
    return out


def _pack(rows: list[list[str]]) -> list[list[str]]:
    """Columns of the ruling that no row writes in go, and a header cell ruled apart from the
    column under it (a shaded head: words in the first row only, beside a column with none
    there) joins that column."""
    width = max((len(r) for r in rows), default=0)
    grid = [r + [""] * (width - len(r)) for r in rows]
    columns = [[r[c] for r in grid] for c in range(width) if any(r[c].strip() for r in grid)]
    if not columns:
        return rows
    packed = [columns[0]]
    for column in columns[1:]:
        if _head_only(packed[-1]) != _head_only(column) and not any(a.strip() and b.strip() for a, b in zip(packed[-1], column)):
            packed[-1] = [a if a.strip() else b for a, b in zip(packed[-1], column)]
        else:
            packed.append(column)
    return [list(r) for r in zip(*packed)]


def _unpadded(rows: list[list[str]]) -> list[list[str]]:
    """Blank rows above the first words, and between the first row and the next written one, are
    the ruling of a shaded head, not rows: a blank log (only blank rows under its head) keeps them."""
    def blank(row: list[str]) -> bool:
        return not any(c.strip() for c in row)

    rows = rows[next((i for i, r in enumerate(rows) if not blank(r)), 0) :]
    after = next((i for i, r in enumerate(rows[1:], 1) if not blank(r)), None)
    return rows[:1] + rows[after:] if after else rows


def _head_row(row: list[str]) -> bool:
    """Words in every cell but a blank corner (over a column of row labels): a header row."""
    corner = next((i for i, c in enumerate(row) if c.strip()), len(row))
    return corner <= 1 and len(row) - corner >= 2 and all(c.strip() for c in row[corner:])


def _head_only(column: list[str]) -> bool:
    return bool(column[0].strip()) and not any(c.strip() for c in column[1:])


def _answer_boxes(rows: list[list[str]]) -> bool:
    """Labels down the left, blank boxes beside them: a form ('Name', 'Position', 'Signature')."""
    return len(rows) >= 2 and all(len(r) >= 2 and r[0].strip() and not any(c.strip() for c in r[1:]) for r in rows)


def _is_table(rows: list[list[str]]) -> bool:
    filled = [sum(1 for t in row if t) for row in rows]
    blank_log = filled[0] >= 2 and not any(filled[1:])
    return sum(1 for n in filled if n >= 2) >= 2 or blank_log


def _cell(cells: list, x: float, y: float) -> tuple[int, int] | None:
    for r, row in enumerate(cells):
        for c, box in enumerate(row):
            if box and box[0] <= x <= box[2] and box[1] - 2 <= y <= box[3] + 2:
                return r, c
    return None


def _running(pages: list[list[Line]], heights: list[float], removed: Removed) -> list[list[Line]]:
    """Drop page numbers and lines repeated near the same place on most pages."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower()).strip()

    def margin(line: Line, height: float) -> bool:
        return line.top < 0.12 * height or line.bottom > 0.88 * height

    seen: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        seen.update({(key(l), round(l.top / 6)) for l in lines})
    need = max(2, (len(pages) + 1) // 2) if len(pages) > 2 else 2
    out = []
    for lines, height in zip(pages, heights):
        kept: list[Line] = []
        below: Line | None = None
        for line in lines:
            repeated = len(pages) > 1 and seen[(key(line), round(line.top / 6))] >= need
            # a letterhead's lower lines run below the margin: they go with the repeated line above them
            under = below is not None and -line.size < line.top - below.bottom < line.size
            if margin(line, height) and PAGE_NUMBER.match(line.text.strip()):
                removed.add("page numbers")
            elif repeated and (margin(line, height) or under):
                removed.add("running header/footer lines")
                below = line if line.top < height / 2 else None
                continue
            else:
                kept.append(line)
            below = None
        out.append(kept)
    return out


def _strip_comments(lines: list[Line], removed: Removed) -> None:
    for line in lines:
        text = line.text
        if COMMENT.search(text):
            cut = [w for w in line.words if not re.fullmatch(r"Commented|\[[A-Z]{1,4}\d+(R\d+)?\]:?", w.text)]
            removed.add("Word comment markers", len(COMMENT.findall(text)))
            line.words = cut or line.words[:0]


def _line_markdown(line: Line) -> str:
    words = line.words[1:] if line.bullet else line.words
    parts = [styled(w.text, w.bold and not line.bold, w.italic) for w in words]
    return joined(words, parts).replace("** **", " ").replace("* *", " ").replace("****", "")


def _dehyphen(prev: str, nxt: str, vocabulary: Counter[str]) -> str:
    """Join two wrapped lines. A line-end hyphen goes where the joined word occurs elsewhere, or
    where neither half is a word of the document (com-prehensive); it stays in near-misses."""
    m = re.search(r"([A-Za-z]+)[-\u00ad]$", prev)
    n = re.match(r"([a-z]+)", nxt)
    if prev.endswith("\u00ad"):
        return prev[:-1] + nxt
    if m and n:
        head, tail = m.group(1).lower(), n.group(1).lower()
        if (head + tail) in vocabulary or (vocabulary[head] <= 1 and vocabulary[tail] <= 1):
            return prev[:-1] + nxt
    if prev.endswith("-") and m:
        return prev + nxt
    return f"{prev} {nxt}"


@dataclass
class _Style:
    body: float
    heading_sizes: list[float]
    bold_body: bool = False
    """Most text is bold (a form, say): bold then says nothing about headings."""


def _style(lines: list[Line]) -> _Style:
    sizes = Counter(round(l.size * 2) / 2 for l in lines for _ in l.words)
    body = sizes.most_common(1)[0][0] if sizes else 11.0
    bigger = sorted({s for s in sizes if s > body + 0.9}, reverse=True)
    bold = sum(w.bold for l in lines for w in l.words)
    return _Style(body, bigger, bold > 0.5 * max(1, sum(len(l.words) for l in lines)))


def _heading_level(line: Line, style: _Style) -> int:
    if line.bullet or line.field or line.turned:
        return 0
    size = round(line.size * 2) / 2
    if size in style.heading_sizes:
        return min(1 + style.heading_sizes.index(size), 3)
    if line.bold and not style.bold_body and len(line.text) < 120:
        return len(style.heading_sizes) + 1
    return 0


def read_pdf(path: Path) -> tuple[list[Block], Removed, str]:
    removed = Removed()
    pdf = open_pdf(path)
    try:
        pages = [page_lines(pdf[i], i + 1) for i in range(len(pdf))]
        heights = [float(pdf[i].get_height()) for i in range(len(pdf))]
        ruled = [i for i in range(len(pdf)) if drawings(pdf[i]) >= 15 and pages[i] and not any(l.turned for l in pages[i])]
        with_pictures = [i + 1 for i in range(len(pdf)) if pictures(pdf[i])]
    finally:
        pdf.close()
    if ruled:
        from generator.importer.tables import ruled_tables

        for i, found in ruled_tables(path, ruled).items():
            pages[i] = _place_tables(pages[i], found)
    if not any(pages):
        raise ImportRefused("this PDF has no text layer; run OCR first, for example ocrmypdf, then import the result")
    source = "\n".join(l.text for page in pages for l in page)
    pages = _running(pages, heights, removed)
    pages, notes = footnotes.split(pages, heights)
    blocks = _blocks(_usable([l for page in pages for l in page], removed), removed)
    footnotes.place(blocks, [(note, _blocks(_usable(note.lines, removed), removed)) for note in notes])
    removed.add("footnotes moved under the paragraph citing them", len(notes))
    blocks += [Block("para", "", f"page {n}", guessed="an image (a picture, logo or flowchart) not carried over: if it matters, add it under docs/ and link it with alt text") for n in with_pictures]
    return blocks, removed, source


def _usable(lines: list[Line], removed: Removed) -> list[Line]:
    _strip_comments(lines, removed)
    # an empty bullet (the glyph alone on its line) holds no words; left in, it swallows the next line
    return [l for l in lines if l.words and not all(w.symbol or w.text in BULLET_GLYPHS - {"o", "-", "–"} for w in l.words)]


def _vocabulary(lines: list[Line]) -> Counter[str]:
    return Counter(w.lower() for l in lines for w in re.findall(r"[A-Za-z]+", l.text))


def _column(line: Line) -> float | None:
    """Where a second column starts: after a gap wider than a few spaces (a tab stop)."""
    if line.bullet or line.turned or len(line.words) < 2:
        return None
    for a, b in zip(line.words, line.words[1:]):
        if b.x0 - a.x1 > 18:
            return b.x0
    return None


def _rows(lines: list[Line], i: int, style: _Style) -> tuple[list[list[str]], int]:
    """Two or more lines whose second column starts at the same place make a headerless table."""
    col = _column(lines[i])
    if col is None:
        return [], i
    rows: list[list[str]] = []
    j = i
    while j < len(lines):
        line = lines[j]
        here = _column(line)
        if here is not None and abs(here - col) < 4:
            lefts = [w for w in line.words if w.x1 <= col - 1]
            rights = [w for w in line.words if w.x1 > col - 1]
            left, right = joined(lefts, [w.text for w in lefts]), joined(rights, [w.text for w in rights])
            rows.append([left, right])
        elif rows and abs(line.x0 - col) < 4 and line.top - lines[j - 1].bottom < 0.45 * style.body:
            rows[-1][1] += " " + line.text
        else:
            break
        j += 1
    if len(rows) < 2 or all(LABEL.match(left.strip()) for left, _ in rows):
        return [], i  # hanging numbers ('1.1⇥Text') are numbered paragraphs, not a table
    return rows, j


def _blocks(lines: list[Line], removed: Removed) -> list[Block]:
    style = _style(lines)
    vocab = _vocabulary(lines)
    blocks: list[Block] = []
    current: Block | None = None
    prev: Line | None = None
    indents: list[float] = []
    skip_to = 0
    for i, line in enumerate(lines):
        if i < skip_to:
            continue
        if line.table is not None:
            header = len(line.table) > 1 and _head_row(line.table[0])
            blocks.append(Block("table", "", f"page {line.page}", rows=line.table, header=header, plain=" ".join(c for r in line.table for c in r)))
            current, prev = None, None
            continue
        rows, skip_to = _rows(lines, i, style)
        if rows:
            blocks.append(Block("table", "", f"page {line.page}", rows=rows, plain=" ".join(c for r in rows for c in r), guessed="a two-column layout read as a table without a header row"))
            current, prev = None, lines[skip_to - 1]
            continue
        level = _heading_level(line, style)
        if current is not None and prev is not None and _continues(prev, line, style):
            if current.kind == "heading" and current.guessed and not level:  # a bold paragraph, not a title
                current = blocks[-1] = Block("para", current.text, current.where, plain=current.plain)
            elif current.kind == "para" and level and round(line.size * 2) / 2 not in style.heading_sizes:
                level = 0  # its last, short line
        new = _breaks(prev, line, current, level, style)
        if new:
            current = _start(line, level, style, indents)
            blocks.append(current)
        else:
            assert current is not None
            current.text = _dehyphen(current.text, _line_markdown(line), vocab)
            current.plain = _dehyphen(current.plain, line.text if not line.bullet else joined(line.words[1:], [w.text for w in line.words[1:]]), vocab)
        prev = line
    return [_sentence(b) for b in _drop_toc(_join_split_tables(blocks), removed)]


def _join_split_tables(blocks: list[Block]) -> list[Block]:
    """A table running on over a page break is one table: the next page's part (same columns, no
    header row of its own) joins it, its first row finishing the last row when it starts blank."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is None or block.kind != "table" or prev.kind != "table" or block.where == prev.where or block.header
                or not block.rows or not prev.rows or len(block.rows[0]) != len(prev.rows[-1])):
            out.append(block)
            continue
        rows = [list(r) for r in block.rows]
        if not rows[0][0].strip():
            prev.rows[-1] = [f"{a} {b}".strip() for a, b in zip(prev.rows[-1], rows.pop(0))]
        prev.rows += rows
        prev.plain = " ".join(c for r in prev.rows for c in r)
    return out


def _continues(prev: Line, line: Line, style: _Style) -> bool:
    """The line goes on with the sentence of the line above: lower case, same page, no gap. A bold
    paragraph's lines are then its lines, not a heading (Decoy's Online Safety lost half a
    sentence to a clause title this way)."""
    same_page = prev.page == line.page and line.top >= prev.top
    return same_page and not line.bullet and line.text[:1].islower() and line.top - prev.bottom <= 0.45 * style.body


def _sentence(block: Block) -> Block:
    """A 'heading' that reads as a sentence (a bold note, a cover's closing line) is a paragraph."""
    words = len(block.plain.split())
    if block.kind != "heading" or not (words > 25 or (words > 5 and block.plain.rstrip().endswith("."))):
        return block
    text = styled(block.plain, bold=bool(block.guessed))
    return Block("para", escape_start(text), block.where, plain=block.plain)


def _breaks(prev: Line | None, line: Line, current: Block | None, level: int, style: _Style) -> bool:
    if prev is None or current is None or line.bullet or line.field != prev.field or line.turned or prev.turned:
        return True
    if (current.kind == "heading") != bool(level) or (level and level != current.level):
        return True
    if current.kind == "heading" and prev.page != line.page:
        return True
    if markers.read(line.text) and (markers.read(current.plain) or re.search(r"[:;]$", prev.text.strip())):
        return True  # 'b) …' under 'a) …', or the first item under a lead-in ending ':'
    if NUMBERED_TITLE.match(prev.text) and line.text[:1].isupper():
        return True  # '3.1 Harassment or Victimisation' on a line of its own titles the paragraph below
    same_page = prev.page == line.page
    if same_page and line.top < prev.top - 3.5:
        return True  # back up the page: another shape of a diagram, never the same paragraph
    gap = line.top - prev.bottom if same_page else 0.0
    if same_page and gap > 0.45 * max(style.body, line.size if level else 0):
        return True
    if current.kind == "item":
        return line.x0 < prev.body_x0 - 3
    if same_page and abs(line.x0 - prev.x0) > 30 and line.x0 > prev.x0 and abs(line.x0 - prev.body_x0) > 3:
        return True
    if not same_page:
        return bool(re.search(r"[.:;!?]$", current.plain.strip())) and line.text[:1].isupper()
    return False


def _start(line: Line, level: int, style: _Style, indents: list[float]) -> Block:
    where = f"page {line.page}"
    if level:
        return Block("heading", escape(line.text), where, level, plain=line.text, guessed="" if round(line.size * 2) / 2 in style.heading_sizes else "heading from bold text")
    if line.bullet:
        x = line.x0
        while indents and indents[-1] > x + 8:
            indents.pop()
        if not indents or x > indents[-1] + 8:
            indents.append(x)
        depth = len(indents) - 1
        text = joined(line.words[1:], [w.text for w in line.words[1:]])
        return Block("item", escape_start(_line_markdown(line)), where, depth, plain=text)
    indents.clear()
    if line.turned:
        return Block("para", escape_start(_line_markdown(line)), where, plain=line.text,
                     guessed="words set across the page (a table turned on its side) kept as one paragraph in the page's order: rebuild the table by hand if it matters")
    return Block("para", escape_start(_line_markdown(line)), where, plain=line.text, field=line.field)


def _toc_table(rows: list[list[str]]) -> bool:
    """A contents list laid out with tabs: most rows end in a page number."""
    ends = [bool(re.search(r"(^|\s)\d{1,3}$", row[-1].strip())) for row in rows if row]
    return len(ends) >= 3 and sum(ends) >= 0.6 * len(ends)


def _numbery(text: str) -> bool:
    tokens = text.split()
    digits = sum(t.isdigit() for t in tokens)
    return digits >= 3 and digits >= 0.15 * len(tokens)


def _page_list(blocks: list[Block], i: int) -> int:
    """How many blocks from i on are short entries ending in a page number or range ('Legislation 41',
    'Staff Agreement 24-25'): three or more are a contents list, such as an appendices list."""
    pages: list[int] = []
    while i + len(pages) < len(blocks) and blocks[i + len(pages)].kind != "table" and len(blocks[i + len(pages)].plain.split()) <= 14:
        ref = PAGE_REF.search(blocks[i + len(pages)].plain)
        if not ref or (pages and int(ref.group(1)) < pages[-1]):
            break
        pages.append(int(ref.group(1)))
    # page numbers rise, and skip somewhere ('Year 3', 'Year 4', 'Year 5' is not a contents list)
    return len(pages) if len(pages) >= 3 and any(b - a > 1 for a, b in zip(pages, pages[1:])) else 0


def _drop_toc(blocks: list[Block], removed: Removed) -> list[Block]:
    """A contents list is heading 'Contents' then lines ending in page numbers; the site makes its own."""
    blocks = list(blocks)
    i = 0
    while i < len(blocks):
        n = _page_list(blocks, i)
        if n:
            start = i
            while start > 0 and i - start < 2 and blocks[start - 1].kind == "heading" and len(blocks[start - 1].plain.split()) <= 8:
                start -= 1  # the list's own heading ('Appendices', 'Can be found on the following pages:')
            removed.add("table of contents entries", i + n - start)
            del blocks[start : i + n]
            i = start
        i += 1
    out: list[Block] = []
    skipping = False
    for block in blocks:
        if block.kind == "table" and _toc_table(block.rows):
            removed.add("table of contents entries", len(block.rows))
            while out and out[-1].kind == "para" and re.search(r"\bcontents\b|\s\d{1,3}$", out[-1].plain, re.I):
                out.pop()
                removed.add("table of contents entries")
            continue
        is_toc_line = block.kind != "table" and bool(TOC_LINE.search(block.plain.strip())) and "...." in block.plain
        if block.kind != "table" and re.search(r"^\W*(section\s+)?(table of )?contents(\s+page)?\W*$", block.plain.strip(), re.I):
            skipping = True
            removed.add("table of contents entries")
            continue
        if is_toc_line or (skipping and (TOC_LINE.search(block.plain.strip()) or _numbery(block.plain))):
            removed.add("table of contents entries")
            continue
        skipping = False
        out.append(block)
    return out
