"""Clause-level differences between two versions of the sources, per school.

Two resolved policies (`Resolved`) are compared by clause ID, so a clause that moves or is
renumbered is reported as moved or renumbered, never as deleted and re-added. Wording changes
carry a word-level redline (`redline.py`); `report.py` writes the result as text, Markdown or HTML.

**Minor edits.** A clause whose wording (title or text) changed is a *minor edit*, not a
substantive change, when its clause file carries a *new* `minor_edit: <short note>` front-matter
value: one that is set and differs from the value at the earlier version. So an editor marks a
typo fix by writing (or updating) the note in the same commit; an unchanged old note never
hides a later change, and wording a school supplies itself (`replace:`) is never minor.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.sources.model import DoDont, DosDonts, Form
from generator.core.validate import Checked, check
from generator.core.resolve import Clause, Resolved, clause_names
from generator.outputs.history.git import WORKTREE, reader_at
from generator.outputs.history.redline import words_changed


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
    """What the handbook calls it (`resolve.clause_names`)."""


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


