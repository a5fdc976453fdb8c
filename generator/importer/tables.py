"""Ruled tables in a PDF, found by pdfplumber from the lines drawn on the page (only on pages that
draw many lines: pdfplumber reads a page far slower than pdfium)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

Box = tuple[float, float, float, float]
# Word draws a cell's border as a thin filled box, and double rules a few points apart: snapped
# together they are one rule, not a row or column a few points wide.
SETTINGS = {"snap_tolerance": 5, "join_tolerance": 5}


def ruled_tables(path: Path, pages: list[int]) -> dict[int, list[list[list[Box | None]]]]:
    """Page index → each table's rows of cell boxes (x0, top, x1, bottom); a merged cell is None."""
    import pdfplumber

    found: dict[int, list[list[list[Box | None]]]] = {}
    with pdfplumber.open(path, pages=[i + 1 for i in pages]) as pdf:
        for index, page in zip(pages, pdf.pages):
            tables = [_columns([list(row.cells) for row in t.rows]) for t in page.find_tables(SETTINGS)]
            tables = [t for t in tables if sum(1 for r in t if sum(1 for c in r if c) >= 2) >= 2]
            if tables:
                found[index] = tables
    return found


def _columns(rows: list[list[Box | None]]) -> list[list[Box | None]]:
    """Keep the column rules most rows share: a rule drawn inside one cell only (between two lines
    of a turned column head) splits that cell, not the table."""
    if len(rows) < 3:
        return rows
    starts = Counter(round(box[0]) for row in rows for box in {c for c in row if c})
    keep = {x for x, n in starts.items() if n >= 2}
    out: list[list[Box | None]] = []
    for row in rows:
        merged: list[Box | None] = []
        for box in row:
            if box is None or round(box[0]) in keep or not any(merged):
                merged.append(box)
                continue
            last = max(i for i, b in enumerate(merged) if b)
            left = merged[last]
            assert left is not None
            merged[last] = (left[0], left[1], box[2], max(left[3], box[3]))
            merged.append(None)
        out.append(merged)
    return out
