"""Ruled tables in a PDF, found by pdfplumber from the lines drawn on the page (only on pages that
draw many lines: pdfplumber reads a page far slower than pdfium)."""
from __future__ import annotations

from pathlib import Path

Box = tuple[float, float, float, float]


def ruled_tables(path: Path, pages: list[int]) -> dict[int, list[list[list[Box | None]]]]:
    """Page index → each table's rows of cell boxes (x0, top, x1, bottom); a merged cell is None."""
    import pdfplumber

    found: dict[int, list[list[list[Box | None]]]] = {}
    with pdfplumber.open(path, pages=[i + 1 for i in pages]) as pdf:
        for index, page in zip(pages, pdf.pages):
            tables = [[list(row.cells) for row in t.rows] for t in page.find_tables()]
            tables = [t for t in tables if sum(1 for r in t if sum(1 for c in r if c) >= 2) >= 2]
            if tables:
                found[index] = tables
    return found
