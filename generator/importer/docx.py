"""A Word `.docx` → blocks, with python-docx: headings from styles (or bold-only lines, marked as
guesses), lists from Word numbering or symbol glyphs typed at the start of a Normal paragraph,
bold/italic/links from runs, tables as rows. Page headers and footers live in their own parts
and are left out; comments are counted and left out."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.importer import markers
from generator.importer.blocks import Block, ImportRefused, Removed
from generator.importer.inline import escape, join_runs, link, styled
from generator.importer.pdfpage import SUPERSCRIPT

GLYPH = re.compile(r"^\s*([\uf0b7\uf0a7\uf0d8\uf076\uf0fc•●▪■◦➢·]|o(?=\t))\s*")
HEADING = re.compile(r"^heading\s*(\d)$", re.I)
NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> tuple[list[Block], Removed, str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ImportRefused(f"this is not a readable Word .docx file ({type(exc).__name__}); open it in Word and save it again as .docx") from None
    except Exception as exc:  # a damaged zip or XML
        raise ImportRefused(f"this is not a readable Word .docx file ({type(exc).__name__}); open it in Word and save it again as .docx") from None
    removed = Removed()
    _count_headers(document, removed)
    formats = _numbering(document)
    counts: dict[str, list[int]] = {}
    notes = _footnotes(document)
    marks = {ref.get(f"{NS}id"): str(i).translate(SUPERSCRIPT) for i, ref in enumerate(document.element.body.iter(f"{NS}footnoteReference"), 1)}
    blocks: list[Block] = []
    for n, child in enumerate(document.element.body.iterchildren(), 1):
        if child.tag == f"{NS}p":
            blocks += _paragraph(child, document, (formats, counts, marks), n, removed)
            blocks += [_note(marks[i], notes[i], n) for i in (ref.get(f"{NS}id") for ref in child.iter(f"{NS}footnoteReference")) if i in notes]
        elif child.tag == f"{NS}tbl":
            blocks.append(_table(child, document, n))
    source = "\n".join(b.plain if b.kind != "table" else " ".join(c for r in b.rows for c in r) for b in blocks)
    return blocks, removed, source


def _footnotes(document: Any) -> dict[str, str]:
    """Footnote ID → its text, from the document's footnotes part (separators left out)."""
    from docx.oxml import parse_xml

    part = next((r.target_part for r in document.part.rels.values() if r.reltype.endswith("/footnotes") and not r.is_external), None)
    if part is None:
        return {}
    root = parse_xml(part.blob)
    return {note.get(f"{NS}id"): " ".join("".join(t.text or "" for t in p.iter(f"{NS}t")).strip() for p in note.iter(f"{NS}p")).strip()
            for note in root.iter(f"{NS}footnote") if note.get(f"{NS}type") in (None, "normal")}


def _note(mark: str, text: str, n: int) -> Block:
    """A footnote under the paragraph citing it, its number a superscript as Word prints it."""
    return Block("para", escape(f"{mark} {text}"), f"paragraph {n}", plain=f"{mark} {text}", note=True)


def _count_headers(document: Any, removed: Removed) -> None:
    seen: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            try:
                text = " ".join(p.text for p in part.paragraphs).strip()
            except Exception:  # a missing part reads as no text
                continue
            if text and text not in seen:
                seen.add(text)
                removed.add("running header/footer lines")


def _numbering(document: Any) -> dict[tuple[str, int], tuple[str, str]]:
    """(numId, level) → (numFmt, lvlText), from the numbering part."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for a in root.findall(f"{NS}abstractNum"):
        levels = {}
        for lvl in a.findall(f"{NS}lvl"):
            fmt = lvl.find(f"{NS}numFmt")
            text = lvl.find(f"{NS}lvlText")
            levels[int(lvl.get(f"{NS}ilvl"))] = (fmt.get(f"{NS}val") if fmt is not None else "bullet", text.get(f"{NS}val") if text is not None else "")
        abstract[a.get(f"{NS}abstractNumId")] = levels
    out = {}
    for num in root.findall(f"{NS}num"):
        ref = num.find(f"{NS}abstractNumId")
        if ref is not None:
            for level, value in abstract.get(ref.get(f"{NS}val"), {}).items():
                out[(num.get(f"{NS}numId"), level)] = value
    return out


def _num_pr(p: Any, para: Any) -> tuple[str, int] | None:
    pr = p.find(f"{NS}pPr/{NS}numPr")
    if pr is None:
        style = para.style
        while style is not None and pr is None:
            pr = style.element.find(f"{NS}pPr/{NS}numPr")
            style = style.base_style
    if pr is None:
        return None
    num, lvl = pr.find(f"{NS}numId"), pr.find(f"{NS}ilvl")
    if num is None or num.get(f"{NS}val") == "0":
        return None
    return num.get(f"{NS}val"), int(lvl.get(f"{NS}val")) if lvl is not None else 0


def _runs(para: Any, marks: dict[str, str]) -> tuple[str, str, bool]:
    """(Markdown, plain text, every visible run bold); a footnote's reference is its number."""
    from docx.text.hyperlink import Hyperlink

    parts, plain, bolds = [], [], []
    for item in para.iter_inner_content():
        if isinstance(item, Hyperlink):
            text = item.text
            parts.append(link(text, item.address or ""))
            plain.append(text)
            continue
        text = item.text.replace("\t", " ").replace("\n", " ") + "".join(marks.get(r.get(f"{NS}id"), "") for r in item._r.iter(f"{NS}footnoteReference"))
        bold = bool(item.bold if item.bold is not None else _style_bold(para))
        parts.append(styled(text, bold, bool(item.italic)))
        plain.append(text)
        if text.strip():
            bolds.append(bold)
    return join_runs(parts), "".join(plain).strip(), bool(bolds) and all(bolds)


