"""Signature, name and date lines and blank tables → a form (`forms/<id>.yml`) with fields and tables.

A run of short 'Label:' lines (or lines of underscores or dots to write on) is a form; its
labels become fields, typed by what they ask for (a signature, a date, a long answer).
"""
from __future__ import annotations

import re
from typing import Any

from generator.importer.blocks import Block
from generator.importer.ids import Names, slug

BLANK = re.compile(r"[_.…]{4,}")
FIELD = re.compile(r"^(?P<label>[A-Z][^.!]{1,90}?)(:|\?|\s*[_.…]{4,})\s*$")
FIELD_WORDS = re.compile(r"\b(name|signature|signed|date|address|postcode|telephone|tel|email|relationship|position|role|class|details)\b", re.I)


def is_field(block: Block) -> bool:
    text = BLANK.sub("", block.plain).strip()
    if block.kind not in ("para", "heading") or len(text) > 100:
        return False
    return bool(FIELD.match(block.plain.strip())) or (bool(FIELD_WORDS.search(text)) and len(text.split()) <= 6 and not text.endswith("."))


def field_type(label: str) -> str:
    low = label.lower()
    if re.search(r"\bsign(ed|ature)\b", low):
        return "signature"
    if re.search(r"\bdate\b", low) and "update" not in low:
        return "date"
    if re.search(r"\b(details|describe|please give|what|why|how)\b", low):
        return "textarea"
    return "text"


def find_form_runs(blocks: list[Block], least: int = 3) -> list[tuple[int, int]]:
    """(start, end) of each run of at least `least` field lines, allowing one prose line inside."""
    runs, start, gaps = [], None, 0
    for i, block in enumerate(blocks + [Block("heading")]):
        if is_field(block):
            if start is None:
                start = i
            last, gaps = i, 0
            continue
        if start is not None and block.kind == "para" and gaps < 3 and len(block.plain) < 200:
            gaps += 1
            continue
        if start is not None:
            run = blocks[start : last + 1]
            if sum(is_field(b) for b in run) >= least and any(FIELD_WORDS.search(b.plain) for b in run if is_field(b)):
                runs.append((start, last + 1))
            start = None
    return runs


def make_form(form_id: str, title: str, blocks: list[Block], tables: list[Block]) -> dict[str, Any]:
    names = Names()
    fields, intro = [], []
    for block in blocks:
        if is_field(block):
            for part in re.split(r"(?<=:)\s+(?=[A-Z])", block.plain.strip()):
                label = re.sub(r"[:]\s*$", "", BLANK.sub("", part)).strip() or part.strip()
                fields.append({"id": names.new(slug(label, 4)), "label": label, "type": field_type(label)})
        elif not fields:
            intro.append(block.text)
        else:
            fields.append({"id": names.new(slug(block.plain, 4)), "label": block.plain.strip(), "type": "textarea"})
    form: dict[str, Any] = {"id": form_id, "title": title}
    if intro:
        form["intro"] = "\n\n".join(intro)
    form["fields"] = fields
    if tables:
        form["tables"] = [{"id": names.new(f"table-{i + 1}"), "columns": t.rows[0], "rows": max(8, len(t.rows) - 1)} for i, t in enumerate(tables)]
    return form


def blank_tables(blocks: list[Block]) -> list[int]:
    """Tables with a header row and every other cell empty: logs to fill in."""
    return [i for i, b in enumerate(blocks) if b.kind == "table" and len(b.rows) >= 2 and all(c.strip() for c in b.rows[0]) and not any(c.strip() for r in b.rows[1:] for c in r)]
