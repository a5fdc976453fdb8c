"""Clause-level differences between two versions of the sources, per school.

Two resolved policies (`Resolved`) are compared by clause ID, so a clause that moves or is
renumbered is reported as moved or renumbered, never as deleted and re-added. Wording changes
carry a word-level redline; the same report is written as plain text (optionally coloured),
Markdown or HTML.

**Minor edits.** A clause whose wording (title or text) changed is a *minor edit*, not a
substantive change, when its clause file carries a *new* `minor_edit: <short note>` front-matter
value: one that is set and differs from the value at the earlier version. So an editor marks a
typo fix by writing (or updating) the note in the same commit; an unchanged old note never
hides a later change, and wording a school supplies itself (`replace:`) is never minor.
"""
from __future__ import annotations

import difflib
import html
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Sequence

from generator.sources.model import DoDont, DosDonts, Form
from generator.sources.reading import Reader
from generator.core.validate import Checked, check
from generator.core.resolve import Clause, Resolved, clause_names

Op = Literal["=", "-", "+"]
Token = tuple[Op, str]
Style = Literal["text", "ansi", "markdown", "site", "html"]
Format = Literal["text", "markdown", "html"]

WORD = re.compile(r"\S+\s*")
MARKS: dict[str, dict[str, tuple[str, str]]] = {
    "text": {"-": ("[-", "-]"), "+": ("{+", "+}")},
    "ansi": {"-": ("\x1b[31m[-", "-]\x1b[0m"), "+": ("\x1b[32m{+", "+}\x1b[0m")},
    "markdown": {"-": ("~~", "~~"), "+": ("**", "**")},
    "site": {"-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")},
    "html": {"-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")},
}


# --- word-level redline -------------------------------------------------------------------


def redline_tokens(old: str, new: str) -> list[Token]:
    """The word-level edit from `old` to `new`: runs of kept (=), deleted (-) and inserted (+) text."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    out: list[Token] = []
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            kept = "".join(b[j1:j2])
            if n + 1 < len(opcodes) and opcodes[n + 1][0] in ("delete", "replace"):
                kept = kept.rstrip() + a[i2 - 1][len(a[i2 - 1].rstrip()) :]  # the old spacing before deleted words
            out.append(("=", kept))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def words_changed(old: str, new: str) -> int:
    """How many words an edit touches (a replaced run counts its longer side)."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def _words(text: str) -> list[str]:
    lead = text[: len(text) - len(text.lstrip())]
    words = WORD.findall(text)
    return ([lead] if lead else []) + words


def redline(old: str, new: str, style: Style = "text") -> str:
    return render_tokens(redline_tokens(old, new), style)


def render_tokens(tokens: Iterable[Token], style: Style = "text") -> str:
    """`[-old-]{+new+}` (text), coloured (ansi), `~~old~~ **new**` (markdown) or `<del>`/`<ins>`."""
    tokens = list(tokens)
    escape = html.escape if style == "html" else (lambda s: s)
    out: list[str] = []
    for i, (op, text) in enumerate(tokens):
        if op == "=":
            out.append(escape(text))
            continue
        body, trail = text.rstrip(), text[len(text.rstrip()) :]
        followed_by_insert = op == "-" and i + 1 < len(tokens) and tokens[i + 1][0] == "+"
        if followed_by_insert:
            trail = " " if style == "markdown" else ""
        out.append(_mark(escape(body), *MARKS[style][op]) + trail)
    return "".join(out)


def _mark(text: str, start: str, end: str) -> str:
    """Wrap each line of a run separately, so a marker never spans a line break."""
    lines = text.split("\n")
    return "\n".join(f"{start}{line.rstrip()}{end}{line[len(line.rstrip()):]}" if line.strip() else line for line in lines)


# --- what is compared ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseRef:
    """A clause as it stands in one version: where it is and what it is called."""

    id: str
    number: str | None
    title: str | None
    section: str
    section_label: str
    parent: str | None
    depth: int
    label: str
    """What the handbook calls it (`variants.clause_names`)."""


