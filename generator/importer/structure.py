"""Blocks → a draft policy: the title, sections from the top heading level (appendices
recognised), clauses from paragraphs or the document's own numbering (1.1, 1.1.1), lists and
tables kept with the clause they follow. An unnumbered document stays unnumbered."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer.blocks import Block
from generator.importer.inline import escape

NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\\?[.)])?(?=\s)\s*")
APPENDIX = re.compile(r"^(appendix|annex)\s+([A-Z0-9]{1,3})\b[\s:.–—-]*(.*)$", re.I)


@dataclass
class DraftClause:
    body: str
    where: str
    title: str | None = None
    numbered: bool = False
    depth: int = 0
    children: list["DraftClause"] = field(default_factory=list)
    plain: str = ""
    id: str = ""
    notes: list[str] = field(default_factory=list)
    """What was guessed in this clause, for the report."""


@dataclass
class DraftSection:
    title: str
    where: str
    numbered: bool = False
    appendix: str | None = None
    clauses: list[DraftClause] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    id: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    title: str
    sections: list[DraftSection]
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(where in the source, what was guessed)."""


def find_title(blocks: list[Block], fallback: str) -> tuple[str, list[Block]]:
    title, rest = _find_title(blocks, fallback)
    for block in rest[: len(blocks) - len(rest) and _title_index(blocks, rest)]:
        if block.kind == "heading" and block.guessed:
            block.kind, block.guessed = "para", ""  # a bold letterhead above the title is not a section
    return title, rest


def _title_index(blocks: list[Block], rest: list[Block]) -> int:
    return next((i for i, (a, b) in enumerate(zip(blocks, rest)) if a is not b), 0)


def _find_title(blocks: list[Block], fallback: str) -> tuple[str, list[Block]]:
    heads = [(i, b) for i, b in enumerate(blocks[:12]) if b.kind == "heading"]
    short = [(i, b) for i, b in enumerate(blocks[:12]) if b.kind == "para" and len(b.plain.split()) <= 6]
    for i, block in heads + short:
        if re.search(r"\b(policy|form|procedure)\b", block.plain, re.I):
            before = blocks[i - 1].plain if i else ""
            if i and blocks[i - 1].kind == "heading" and len(re.findall(r"[A-Za-z]{3,}", block.plain)) <= 2 and len(before.split()) <= 4 and not re.search(r"[\d:@]", before):
                return _tidy(f"{blocks[i - 1].plain} {block.plain}"), blocks[: i - 1] + blocks[i + 1 :]
            return _tidy(block.plain), blocks[:i] + blocks[i + 1 :]
    if heads and heads[0][0] < 3:
        i = heads[0][0]
        return _tidy(blocks[i].plain), blocks[:i] + blocks[i + 1 :]
    return fallback, blocks


