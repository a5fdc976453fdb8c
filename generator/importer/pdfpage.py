"""A PDF's pages → lines of words, each word with its font and position, through pdfium's C text
API (pypdfium2): fast enough for a 50-page policy in about a second."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.importer.blocks import ImportRefused

BULLET_FONTS = ("symbol", "wingding")
BULLET_GLYPHS = {"•", "●", "\uf0b7", "\uf0a7", "\uf0d8", "▪", "■", "◦", "o", "-", "–", "➢", "✓"}
LABEL = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?|[a-z][.)]|\(?[ivx]{1,4}[.)]|\([a-z]\))$")


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    bold: bool
    italic: bool
    symbol: bool
    spaced: bool = True
    """A space or a gap comes before it (not just a change of font)."""
    order: int = 0
    """Its place in the page's text stream (reading order, also for turned text)."""
    turned: bool = False
    """Set across the page (a table turned on its side)."""
    base: float = 0.0
    size: float = 0.0


def joined(words: list[Word], parts: list[str]) -> str:
    """Words split only by a change of font (a bold letter, a curly apostrophe) join without a space."""
    out = parts[0] if parts else ""
    for prev, word, part in zip(words, words[1:], parts[1:]):
        out += " " + part if word.spaced or word.x0 - prev.x1 > 1.5 else part
    return out


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    size: float
    words: list[Word]
    table: list[list[str]] | None = None
    """A ruled table found on the page, standing in the line stream where it starts."""
    field: bool = False
    """A label in a ruled box with a blank box beside it: a line of a form to fill in."""
    turned: bool = False
    """The words of a page set across it, in the page's own order: one line that no table rebuilds."""

    @property
    def text(self) -> str:
        return joined(self.words, [w.text for w in self.words])

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if w.text.strip())

    @property
    def bullet(self) -> bool:
        first = self.words[0]
        gap = self.words[1].x0 - first.x1 if len(self.words) > 1 else 0.0
        # only a dash may start a line of text; after a glyph (or a lone "o") a word space is enough
        return (first.symbol or first.text in BULLET_GLYPHS) and gap > (4 if first.text in "-–" else 1.5)

    @property
    def body_x0(self) -> float:
        """Where the text starts after a bullet or a hanging number ('1.1⇥Text')."""
        hanging = len(self.words) > 1 and LABEL.match(self.words[0].text) and self.words[1].x0 - self.words[0].x1 > 8
        return self.words[1].x0 if self.bullet or hanging else self.x0


def open_pdf(path: Path):  # pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportRefused("this PDF is encrypted (password-protected); save an unprotected copy and import that") from None
        raise ImportRefused(f"this is not a readable PDF ({exc}); expected a PDF saved from Word or a similar program") from None


@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    base: float
    size: float
    font: str
    bold: bool
    italic: bool
    rotated: bool = False


def _chars(page) -> list[_Char]:  # a pypdfium2 page
    """Every character with its box, baseline and font, through pdfium's C text API (fast)."""
    import ctypes

    import pypdfium2.raw as raw

    text = page.get_textpage()
    height = page.get_height()
    box = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    out: list[_Char] = []
    for i in range(raw.FPDFText_CountChars(text)):
        code = raw.FPDFText_GetUnicode(text, i)
        if code in (10, 13) or raw.FPDFText_IsGenerated(text, i) == 1 and code != 32:
            out.append(_Char(" ", 0, 0, 0, 0, "", False, False))
            continue
        raw.FPDFText_GetLooseCharBox(text, i, box)
        raw.FPDFText_GetCharOrigin(text, i, ox, oy)
        raw.FPDFText_GetFontInfo(text, i, name, 128, flags)
        font = name.value.decode("latin-1", "replace")
        weight = raw.FPDFText_GetFontWeight(text, i)
        char = "-" if code == 2 else chr(code)
        out.append(_Char(char, box.left, box.right, height - oy.value, raw.FPDFText_GetFontSize(text, i), font,
                         weight >= 600 or "bold" in font.lower() or "black" in font.lower(), bool(flags.value & 64) or "italic" in font.lower() or "oblique" in font.lower(),
                         abs(raw.FPDFText_GetCharAngle(text, i)) > 0.1))
    return out


