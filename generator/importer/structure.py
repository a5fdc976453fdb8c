"""Blocks → a draft policy: the title, sections from the top heading level (appendices
recognised), clauses from paragraphs or the document's own numbering (1.1, 1.1.1), lists and
tables kept with the clause they follow. An unnumbered document stays unnumbered."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer import markers
from generator.importer.blocks import Block
from generator.importer.inline import escape, escape_start, styled

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


def cover_page(blocks: list[Block], least: int = 4) -> list[Block]:
    """Short lines opening a PDF's first page (the school's values, a motto), at least `least` of
    them, are words on the cover: its large or bold lines there are not sections."""
    run = 0
    while run < len(blocks) and blocks[run].where == "page 1" and len(blocks[run].plain.split()) <= 12:
        run += 1
    if run < least or run == len(blocks):
        return blocks
    return [Block("para", escape_start(styled(b.plain, bold=True)), b.where, plain=b.plain) if i < run and b.kind == "heading" else b for i, b in enumerate(blocks)]


def drop_repeated_title(blocks: list[Block], title: str) -> tuple[list[Block], int]:
    """The title printed again where the text begins ('ANTI - BULLYING POLICY') is the cover's,
    already the policy's title."""
    key = _key(title).replace(" ", "")
    repeats = [i for i, b in enumerate(blocks[:40]) if b.kind == "heading" and _key(b.plain).replace(" ", "") == key]
    return [b for i, b in enumerate(blocks) if i not in repeats], len(repeats)


