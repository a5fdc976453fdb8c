"""Stable, readable, unique IDs: from a heading, or from a section's name and a clause's first words."""
from __future__ import annotations

import re
import unicodedata

from generator.importer.structure import Draft, walk

STOP = {"the", "a", "an", "of", "and", "or", "to", "in", "for", "on", "at", "by", "with", "is", "are", "be", "this", "that", "we", "our", "will", "all", "as", "it", "its", "any", "may"}


def slug(text: str, words: int = 5) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    tokens = re.findall(r"[a-z0-9]+", ascii_text)
    kept = [t for t in tokens if t not in STOP] or tokens
    return "-".join(kept[:words]) or "clause"


class Names:
    """Hands out IDs never used before in this policy (taken: every ID it has ever had)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = set(taken or ())

    def new(self, base: str) -> str:
        base = base[:60].strip("-") or "clause"
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


def assign(draft: Draft, names: Names) -> None:
    """Give every section and clause without an ID a fresh one."""
    for section in draft.sections:
        if not section.id:
            section.id = names.new(slug(section.title if not section.appendix else f"appendix {section.appendix} {section.title}"))
        for clause in walk(section.clauses):
            if not clause.id:
                clause.id = names.new(slug(clause.title, 5) if clause.title else f"{slug(section.title, 2)}-{slug(clause.plain, 4)}")