def _style_bold(para: Any) -> bool:
    style = para.style
    while style is not None:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
    return False


def _count(counts: dict[str, list[int]], numbering: tuple[str, int]) -> list[int]:
    """The counts of a Word list's levels down to this paragraph's, this one counted."""
    num, level = numbering
    levels = (counts.get(num, []) + [0] * (level + 1))[: level + 1]
    levels[level] += 1
    counts[num] = levels
    return levels


def _paragraph(p: Any, document: Any, numbers: tuple[dict, dict[str, list[int]], dict[str, str]], n: int, removed: Removed) -> list[Block]:
    from docx.text.paragraph import Paragraph

    formats, counts, marks = numbers
    para = Paragraph(p, document._body)
    removed.add("Word comments", len(p.findall(f".//{NS}commentReference")))
    images = len(p.findall(f".//{NS}drawing")) + len(p.findall(".//{urn:schemas-microsoft-com:vml}imagedata"))
    markdown, plain, all_bold = _runs(para, marks)
    where = f"paragraph {n}"
    out: list[Block] = []
    if images:
        out.append(Block("para", "", where, guessed=f"{images} image(s) not carried over (a chart or logo): add it under docs/ with alt text if it matters"))
    if not plain:
        return out
    style = para.style.name if para.style is not None else ""
    head = HEADING.match(style)
    if head or style.lower() == "title":
        out.append(Block("heading", _unbold(markdown), where, int(head.group(1)) if head else 0, plain=plain))
        return out
    numbering = _num_pr(p, para)
    glyph = GLYPH.match(plain)
    if numbering or glyph:
        fmt, marker = formats.get(numbering, ("bullet", "")) if numbering else ("bullet", "")
        if numbering and fmt in markers.FORMATS:
            marker = markers.word_label(fmt, marker, _count(counts, numbering))
        level = numbering[1] if numbering else (1 if plain.startswith("o") else _indent_level(p))
        listed = re.match(r"list (bullet|number|continue)\s*(\d)$", style, re.I)
        level = max(level, int(listed.group(2)) - 1) if listed else level
        out.append(Block("item", GLYPH.sub("", markdown), where, level, fmt not in {"bullet", "none"}, marker, plain=GLYPH.sub("", plain)))
        return out
    if all_bold and len(plain) < 100 and not re.search(r"[.,;]$", plain):
        out.append(Block("heading", _unbold(markdown), where, 9, plain=plain, guessed="heading from bold text"))
        return out
    out.append(Block("para", markdown, where, plain=plain))
    return out


def _unbold(markdown: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)


def _indent_level(p: Any) -> int:
    ind = p.find(f"{NS}pPr/{NS}ind")
    left = int(ind.get(f"{NS}left") or ind.get(f"{NS}start") or 0) if ind is not None else 0
    return max(0, left // 720 - 1)


def _table(tbl: Any, document: Any, n: int) -> Block:
    from docx.table import Table

    table = Table(tbl, document._body)
    rows: list[list[str]] = []
    header = False
    for i, row in enumerate(table.rows):
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        rows.append(cells)
        if i == 0:
            header = row._tr.find(f"{NS}trPr/{NS}tblHeader") is not None or _all_bold(row)
    plain = " ".join(c for r in rows for c in r)
    return Block("table", "", f"paragraph {n}", rows=rows, header=header, plain=plain)


def _all_bold(row: Any) -> bool:
    runs = [r for cell in row.cells for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)