def drop_contents(blocks: list[Block]) -> tuple[list[Block], int]:
    """A contents list without page numbers: early blocks made of the headings that come later, or
    of section numbers and titles ('1.0 Introduction 2.0 Aims …'), with the group headings among them."""
    later = {_key(b.plain) for b in blocks if b.kind == "heading" and len(_key(b.plain)) > 3}
    cut = [i for i, b in enumerate(blocks[: max(10, len(blocks) // 3)]) if b.kind != "table" and (_made_of(later, b.plain) or _numbers_list(b.plain))]
    cut = sorted(set(cut) | set(_named_later(blocks)))
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


def _named_later(blocks: list[Block], least: int = 4, window: int = 12) -> list[int]:
    """Short lines before any prose, each naming a heading that comes later ('Governors', 'Pupils',
    'Data protection'), at least `least` of them close together: a contents list without page numbers."""
    seen: dict[str, int] = {}
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            seen[_key(b.plain)] = i
    prose = next((i for i, b in enumerate(blocks) if b.kind == "para" and len(b.plain.split()) > 12), len(blocks))
    named = [i for i, b in enumerate(blocks[: min(prose, max(10, len(blocks) // 3))])
             if b.kind != "table" and len(b.plain.split()) <= 12 and len(_key(b.plain)) > 3 and seen.get(_key(b.plain), -1) > i]
    return [i for i in named if sum(1 for j in named if abs(j - i) <= window) >= least]


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
    blocks = numbered_steps([b for b in blocks if b.text or b.form or b.kind == "table"])
    markers.settle(blocks)
    heads = [b.level for b in blocks if b.kind == "heading"]
    top = min((level for level in set(heads) if heads.count(level) >= 2), default=min(heads, default=1))
    numbered_doc = sum(1 for b in blocks if b.kind == "para" and NUMBER.match(b.plain)) >= 3
    sections: list[DraftSection] = []
    builder = _SectionBuilder(numbered_doc)
    fold = False
    for i, block in enumerate(blocks):
        if block.kind == "heading" and block.level <= top:
            if fold or (sections and i == len(blocks) - 1) or (sections and _inside(sections[-1], _section(block, numbered_doc)) and not _group(blocks[i + 1 :], top, numbered_doc)):
                builder.add(block)
                fold = False
                continue
            builder.close()
            sections.append(_section(block, numbered_doc))
            sections[-1].notes += [f"{block.where}: {block.guessed}"] if block.guessed else []
            builder = _SectionBuilder(numbered_doc, sections[-1])
            fold = _bare(blocks[i + 1 :], top, numbered_doc)
            continue
        if block.form and not sections:
            sections.append(DraftSection(title, block.where))
        if block.form:
            builder.pending_title = None  # the heading just above names the form: it is the form's title
            builder.close()
            sections[-1].forms.append(block.form)
            builder = _SectionBuilder(numbered_doc, sections[-1])
            continue
        if not sections:
            sections.append(DraftSection(title, block.where))  # under the title printed above them, not a heading made up
            builder = _SectionBuilder(numbered_doc, sections[-1])
            notes.append((block.where, f"text before the first heading put in a section titled as the document is, '{title}'"))
        builder.add(block)
    builder.close()
    if len(sections) == 1 and sections[0].title == title and notes and notes[-1][1].startswith("text before"):
        notes.pop()  # a document with no headings: one section, named as the document is
    return Draft(title, [s for s in sections if s.clauses or s.forms or s.title], notes)


def _inside(current: DraftSection, heading: DraftSection) -> bool:
    """An unnumbered heading after a numbered section or an appendix ('The Department for
    Education (DfE)' under '13 Contacts') heads a part of it, not a section of its own."""
    return bool(current.numbered or current.appendix) and not (heading.numbered or heading.appendix)


def _bare(rest: list[Block], top: int, numbered_doc: bool) -> bool:
    """A heading with another at once under it ('SECTION 2: ORGANISATION', then 'The Duties of the
    Governing Body') would be an empty section: the next heading titles its first clause instead,
    unless the next opens a numbered section or an appendix (then it names a group of them). A
    heading that ends the document closes the section above it."""
    nxt = rest[0] if rest else None
    return nxt is not None and nxt.kind == "heading" and nxt.level <= top and not _group(rest, top, numbered_doc)


def _group(rest: list[Block], top: int, numbered_doc: bool) -> bool:
    """A heading followed at once by a numbered section's ('PROCEDURE', then '4.0 How to Raise a
    Concern') names a group of sections."""
    nxt = rest[0] if rest else None
    if nxt is None or nxt.kind != "heading" or nxt.level > top:
        return False
    following = _section(nxt, numbered_doc)
    return following.numbered or bool(following.appendix)


def numbered_steps(blocks: list[Block]) -> list[Block]:
    """Paragraphs that open with a sub-clause marker in sequence ('1.)', '2.)'; 'a)', 'b)' with
    'i)', 'ii)' under them) become a list with the same nesting, its numbers printed as the
    document prints them; a run that skips or restarts a number stays as written."""
    out = list(blocks)
    i = 0
    while i < len(out):
        run, depths = _marked_run(out, i)
        for n, (block, depth) in enumerate(zip(run, depths)):
            out[i + n] = _item(block, depth)
        i += max(1, len(run))
    return out


def _marked_run(blocks: list[Block], i: int) -> tuple[list[Block], list[int]]:
    run: list[Block] = []
    depths: list[int] = []
    for block in blocks[i:]:
        found = markers.read(block.plain) if block.kind == "para" else None
        if found is None or _marker_in(block.text, found) is None:
            break
        trial = markers.sequence([markers.read(b.plain) for b in [*run, block]])
        if not trial:
            break
        run, depths = [*run, block], trial
    return (run, depths) if len(run) >= 2 else ([], [])


def _marker_in(text: str, found: markers.Marker) -> re.Match[str] | None:
    """The marker at the start of the block's Markdown, where it may be escaped ('3\\)')."""
    return re.match("".join("\\\\?" + re.escape(ch) for ch in found.text) + r"\s+", text)


def _item(block: Block, depth: int) -> Block:
    found = markers.read(block.plain)
    assert found is not None
    cut = _marker_in(block.text, found)
    assert cut is not None
    plain = block.plain[len(found.text) :].lstrip()
    return Block("item", block.text[cut.end() :], block.where, depth, True, found.text, plain=plain, guessed=block.guessed)


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
        self.titled = False
        """The clause has its number and title from a line of their own and awaits its text."""
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
        if block.note and self.current:
            self.current.append(block)
            return
        if block.kind == "para":
            number = NUMBER.match(block.plain) if self.numbered_doc else None
            if number and _title_like(block.plain[number.end() :]):
                self.flush()
                self.current_number, self.current_title, self.pending_title = number.group(1), _tidy(block.plain[number.end() :]), None
                self.where, self.titled = block.where, True
                return
            if self.titled and not number:
                self.titled = False  # the paragraph under a numbered title line is the clause's text
            elif number or not self.current or not self.numbered_doc:
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
        if self.titled and not self.current:
            # a numbered title line with no text under it keeps its words as the clause's text
            self.current = [Block("para", escape(self.current_title or ""), self.where, plain=self.current_title or "")]
            self.current_title = None
        self.titled = False
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


def _title_like(text: str) -> bool:
    """A few words with no closing stop ('Harassment or Victimisation'): a title, not a sentence."""
    return 0 < len(text.split()) <= 6 and not re.search(r"[.:;,!?]$", text.strip()) and text.strip()[:1].isupper()


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
            text = f"{escape(block.marker)} {block.text.strip()}" if markers.printed(block) else block.text.strip()
            out.append("    " * block.level + f"{'1.' if block.ordered else '-'} {text}")
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
