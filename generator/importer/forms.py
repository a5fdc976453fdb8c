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
    if block.field:
        return True
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


def _part_name(block: Block) -> bool:
    """A short line naming the fields below it ('Official use'), not itself a field."""
    text = block.plain.strip()
    return block.kind in ("para", "heading") and 0 < len(text.split()) <= 3 and not re.search(r"[.:?]$", text) and not is_field(block)


def find_form_runs(blocks: list[Block], least: int = 3) -> list[tuple[int, int]]:
    """(start, end) of each run of at least `least` field lines, allowing one prose line inside."""
    runs, start, gaps = [], None, 0
    padded = blocks + [Block("heading")]
    for i, block in enumerate(padded):
        if is_field(block):
            if start is None:
                start = i
            last, gaps = i, 0
            continue
        # a prose line, or a heading over more fields ('Details of second reviewing person')
        inside = block.kind == "para" and len(block.plain) < 200 or block.kind == "heading" and len(block.plain.split()) <= 6 and i + 1 < len(blocks) and is_field(padded[i + 1])
        if start is not None and inside and gaps < 3:
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
    fields: list[dict[str, str]] = []
    intro: list[str] = []
    part_of = ""
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        names_part = block.kind == "heading" and nxt is not None and nxt.field or _part_name(block) and nxt is not None and is_field(nxt)
        if names_part and fields and not block.field:
            part_of = block.plain.strip().rstrip(":")  # 'Details of first reviewing person': names the fields below it
            continue
        if is_field(block):
            for part in re.split(r"(?<=:)\s+(?=[A-Z])", block.plain.strip()):
                label = re.sub(r"[:]\s*$", "", BLANK.sub("", part)).strip() or part.strip()
                kind = field_type(label)
                label = f"{part_of}: {label}" if part_of else label
                fields.append({"id": names.new(slug(label, 6 if part_of else 4)), "label": label, "type": kind})
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
