"""A PDF's pages → lines of words, each word with its font and position, through pdfium's C text
API (pypdfium2): fast enough for a 50-page policy in about a second."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.importer.blocks import ImportRefused

BULLET_FONTS = ("symbol", "wingding")
BULLET_GLYPHS = {"•", "\uf0b7", "\uf0a7", "\uf0d8", "▪", "■", "◦", "o", "-", "–", "➢", "✓"}
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
        return len(self.words) > 1 and (first.symbol or first.text in BULLET_GLYPHS) and self.words[1].x0 - first.x1 > 4

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
            words.append((first.base, first.size, Word("".join(c.text for c in current), first.x0, current[-1].x1, first.bold, first.italic, symbol, spaced[0], len(words))))
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
            elif abs(char.base - prev.base) > 2 or char.x0 - prev.x1 > 1.5:
                close(True)
            elif char.font != prev.font or abs(char.size - prev.size) > 0.5:
                close(False)
        current.append(char)
    close(True)
    return words


def page_lines(page, number: int) -> list[Line]:
    rows: list[tuple[float, float, float, Word]] = []
    for base, size, word in _char_words(_chars(page)):
        rows.append((base - 0.8 * size, base + 0.2 * size, size, word))
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
    return lines


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