@dataclass(frozen=True)
class Moved:
    id: str
    before: ClauseRef
    after: ClauseRef


@dataclass(frozen=True)
class Changed:
    """A clause whose content changed; `minor_note` is set when the change is a minor edit."""

    id: str
    before: ClauseRef
    after: ClauseRef
    old_body: str
    new_body: str
    fields: tuple[str, ...]
    """Human descriptions of other changes, e.g. "title 'A' → 'B'"."""
    minor_note: str | None = None

    @property
    def wording_changed(self) -> bool:
        return self.old_body != self.new_body

    @property
    def words(self) -> int:
        return words_changed(self.old_body, self.new_body)


@dataclass(frozen=True)
class ValueChange:
    key: str
    old: str | None
    new: str | None

    def change(self) -> str:
        if self.old is None:
            return f"set to {self.new!r}"
        if self.new is None:
            return f"{self.old!r} removed"
        return f"{self.old!r} → {self.new!r}"

    def describe(self) -> str:
        return f"{self.key}: {self.change()}"


@dataclass(frozen=True)
class ItemChange:
    """A Do's & Don'ts item, a form or a piece of their text that was added, removed or changed."""

    id: str
    kind: Literal["added", "removed", "changed"]
    details: tuple[str, ...] = ()
    old_text: str = ""
    new_text: str = ""


@dataclass
class SchoolDiff:
    school: str
    title: str
    status: Literal["changed", "added", "removed"] = "changed"
    added: list[ClauseRef] = field(default_factory=list)
    removed: list[ClauseRef] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    renumbered: list[Moved] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    minor: list[Changed] = field(default_factory=list)
    sections: list[ValueChange] = field(default_factory=list)
    metadata: list[ValueChange] = field(default_factory=list)
    variables: list[ValueChange] = field(default_factory=list)
    dos_donts: list[ItemChange] = field(default_factory=list)
    forms: list[ItemChange] = field(default_factory=list)

    @property
    def substantive(self) -> bool:
        """Anything changed other than minor edits and renumbering."""
        return self.status != "changed" or any(
            (self.added, self.removed, self.moved, self.changed, self.sections, self.metadata, self.variables, self.dos_donts, self.forms)
        )

    @property
    def empty(self) -> bool:
        return not self.substantive and not self.minor and not self.renumbered

    def summary(self) -> str:
        if self.status != "changed":
            return f"school {self.status}"
        counts = [
            (len(self.added), "added"), (len(self.removed), "removed"), (len(self.moved), "moved"),
            (len(self.changed), "changed"), (len(self.minor), "minor edit" if len(self.minor) == 1 else "minor edits"), (len(self.renumbered), "renumbered"),
        ]
        parts = [f"{n} {what}" for n, what in counts if n]
        other = len(self.sections) + len(self.metadata) + len(self.variables) + len(self.dos_donts) + len(self.forms)
        summary = [f"clauses: {', '.join(parts)}" if parts else "", f"{other} other change{'s' if other != 1 else ''}" if other else ""]
        return "; ".join(filter(None, summary)) or "no changes"


# --- comparing two resolved policies ------------------------------------------------------


def clause_refs(resolved: Resolved) -> dict[str, ClauseRef]:
    refs: dict[str, ClauseRef] = {}
    names = clause_names(resolved)
    for section in resolved.sections:
        stack: list[Clause] = []
        for clause in section.clauses:
            while stack and stack[-1].depth >= clause.depth:
                stack.pop()
            parent = stack[-1].id if stack else None
            refs[clause.id] = ClauseRef(clause.id, clause.number, clause.title, section.id, section.label, parent, clause.depth, names[clause.id])
            stack.append(clause)
    return refs


