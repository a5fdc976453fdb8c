"""Cover facts ("DATE OF ADOPTION: November 2020", a two-column cover table) → the adoption record.

A fact is taken only when its label is one this knows and its value reads as what the label
says (a date for a date); anything else stays in the text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from generator.dates import parse_policy_date
from generator.importer.blocks import Block

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
DATE_LABELS = {
    "adopted": r"date of adoption|adopted( on)?|date adopted|approved( on)?|date approved|policy date|agreed( on)?",
    "review_due": r"date of next review|next review( date)?|review date|to be reviewed( on| by date)?|review due",
}
TEXT_LABELS = {
    "approving_committee": r"(to be )?ratified by|approved by|committee|responsible committee",
    "version": r"version( dated?)?|version number",
    "policy_lead": r"policy lead|lead|owner|responsible person|author",
}
EXTRA_LABELS = r"date of review|last reviewed|reviewed|amended|updated|(to be )?reviewed by"
SCHOOL = re.compile(r"(?:[A-Z][\w'’&-]*\s+){1,5}(?:School|Academy|College)")
"""A letterhead line naming the school and nothing else."""
LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z /&'-]{1,40}?)\s*[:–-]\s+(.+?)\s*$")
DATE = re.compile(r"((\d{1,2}(st|nd|rd|th)?\s+)?(January|February|March|April|May|June|July|August|September|October|November|December|Spring|Summer|Autumn)(\s+Term)?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})", re.I)


@dataclass
class Cover:
    facts: dict[str, str] = field(default_factory=dict)
    extra: list[tuple[str, str]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    """Indexes of blocks taken whole into the record."""


def read_cover(blocks: list[Block], limit: int = 25) -> Cover:
    """Facts on the cover (the first blocks), taken out of the text, or in a closing note (the last
    few), recorded and left in place: the policy's own last words stay as they are."""
    cover = Cover()
    ends = set(range(min(limit, len(blocks)))) | set(range(max(0, len(blocks) - 6), len(blocks)))
    for i in sorted(ends):
        block = blocks[i]
        if i < limit and SCHOOL.fullmatch(block.plain.strip()) and not any(label == "School" for label, _ in cover.extra) and block.kind in ("heading", "para"):
            cover.extra.append(("School", block.plain.strip()))
            cover.used.add(i)
            continue
        pairs = _pairs(block)
        if pairs and all(_take(cover, label, value) for label, value in pairs) and i < limit:
            cover.used.add(i)
    return cover


def _pairs(block: Block) -> list[tuple[str, str]]:
    if block.kind == "table":
        if all(len(r) == 2 for r in block.rows) and block.rows:
            return [(r[0].rstrip(":"), r[1]) for r in block.rows]
        return []
    if block.kind not in ("para", "heading"):
        return []
    m = LABEL.match(block.plain)
    return [(m.group(1), m.group(2))] if m else []


def _take(cover: Cover, label: str, value: str) -> bool:
    key = label.strip().lower()
    for name, pattern in DATE_LABELS.items():
        if re.fullmatch(pattern, key):
            date = _date(value)
            found = DATE.search(value)
            rest = _rest(value[: found.start()] + value[found.end() :]) if found else []
            if rest is None and found and re.fullmatch(r"[\s\d,;–-]*", value[found.end() :]) and not value[: found.start()].strip():
                rest = [(label.strip().capitalize(), value.strip())]  # 'March 2021 2020': the date, and the line as printed
            if date and name not in cover.facts and rest is not None:
                cover.facts[name] = date
                cover.extra += rest
                return True
            return False
    if len(value.split()) > 8:
        return False  # a sentence, not a fact: it stays in the text
    for name, pattern in TEXT_LABELS.items():
        if re.fullmatch(pattern, key) and name not in cover.facts:
            cover.facts[name] = value.strip()
            return True
    if re.fullmatch(EXTRA_LABELS, key):
        cover.extra.append((label.strip().capitalize(), value.strip()))
        return True
    return False


def _rest(text: str) -> list[tuple[str, str]] | None:
    """What follows a date on its line: nothing, another fact ('Amended Feb 2021'), or words that
    are no fact (None: the line stays in the text)."""
    text = text.strip(" ,;–-")
    if not text:
        return []
    m = re.fullmatch(r"([A-Za-z][A-Za-z ]{1,30}?)\s*[:–-]?\s+(\S.*)", text)
    if m and re.fullmatch(EXTRA_LABELS, m.group(1).strip().lower()):
        return [(m.group(1).strip().capitalize(), m.group(2).strip())]
    return None


def _date(value: str) -> str | None:
    """The date as the model writes it: 2024-03-12 when the day is given, else 'March 2024' or 'Summer 2021'."""
    m = DATE.search(value)
    if not m:
        return None
    text = re.sub(r"\s+Term", "", m.group(0), flags=re.I)
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _iso(year + 2000 if year < 100 else year, month, day)
    dated = re.match(r"^(\d{1,2})(st|nd|rd|th)?\s+", text)
    words = text[dated.end() :].split() if dated else text.split()
    month_year = f"{words[0].capitalize()} {words[1]}"
    if dated and words[0].lower() in MONTHS:
        return _iso(int(words[1]), MONTHS[words[0].lower()], int(dated.group(1)))
    return month_year if parse_policy_date(month_year) else None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
