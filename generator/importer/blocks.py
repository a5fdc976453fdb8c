"""What every reader produces: a flat run of blocks in reading order, with where each came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["heading", "para", "item", "table"]


@dataclass
class Block:
    kind: Kind
    text: str = ""
    """Inline Markdown (already escaped) for headings, paragraphs and list items."""
    where: str = ""
    """Where the block starts in the source, e.g. 'page 3' or 'paragraph 12'."""
    level: int = 0
    """Heading level (1 = section) or list nesting depth (0 = top)."""
    ordered: bool = False
    marker: str = ""
    """The list marker as written ('a)', 'i.'), for ordered items."""
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False
    """A table whose first row is a header row."""
    guessed: str = ""
    """Why this block's kind is a guess (shown in the report), e.g. 'heading from bold text'."""
    plain: str = ""
    """The text without Markdown, for matching and word counts."""
    field: bool = False
    """A form's label with a blank to fill in beside it (a ruled box)."""
    form: str = ""
    """Where a form taken out of the text stood: its ID (the block has no text of its own)."""
    note: bool = False
    """A footnote under the paragraph citing it: it stays in that paragraph's clause."""


@dataclass
class Removed:
    """What a reader dropped, counted per kind for the report."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


class ImportRefused(Exception):
    """A document the importer cannot read; the message says what to do instead."""