def minor_note(resolved: Resolved, clause: Clause) -> str | None:
    """The clause file's `minor_edit` note, if the clause's text comes from that file."""
    located = resolved.policy.clauses.get(clause.id)
    if located is None or located.path != clause.path:
        return None
    note = getattr(located.model, "minor_edit", None) or (located.doc.data.get("minor_edit") if isinstance(located.doc.data, dict) else None)
    return str(note).strip() or None if note is not None else None


def is_minor(a: Resolved, ca: Clause, b: Resolved, cb: Clause) -> str | None:
    """The note that makes a wording change minor (see the module docstring), or None."""
    new = minor_note(b, cb)
    if new is None or a.policy.clauses.get(ca.id) is None or a.policy.clauses[ca.id].path != ca.path:
        return None
    return new if new != minor_note(a, ca) else None


def diff_resolved(a: Resolved | None, b: Resolved | None, school: str = "") -> SchoolDiff:
    """Everything that differs for one school between version `a` and version `b`."""
    current = b or a
    assert current is not None, "diff_resolved needs at least one version"
    title = f"{current.values.get('school_name', school)}: {current.policy.policy.model.title}"
    diff = SchoolDiff(school or current.school.model.id, title)
    if a is None or b is None:
        diff.status = "added" if a is None else "removed"
        return diff
    _diff_clauses(a, b, diff)
    diff.sections = _diff_values({s.id: s.label for s in a.sections}, {s.id: s.label for s in b.sections})
    diff.metadata = _diff_values(_flat(a.metadata.model_dump(mode="json", exclude_none=True)), _flat(b.metadata.model_dump(mode="json", exclude_none=True)))
    diff.variables = _diff_values(a.values, b.values)
    diff.dos_donts = _diff_dos_donts(a.dos_donts.model if a.dos_donts else None, b.dos_donts.model if b.dos_donts else None)
    diff.forms = _diff_forms({k: f.model for k, f in a.forms.items()}, {k: f.model for k, f in b.forms.items()})
    return diff


def _diff_clauses(a: Resolved, b: Resolved, diff: SchoolDiff) -> None:
    refs_a, refs_b = clause_refs(a), clause_refs(b)
    diff.added = [r for cid, r in refs_b.items() if cid not in refs_a]
    diff.removed = [r for cid, r in refs_a.items() if cid not in refs_b]
    common_a = [cid for cid in refs_a if cid in refs_b]
    common_b = [cid for cid in refs_b if cid in refs_a]
    matcher = difflib.SequenceMatcher(None, common_a, common_b, autojunk=False)
    in_order = {cid for i, _, size in matcher.get_matching_blocks() for cid in common_a[i : i + size]}
    for cid in common_b:
        before, after = refs_a[cid], refs_b[cid]
        place_changed = (before.section, before.parent) != (after.section, after.parent)
        if place_changed or cid not in in_order:
            diff.moved.append(Moved(cid, before, after))
        elif before.number != after.number:
            diff.renumbered.append(Moved(cid, before, after))
        ca, cb = a.clause(cid), b.clause(cid)
        change = _clause_change(a, ca, b, cb, before, after) if ca and cb else None
        if change is None:
            continue
        (diff.minor if change.minor_note else diff.changed).append(change)


def _clause_change(a: Resolved, ca: Clause, b: Resolved, cb: Clause, before: ClauseRef, after: ClauseRef) -> Changed | None:
    fields: list[str] = []
    if ca.title != cb.title:
        fields.append(f"title {ca.title!r} → {cb.title!r}" if ca.title and cb.title else f"title {ca.title or '(none)'!r} → {cb.title or '(none)'!r}")
    if ca.topics != cb.topics:
        fields.append(f"topics {list(ca.topics)} → {list(cb.topics)}")
    if ca.staff_only != cb.staff_only:
        fields.append("now staff only" if cb.staff_only else "now public (no longer staff only)")
    if not fields and ca.body == cb.body:
        return None
    wording_only = all(f.startswith("title ") for f in fields)
    note = is_minor(a, ca, b, cb) if wording_only else None
    return Changed(ca.id, before, after, ca.body, cb.body, tuple(fields), note)