def drop_contents(blocks: list[Block]) -> tuple[list[Block], int]:
    """A contents list without page numbers: early blocks made of the headings that come later, or
    of section numbers and titles ('1.0 Introduction 2.0 Aims …'), with the group headings among them."""
    later = {_key(b.plain) for b in blocks if b.kind == "heading" and len(_key(b.plain)) > 3}
    cut = [i for i, b in enumerate(blocks[: max(10, len(blocks) // 3)]) if b.kind != "table" and (_made_of(later, b.plain) or _numbers_list(b.plain))]
    if not cut:
        return blocks, 0
    first, last = cut[0], cut[-1]
    while first > 0 and cut[0] - first < 20 and _entry(blocks[first - 1], later):
        first -= 1  # earlier entries, and the list's own heading ('Contents', or its first group)
    while last + 2 < len(blocks) and last - cut[-1] < 20 and _entry(blocks[last + 1], later) and blocks[last + 2].kind != "para":
        last += 1  # later entries, or a group heading closing the list with nothing under it
    whole = last - first <= 60  # one list: what lies between its entries is more of it
    drop = {i for i in range(first, last + 1) if whole or i in cut or blocks[i].kind == "heading"}
    return [b for i, b in enumerate(blocks) if i not in drop], len(drop)


def _entry(block: Block, headings: set[str]) -> bool:
    return block.kind in ("heading", "item") or (len(block.plain.split()) <= 12 and _key(block.plain) in headings)


def _made_of(headings: set[str], text: str) -> bool:
    key = _key(text)
    return len(key) > 20 and sum(len(h) for h in headings if h in key and h != key) >= 0.7 * len(key)


def _numbers_list(text: str) -> bool:
    labels = re.findall(r"(?:^|\s)(\d{1,2}\.\d{1,2})(?=\s+[A-Z])", text)
    return len(labels) >= 2 and len(labels) >= 0.12 * len(text.split()) and labels == sorted(labels, key=lambda n: [int(p) for p in n.split(".")])


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def _later_again(blocks: list[Block], i: int) -> bool:
    key = _key(blocks[i].plain)
    return any(_key(b.plain) == key for b in blocks[i + 1 :] if b.kind == "heading")


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def build(blocks: list[Block], title: str) -> Draft:
    notes = [(b.where, b.guessed) for b in blocks if b.guessed and not (b.text or b.kind == "table")]
    blocks = [b for b in blocks if b.text or b.kind == "table"]
    heads = [b.level for b in blocks if b.kind == "heading"]
    top = min((level for level in set(heads) if heads.count(level) >= 2), default=min(heads, default=1))
    numbered_doc = sum(1 for b in blocks if b.kind == "para" and NUMBER.match(b.plain)) >= 3
    sections: list[DraftSection] = []
    builder = _SectionBuilder(numbered_doc)
    for block in blocks:
        if block.kind == "heading" and block.level <= top:
            builder.close()
            sections.append(_section(block, numbered_doc))
            sections[-1].notes += [f"{block.where}: {block.guessed}"] if block.guessed else []
            builder = _SectionBuilder(numbered_doc, sections[-1])
            continue
        if not sections:
            sections.append(DraftSection("Introduction", block.where))
            builder = _SectionBuilder(numbered_doc, sections[-1])
            notes.append((block.where, "text before the first heading put in a section titled 'Introduction'"))
        builder.add(block)
    builder.close()
    if len(sections) == 1 and sections[0].title == "Introduction" and notes and notes[-1][1].startswith("text before"):
        sections[0].title = title  # a document with no headings: one section, named as the document is
        notes.pop()
    return Draft(title, [s for s in sections if s.clauses or s.forms or s.title], notes)


def _section(block: Block, numbered_doc: bool) -> DraftSection:
    text = _tidy(block.plain)
    appendix = APPENDIX.match(text)
    if appendix:
        return DraftSection(appendix.group(3).strip() or text, block.where, appendix=appendix.group(2).upper())
    number = NUMBER.match(text)
    if number:
        return DraftSection(text[number.end() :].strip() or text, block.where, numbered=True)
    return DraftSection(text, block.where, numbered=False)


class _SectionBuilder:
    def __init__(self, numbered_doc: bool, section: DraftSection | None = None) -> None:
        self.section = section
        self.numbered_doc = numbered_doc
        self.pending_title: str | None = None
        self.pending_notes: list[str] = []
        self.current: list[Block] = []
        self.current_number: str | None = None
        self.current_title: str | None = None
        self.where = ""

    def add(self, block: Block) -> None:
        if block.kind == "heading":
            self.flush()
            if self.pending_title:
                self.current_title_only()
            self.pending_title = _tidy(block.plain)
            self.pending_notes = [f"{block.where}: {block.guessed}; check it is a heading"] if block.guessed else []
            self.where = block.where
            return
        if block.kind == "para":
            number = NUMBER.match(block.plain) if self.numbered_doc else None
            if number or not self.current or not self.numbered_doc:
                self.flush()
                self.current_number = number.group(1) if number else None
                self.current_title, self.pending_title = self.pending_title, None
                self.where = block.where
                if number:
                    block.text = NUMBER.sub("", block.text, count=1)
                    block.plain = NUMBER.sub("", block.plain, count=1)
        elif not self.current:
            self.current_title, self.pending_title = self.pending_title, None
            self.where = block.where
        self.current.append(block)

    def current_title_only(self) -> None:
        """A heading with nothing under it before the next heading keeps its words as a clause."""
        assert self.section is not None
        title = self.pending_title or ""
        self.section.clauses.append(DraftClause(escape(title) + "\n", self.where, None, False, plain=title, notes=self.pending_notes))
        self.pending_title, self.pending_notes = None, []

    def flush(self) -> None:
        if self.section is None:
            return
        if self.pending_title and not self.current:
            return
        if not self.current:
            return
        body = to_markdown(self.current)
        plain = " ".join(b.plain for b in self.current)
        number = self.current_number
        notes = [f"{b.where}: {b.guessed}" for b in self.current if b.guessed]
        if self.current_title:
            notes, self.pending_notes = self.pending_notes + notes, []
        clause = DraftClause(body, self.where, self.current_title, bool(number), plain=plain, notes=notes)
        depth = number.count(".") - 1 if number and "." in number else 0
        if number and "." not in number and self.section.numbered:
            depth = 0
        clause.depth = max(0, depth)
        _place(self.section.clauses, clause)
        self.current, self.current_number, self.current_title = [], None, None

    def close(self) -> None:
        if self.pending_title:
            self.current_title_only()
        self.flush()


def _place(clauses: list[DraftClause], clause: DraftClause) -> None:
    siblings = clauses
    for _ in range(clause.depth):
        if not siblings or not siblings[-1].numbered:
            break
        siblings = siblings[-1].children
    siblings.append(clause)


def to_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    previous = ""
    for block in blocks:
        if block.kind == "item":
            if previous and previous != "item":
                out.append("")
            marker = "1." if block.ordered else "-"
            out.append("    " * block.level + f"{marker} {block.text.strip()}")
        elif block.kind == "table":
            if out:
                out.append("")
            out += table_markdown(block.rows, block.header)
        else:
            if out:
                out.append("")
            out.append(block.text.strip())
        previous = block.kind
    return "\n".join(out).strip() + "\n"


def table_markdown(rows: list[list[str]], header: bool) -> list[str]:
    width = max((len(r) for r in rows), default=1)
    cells = [[escape(c.replace("\n", " ")) for c in r] + [""] * (width - len(r)) for r in rows]
    head, body = (cells[0], cells[1:]) if header else ([""] * width, cells)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    return lines + ["| " + " | ".join(r) + " |" for r in body]


def walk(clauses: list[DraftClause]) -> list[DraftClause]:
    out: list[DraftClause] = []
    for clause in clauses:
        out.append(clause)
        out += walk(clause.children)
    return out