def _char_words(chars: list[_Char]) -> list[tuple[float, float, Word]]:
    """(baseline, size, word): characters joined until a space, a gap or a change of font."""
    words: list[tuple[float, float, Word]] = []
    current: list[_Char] = []
    spaced = [True]

    def close(space: bool) -> None:
        if current:
            first = current[0]
            symbol = any(f in first.font.lower() for f in BULLET_FONTS)
            words.append((first.base, first.size, Word("".join(c.text for c in current), first.x0, current[-1].x1, first.bold, first.italic, symbol, spaced[0], len(words), first.rotated, first.base, first.size)))
            current.clear()
            spaced[0] = space
        elif space:
            spaced[0] = True

    for char in chars:
        if not char.text.strip():
            close(True)
            continue
        if current:
            prev = current[-1]
            if char.rotated and prev.rotated:
                pass  # turned text (a grid's column heads) runs down or up the page: read it in stream order
            elif char.x0 - prev.x1 > 1.5:
                close(True)
            elif abs(char.base - prev.base) > 2:
                close(abs(char.size - prev.size) < 0.5)  # a raised 'th' (24th) joins its number; a new line does not
            elif char.font != prev.font or abs(char.size - prev.size) > 0.5:
                close(False)
        current.append(char)
    close(True)
    return words


def page_lines(page, number: int) -> list[Line]:
    rows: list[tuple[float, float, float, Word]] = []
    for base, size, word in _char_words(_chars(page)):
        rows.append((base - 0.8 * size, base + 0.2 * size, size, word))
    turned = [r for r in rows if r[3].turned]
    if len(turned) > len(rows) / 3:
        rows = [r for r in rows if not r[3].turned]
        aside = Line(number, min(r[0] for r in turned), max(r[1] for r in turned), max(r[2] for r in turned), [r[3] for r in turned], turned=True)
        return sorted(_lines(rows, number) + [aside], key=lambda l: l.top)
    return _diagram(_lines(rows, number))


def _lines(rows: list[tuple[float, float, float, Word]], number: int) -> list[Line]:
    rows.sort(key=lambda r: (r[0], r[3].x0))
    lines: list[Line] = []
    for top, bottom, size, word in rows:
        if lines and abs(lines[-1].top - top) <= 3.5:
            line = lines[-1]
            line.words.append(word)
            line.bottom = max(line.bottom, bottom)
            if not word.symbol:
                line.size = max(line.size, size) if line.size else size
        else:
            lines.append(Line(number, top, bottom, 0.0 if word.symbol else size, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.size = line.size or 10.0
        _superscripts(line)
    return lines


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _superscripts(line: Line) -> None:
    """Small raised digits (a footnote's number, 'Curriculum¹') are printed as superscripts, so
    they do not read as part of the word before them."""
    base = max((w.base for w in line.words if w.size >= line.size - 0.5), default=0.0)
    for word in line.words:
        if word.text.isdecimal() and len(word.text) <= 2 and word.size < 0.8 * line.size and word.base < base - 1:
            word.text = word.text.translate(SUPERSCRIPT)


def _diagram(lines: list[Line], least: int = 3) -> list[Line]:
    """Shapes side by side (a diagram's bubbles) are read shape by shape: where lines side by side
    jump to text written elsewhere in the page's stream, that stretch of the page is read in the
    order the page writes it, each shape's words a line of their own."""
    out: list[Line] = []
    involved: list[float] = []
    for line in lines:
        parts = [[line.words[0]]]
        for a, b in zip(line.words, line.words[1:]):
            if b.x0 - a.x1 > 18 and abs(b.order - a.order) > 1:
                parts.append([])
            parts[-1].append(b)
        out += [Line(line.page, line.top, line.bottom, line.size, ws) for ws in parts]
        involved += [line.top] * (len(parts) - 1)
    staggered = 0
    for up, down in zip(out, out[1:]):
        beside = down.top - up.bottom < up.size and (down.words[0].x0 > up.words[-1].x1 + 18 or down.words[-1].x1 < up.words[0].x0 - 18)
        if beside and abs(down.words[0].order - up.words[-1].order) > 1:
            involved += [up.top, down.top]
            staggered += abs(down.top - up.top) > 2
    if staggered < least:
        return lines  # columns whose lines share baselines are a table or a two-column list, read across
    top, bottom = min(involved), max(involved)
    orders = [w.order for l in out if top <= l.top <= bottom for w in l.words]
    within = [l for l in out if top <= l.top <= bottom or all(min(orders) <= w.order <= max(orders) for w in l.words)]
    region = sorted(within, key=lambda l: l.words[0].order)
    first = min(l.top for l in region)
    rest = [l for l in out if not any(l is r for r in region)]
    return [l for l in rest if l.top < first] + region + [l for l in rest if l.top >= first]


def pictures(page) -> int:  # a pypdfium2 page
    """Images larger than a logo: a logo in a header is not worth a note."""
    import pypdfium2.raw as raw

    count = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        count += (right - left) * (top - bottom) > 150 * 150
    return count


def drawings(page) -> int:  # a pypdfium2 page
    import pypdfium2.raw as raw

    return sum(1 for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2))