def _flat(data: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in data.items()}


def _diff_values(old: dict[str, str], new: dict[str, str]) -> list[ValueChange]:
    keys = list(old) + [k for k in new if k not in old]
    return [ValueChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _diff_dos_donts(old: DosDonts | None, new: DosDonts | None) -> list[ItemChange]:
    old_items = {i.id: i for i in (old.items if old else [])}
    new_items = {i.id: i for i in (new.items if new else [])}
    out: list[ItemChange] = []
    for key in ("title", "intro", "outro"):
        a, b = getattr(old, key, None) or "", getattr(new, key, None) or ""
        if a != b:
            out.append(ItemChange(f"({key})", "changed", (f"{key} changed",), a, b))
    for item_id in list(old_items) + [k for k in new_items if k not in old_items]:
        a_item, b_item = old_items.get(item_id), new_items.get(item_id)
        if a_item is None and b_item is not None:
            out.append(ItemChange(item_id, "added", (_item_summary(b_item),), "", b_item.text))
        elif b_item is None and a_item is not None:
            out.append(ItemChange(item_id, "removed", (_item_summary(a_item),), a_item.text, ""))
        elif a_item is not None and b_item is not None and a_item != b_item:
            out.append(ItemChange(item_id, "changed", tuple(_item_details(a_item, b_item)), a_item.text, b_item.text))
    return out


def _item_summary(item: DoDont) -> str:
    return f"{'Do' if item.kind == 'do' else 'Don’t'}, citing {', '.join(item.clauses)}"


def _item_details(a: DoDont, b: DoDont) -> list[str]:
    details = []
    if a.text != b.text:
        details.append("text changed")
    if a.kind != b.kind:
        details.append(f"kind {a.kind} → {b.kind}")
    gained = [c for c in b.clauses if c not in a.clauses]
    lost = [c for c in a.clauses if c not in b.clauses]
    if gained:
        details.append(f"now links to {', '.join(gained)}")
    if lost:
        details.append(f"no longer links to {', '.join(lost)}")
    if a.topic != b.topic:
        details.append(f"topic {a.topic!r} → {b.topic!r}")
    if a.staff_only != b.staff_only:
        details.append("now staff only" if b.staff_only else "now public")
    return details


FORM_TEXTS = ("title", "intro", "declaration", "outro")


def _diff_forms(old: dict[str, Form], new: dict[str, Form]) -> list[ItemChange]:
    out: list[ItemChange] = []
    for form_id in list(old) + [k for k in new if k not in old]:
        a, b = old.get(form_id), new.get(form_id)
        if a is None and b is not None:
            out.append(ItemChange(form_id, "added", (b.title,)))
        elif b is None and a is not None:
            out.append(ItemChange(form_id, "removed", (a.title,)))
        elif a is not None and b is not None and a != b:
            out.extend(_form_changes(form_id, a, b))
    return out


def _form_changes(form_id: str, a: Form, b: Form) -> list[ItemChange]:
    out = []
    for key in FORM_TEXTS:
        old, new = getattr(a, key) or "", getattr(b, key) or ""
        if old != new:
            out.append(ItemChange(form_id, "changed", (f"{key} changed",), old, new))
    details = []
    fa, fb = {f.id: f for f in a.fields}, {f.id: f for f in b.fields}
    details += [f"field '{k}' added" for k in fb if k not in fa]
    details += [f"field '{k}' removed" for k in fa if k not in fb]
    details += [f"field '{k}' changed" for k in fa if k in fb and fa[k] != fb[k]]
    if a.tables != b.tables:
        details.append("tables changed")
    if a.required_by != b.required_by:
        details.append(f"required_by {a.required_by} → {b.required_by}")
    if a.staff_only != b.staff_only:
        details.append("now staff only" if b.staff_only else "now public")
    if details:
        out.append(ItemChange(form_id, "changed", tuple(details)))
    return out


def diff_checked(a: Checked, b: Checked, school: str | None = None) -> dict[str, SchoolDiff]:
    """Per school and policy (`school/policy`): a policy a school adopts at either revision."""
    ids = [s for s in list(a.schools) + [s for s in b.schools if s not in a.schools] if not school or s == school]
    out: dict[str, SchoolDiff] = {}
    for sid in ids:
        before, after = _policies(a, sid), _policies(b, sid)
        for pid in list(before) + [p for p in after if p not in before]:
            out[f"{sid}/{pid}"] = diff_resolved(before.get(pid), after.get(pid), sid)
    return out


def _policies(checked: Checked, school: str) -> dict[str, Resolved]:
    handbook = checked.schools.get(school)
    return {r.policy.id: r for r in handbook.policies} if handbook else {}


# --- loading revisions --------------------------------------------------------------------

WORKTREE = "WORKTREE"


class GitError(Exception):
    """A revision that does not exist, or a folder that is not a git repository."""


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, input=input)
    if result.returncode != 0:
        raise GitError(result.stderr.decode(errors="replace").strip() or f"git {' '.join(args)} failed")
    return result.stdout


def commit_of(repo: Path, rev: str) -> str:
    """The full commit ID of a revision (branch, tag, abbreviated ID, HEAD~2 …)."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"'{rev}' is not a commit in {repo}; expected a branch, tag or commit ID") from None


class TreeReader:
    """The files under `policies/` at a commit: listed once, read in one `git cat-file --batch`.

    A drop-in `Reader` like `sources.GitReader`, but much faster over many revisions: blobs are
    shared through `blobs`, so a file unchanged between two commits is read once. `only` keeps
    just the paths under the given folders (e.g. one policy and the schools), so resolving one
    school at an old commit does not parse every other policy.
    """

    def __init__(self, repo: Path, rev: str, blobs: dict[str, bytes] | None = None, only: tuple[str, ...] = ()) -> None:
        self.repo, self.rev = repo, rev
        self.blobs = {} if blobs is None else blobs
        listing = git(repo, "ls-tree", "-r", "-z", rev, "--", "policies").decode()
        self.files: dict[str, str] = {}
        for entry in filter(None, listing.split("\0")):
            meta, path = entry.split("\t", 1)
            kind, sha = meta.split()[1:3]
            if kind == "blob" and (not only or any(path.startswith(f"{folder.rstrip('/')}/") for folder in only)):
                self.files[path] = sha

    def list(self, folder: str) -> list[str]:
        prefix = f"{folder.rstrip('/')}/"
        return sorted(p for p in self.files if p.startswith(prefix))

    def read(self, path: str) -> bytes:
        if path not in self.files:
            raise FileNotFoundError(f"{path} is not in {self.rev}")
        sha = self.files[path]
        if sha not in self.blobs:
            self._fetch([s for s in set(self.files.values()) if s not in self.blobs])
        return self.blobs[sha]

    def _fetch(self, shas: Sequence[str]) -> None:
        out = git(self.repo, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
        at = 0
        while at < len(out):
            header_end = out.index(b"\n", at)
            sha, _, size = out[at:header_end].decode().split()
            start = header_end + 1
            self.blobs[sha] = out[start : start + int(size)]
            at = start + int(size) + 1


def reader_at(repo: Path, rev: str, blobs: dict[str, bytes] | None = None, only: tuple[str, ...] = ()) -> Reader:
    """A reader of the sources at `rev`; `WORKTREE` means the files on disk."""
    if rev == WORKTREE:
        from generator.sources.reading import FolderReader

        return FolderReader(repo)
    return TreeReader(repo, commit_of(repo, rev), blobs, only)


@dataclass
class RevisionDiff:
    rev_a: str
    rev_b: str
    schools: dict[str, SchoolDiff]
    errors_a: int = 0
    errors_b: int = 0


def diff_revisions(repo: Path, rev_a: str, rev_b: str = WORKTREE, school: str | None = None) -> RevisionDiff:
    """Load the sources at two revisions (without checking out) and diff every published school."""
    blobs: dict[str, bytes] = {}
    a = check(reader_at(repo, rev_a, blobs), school)
    b = check(reader_at(repo, rev_b, blobs), school)
    return RevisionDiff(rev_a, rev_b, diff_checked(a, b, school), _errors(a, school), _errors(b, school))


def _errors(checked: Checked, school: str | None) -> int:
    return sum(p.severity == "error" and not (school and p.path == "policies/schools" and f"no school '{school}'" in p.message) for p in checked.problems)


# --- the report, in three formats ---------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a report: a clause (or item) label, what happened, and maybe a redline."""

    label: str
    text: str
    clause: str | None = None
    """The clause ID, for a link to it; None when it no longer exists."""
    ident: str | None = None
    """The ID shown to editors."""
    tokens: tuple[Token, ...] = ()


@dataclass(frozen=True)
class Block:
    title: str
    entries: tuple[Entry, ...]


def _where(ref: ClauseRef) -> str:
    return f"{ref.number} in {ref.section_label}" if ref.number else ref.section_label


def blocks(diff: SchoolDiff, show: Callable[[str], str] | None = None) -> list[Block]:
    """The report of one school as titled blocks of entries, ready for any format.

    `show` turns source text into what readers see (variables filled) before it is redlined.
    """
    def tokens(old: str, new: str) -> tuple[Token, ...]:
        if old == new:
            return ()
        return tuple(redline_tokens(show(old), show(new)) if show else redline_tokens(old, new))

    if diff.status != "changed":
        return [Block("School", (Entry(diff.school, f"school {diff.status}"),))]
    out = [
        Block("Added", tuple(Entry(r.label, f"new clause in {r.section_label}", r.id, r.id) for r in diff.added)),
        Block("Removed", tuple(Entry(r.label, f"removed (was {_where(r)})", None, r.id) for r in diff.removed)),
        Block("Moved", tuple(Entry(m.after.label, f"moved from {_where(m.before)} to {_where(m.after)}", m.id, m.id) for m in diff.moved)),
        Block("Changed", tuple(_changed_entry(c, tokens) for c in diff.changed)),
        Block("Minor edits", tuple(_changed_entry(c, tokens) for c in diff.minor)),
        Block("Renumbered", tuple(Entry(m.after.label, f"renumbered {m.before.number or '(unnumbered)'} → {m.after.number or '(unnumbered)'}", m.id, m.id) for m in diff.renumbered)),
        Block("Sections", tuple(Entry(v.key, v.change()) for v in diff.sections)),
        Block("Metadata", tuple(Entry(v.key, v.change()) for v in diff.metadata)),
        Block("Variables", tuple(Entry(v.key, v.change()) for v in diff.variables)),
        Block("Do's & Don'ts", tuple(Entry(i.id, f"{i.kind}: {'; '.join(i.details)}", tokens=tokens(i.old_text, i.new_text) if i.kind == "changed" else ()) for i in diff.dos_donts)),
        Block("Forms", tuple(Entry(i.id, f"{i.kind}: {'; '.join(i.details)}", tokens=tokens(i.old_text, i.new_text)) for i in diff.forms)),
    ]
    return [b for b in out if b.entries]


def _changed_entry(change: Changed, tokens: Callable[[str, str], tuple[Token, ...]]) -> Entry:
    what = []
    if change.wording_changed:
        what.append(f"wording changed ({change.words} word{'s' if change.words != 1 else ''})")
    what += change.fields
    if change.minor_note:
        what.append(f"minor edit: {change.minor_note}")
    return Entry(change.after.label, "; ".join(what), change.id, change.id, tokens(change.old_body, change.new_body))


def format_text(diffs: Iterable[SchoolDiff], color: bool = False) -> str:
    out: list[str] = []
    style: Style = "ansi" if color else "text"
    for diff in diffs:
        out += [f"== {diff.school}: {diff.title} ({diff.summary()})"]
        for block in blocks(diff):
            out.append(f"  {block.title}:")
            for e in block.entries:
                ident = f" [{e.ident}]" if e.ident and e.ident != e.label else ""
                out.append(f"    - {e.label}{ident}: {e.text}")
                if e.tokens:
                    out += [f"        {line}" for line in render_tokens(e.tokens, style).split("\n")]
        out.append("")
    return "\n".join(out)


Link = Callable[[str], str | None]


def format_markdown(diffs: Iterable[SchoolDiff], link: Link | None = None, style: Style = "markdown", level: int = 2) -> str:
    """Markdown; `link(clause_id)` gives an href for a clause that still exists (site pages)."""
    out: list[str] = []
    for diff in diffs:
        out += [f"{'#' * level} {diff.title} ({diff.school})", "", f"*{diff.summary()}*", ""]
        out += markdown_blocks(blocks(diff), link, style, level + 1)
    return "\n".join(out)


def markdown_blocks(parts: Iterable[Block], link: Link | None = None, style: Style = "markdown", level: int = 3) -> list[str]:
    out: list[str] = []
    for block in parts:
        out += [f"{'#' * level} {block.title}", ""]
        for e in block.entries:
            href = link(e.clause) if link and e.clause else None
            label = f"[{e.label}]({href})" if href else f"**{e.label}**"
            ident = f" `{e.ident}`" if e.ident and not link and e.ident != e.label else ""
            out.append(f"- {label}{ident}: {e.text}")
            if e.tokens:
                out += [""] + [f"    {line}" if line.strip() else "" for line in render_tokens(e.tokens, style).split("\n")] + [""]
        if out[-1] != "":
            out.append("")
    return out


HTML_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}}
del{{background:#ffe3e3;color:#8a1212}}ins{{background:#dcf5dc;color:#0b5d1e;text-decoration:none}}
.redline{{white-space:pre-wrap;border-left:3px solid #ccc;padding-left:.75rem}}code{{color:#555}}</style>
</head><body>"""


def format_html(diffs: Iterable[SchoolDiff], title: str = "Policy changes") -> str:
    out = [HTML_HEAD.format(title=html.escape(title)), f"<h1>{html.escape(title)}</h1>"]
    for diff in diffs:
        out += [f"<h2>{html.escape(diff.title)} <code>{html.escape(diff.school)}</code></h2>", f"<p><em>{html.escape(diff.summary())}</em></p>"]
        out += html_blocks(blocks(diff))
    out.append("</body></html>\n")
    return "\n".join(out)


def html_blocks(parts: Iterable[Block], level: int = 3) -> list[str]:
    out: list[str] = []
    for block in parts:
        out += [f"<h{level}>{html.escape(block.title)}</h{level}>", "<ul>"]
        for e in block.entries:
            ident = f" <code>{html.escape(e.ident)}</code>" if e.ident and e.ident != e.label else ""
            red = f'<div class="redline">{render_tokens(e.tokens, "html")}</div>' if e.tokens else ""
            out.append(f"<li><strong>{html.escape(e.label)}</strong>{ident}: {html.escape(e.text)}{red}</li>")
        out.append("</ul>")
    return out


def format_report(diffs: Iterable[SchoolDiff], fmt: Format, color: bool = False, title: str = "Policy changes") -> str:
    diffs = list(diffs)
    if fmt == "markdown":
        return f"# {title}\n\n" + format_markdown(diffs)
    if fmt == "html":
        return format_html(diffs, title)
    return format_text(diffs, color)
