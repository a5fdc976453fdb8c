"""What changed, and when: adopted versions from git tags, per-clause history, and the pages,
open data and feed built from them.

**Adopted versions** are marked by git tags `adopted/<school-id>/<policy-id>/<YYYY-MM-DD>` (one
school's adoption of one policy), `adopted/<school-id>/<YYYY-MM-DD>` (all of that school's policies)
or `adopted/<policy-id>/<YYYY-MM-DD>` (every school adopting that policy); a tag naming a trust's
layer in the school's chain applies too. Only tags reachable from HEAD count. The latest is
the version in force; the changes it brought are its diff against the adoption before it,
and the working tree's differences from it are "changes not yet adopted".

**Last substantive change** of a clause is the day of the adopted version (adoption tag) in
which its wording — text or title, as the school sees it after its variant's overlays — last
changed other than by a minor edit (see `generator.outputs.history.diff`). Moving or renumbering a clause, or
relabelling it, does not change its wording. Before any adoption tag there is no such date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


from generator.dates import adopted_phrase, long_date
from generator.outputs.history.git import WORKTREE, GitError, TreeReader
from generator.outputs.history.report import Block, Entry, blocks, markdown_blocks
from generator.outputs.history.diff import SchoolDiff, diff_resolved, is_minor
from generator.outputs.history.report import Link
from generator.outputs.history.redline import redline_tokens
from generator.core.edition import for_edition
from generator.sources.load import Located
from generator.sources.model import Layer
from generator.core.sanitize import escape_markdown
from generator.core.render import Renderer, section_page
from generator.sources.reading import FolderReader
from generator.core.validate import check
from generator.core.resolve import model_view, Handbook, Resolved, clause_names
from generator.outputs.history.adoptions import Adoption, adoptions

WHATS_CHANGED_PAGE = "whats-changed.md"
DIFFERS_PAGE = "differs-from-model.md"


@dataclass(frozen=True)
class AdoptedChange:
    adoption: Adoption
    previous: Adoption | None
    diff: SchoolDiff | None
    """Against the previous adoption; None for the first one (nothing earlier to compare)."""


@dataclass
class SchoolChanges:
    school: str
    history: list[AdoptedChange] = field(default_factory=list)
    """Newest first."""
    pending: SchoolDiff | None = None
    """The working tree against the latest adoption; None when there is no adoption tag."""

    @property
    def adopted(self) -> Adoption | None:
        return self.history[0].adoption if self.history else None

    @property
    def previous(self) -> Adoption | None:
        return self.history[0].previous if self.history else None

    @property
    def since_previous(self) -> SchoolDiff | None:
        return self.history[0].diff if self.history else None


def chain_ids(resolved: Resolved) -> list[str]:
    """What adoption tags name that apply to a school's policy: the school or a layer above it
    with the policy (`school/policy`), the school or layer alone, the policy alone."""
    layers = [v.model.id for v in reversed(resolved.chain)]
    return [f"{layer}/{resolved.policy.id}" for layer in layers] + layers + [resolved.policy.id]


class History:
    """One school resolved at any commit, cached; reads only its policy's folder and the schools.

    Each version is filtered for the edition of `current` (see `generator.core.edition`), so a public
    history never holds, nor compares, anything staff-only."""

    def __init__(self, repo: Path, school: str, current: Resolved | None = None, policy: str | None = None) -> None:
        self.repo, self.school = repo, school
        self.current = current if current is not None else _policy_of(check(FolderReader(repo), school).schools.get(school), policy)
        self.policy = self.current.policy.id if self.current else policy
        self.edition = self.current.edition if self.current else "staff"
        folder = self.current.policy.policy.path.rsplit("/", 1)[0] if self.current else "policies"
        self.only = (folder, "policies/schools")
        self.blobs: dict[str, bytes] = {}
        self.cache: dict[str, Resolved | None] = {}
        self._adoptions: list[Adoption] | None = None

    def adoptions(self) -> list[Adoption]:
        """The adoption tags that apply to the current policy, oldest first; read once."""
        if self._adoptions is None:
            self._adoptions = adoptions(self.repo, chain_ids(self.current)) if self.current else []
        return self._adoptions

    def at(self, rev: str | None) -> Resolved | None:
        if rev is None:
            return None
        if rev == WORKTREE:
            return self.current
        if rev not in self.cache:
            try:
                reader = TreeReader(self.repo, rev, self.blobs, self.only)
            except GitError:
                self.cache[rev] = None
            else:
                resolved = _policy_of(check(reader, self.school).schools.get(self.school), self.policy)
                self.cache[rev] = for_edition(resolved, self.edition) if resolved else None
        return self.cache[rev]


def _policy_of(handbook: Handbook | None, policy: str | None) -> Resolved | None:
    """The handbook's `policy`, or its only policy when none is named."""
    if handbook is None:
        return None
    if policy is None:
        return handbook.policies[0] if len(handbook.policies) == 1 else None
    return handbook.policy(policy)


def changes_since_adopted(repo: Path, school_id: str, current: Resolved | None = None, limit: int = 10, history: History | None = None) -> SchoolChanges:
    """The adopted version's changes (against the adoption before it), earlier adoptions' changes
    (at most `limit`), and the working tree's changes not yet adopted. `history`: one already
    read for this policy, whose versions are reused."""
    history = history or History(repo, school_id, current)
    if history.current is None:
        return SchoolChanges(school_id)
    tags = history.adoptions()
    changes = SchoolChanges(school_id)
    for i in range(len(tags) - 1, max(0, len(tags) - limit) - 1, -1):
        tag, prev = tags[i], tags[i - 1] if i else None
        diff = _diff(history.at(prev.commit), history.at(tag.commit), school_id) if prev else None
        changes.history.append(AdoptedChange(tag, prev, diff))
    if tags:
        changes.pending = _diff(history.at(tags[-1].commit), history.current, school_id)
    return changes


def _diff(a: Resolved | None, b: Resolved | None, school_id: str) -> SchoolDiff | None:
    """None when the school could be resolved at neither version."""
    return diff_resolved(a, b, school_id) if a or b else None


def last_changed(repo: Path, school_id: str, current: Resolved | None = None, history: History | None = None) -> dict[str, date]:
    """Clause ID → the day of the adopted version in which its wording last changed in substance.

    Empty until the school or its policy has an adoption tag: a commit date is not a policy date.
    A clause's first adopted version counts as a change; a minor edit or a move does not."""
    history = history or History(repo, school_id, current)
    if history.current is None:
        return {}
    found: dict[str, date] = {}
    previous: Resolved | None = None
    for adoption in history.adoptions():
        version = history.at(adoption.commit)
        if version is None:
            continue
        for clause in version.clauses():
            if _changed(previous, version, clause.id):
                found[clause.id] = adoption.day
        previous = version
    return {c.id: found[c.id] for c in history.current.clauses() if c.id in found}


def _changed(before: Resolved | None, after: Resolved, clause_id: str) -> bool:
    before_clause, after_clause = before.clause(clause_id) if before else None, after.clause(clause_id)
    if before is None or before_clause is None or after_clause is None:
        return True
    if (before_clause.body, before_clause.title) == (after_clause.body, after_clause.title):
        return False
    return is_minor(before, before_clause, after, after_clause) is None


def _link(resolved: Resolved, public: bool = False) -> Link:
    sections = {c.id: (s, c) for s in resolved.sections for c in s.clauses}

    def link(clause_id: str) -> str | None:
        if clause_id not in sections or (public and sections[clause_id][1].staff_only):
            return None
        return f"{section_page(sections[clause_id][0])}#{clause_id}"

    return link


def readable_blocks(parts: list[Block], resolved: Resolved, public: bool) -> list[Block]:
    """Variables by their description rather than their name; staff-only ones hidden in public."""
    specs = resolved.policy.policy.model.variables
    out = []
    for block in parts:
        if block.title == "Variables":
            entries = tuple(
                Entry(specs[e.label].description if e.label in specs else e.label.replace("_", " ").capitalize(), e.text)
                for e in block.entries if not (public and e.label in specs and specs[e.label].staff_only)
            )
            block = Block("Names and contacts", entries)
        if block.entries:
            out.append(block)
    return out


def _diff_markdown(diff: SchoolDiff, resolved: Resolved, public: bool, level: int, renderer: Renderer) -> list[str]:
    parts = readable_blocks(blocks(diff, renderer.plain), resolved, public)
    if not parts:
        return ["No changes to the policy's text.", ""]
    return markdown_blocks(parts, _link(resolved, public), "site", level)


def whats_changed_page(changes: SchoolChanges, resolved: Resolved, public: bool = False, pending: bool = True, renderer: Renderer | None = None) -> str:
    """The "What's changed" page: the adopted version's changes, then changes not yet adopted.
    `renderer`: the policy's own, when its pages have one."""
    renderer = renderer or Renderer(resolved)
    out = ["# What's changed", ""]
    if not changes.history:
        out += [_no_changes_yet(resolved), ""]
    for i, step in enumerate(changes.history):
        day = step.adoption.day
        out += [f"## {'Adopted' if i == 0 else 'Earlier: adopted'} on {long_date(day)} {{ #adopted-{day.isoformat()} }}", ""]
        if step.previous is None or step.diff is None:
            out += ["The first recorded adoption of this policy.", ""]
            continue
        out += [f"Compared with the version adopted on {long_date(step.previous.day)}:", ""]
        out += _diff_markdown(step.diff, resolved, public, 3, renderer)
    if pending and changes.pending is not None and not changes.pending.empty:
        out += ["## Changes not yet adopted { #not-yet-adopted }", "",
                "These changes have been made since the policy was last adopted; they take effect when it is next adopted.", ""]
        out += _diff_markdown(changes.pending, resolved, public, 3, renderer)
    return "\n".join(out).rstrip("\n") + "\n"


def _no_changes_yet(resolved: Resolved) -> str:
    """What staff read before any adopted revision is recorded (how editors record one is in the README)."""
    adopted = resolved.metadata.adopted
    if adopted:
        return f"No changes since this policy was adopted {adopted_phrase(adopted)}."
    return "No changes since this policy was published here."


def differs_from_model(resolved: Resolved) -> bool:
    """Whether the school's policy differs from the model it adopts: a layer of its variant chain
    (the school's file, or a trust's) leaves out, replaces, adds or inserts a clause, or fills in
    a value. Only then has the school a "How our policy differs from the model" page."""
    return any(v.model.omit or v.model.replace or v.model.append or v.model.insert or v.model.variables or _facts_used(v.model, resolved) for v in resolved.chain)


def _facts_used(layer: Layer, resolved: Resolved) -> bool:
    return any(name in resolved.policy.policy.model.variables for name in layer.facts)


def differs_from_model_page(resolved: Resolved, public: bool = False, renderer: Renderer | None = None) -> str:
    """"How our policy differs from the model": each layer's omissions, replacements, additions,
    insertions and values, with replaced wording redlined against the model text."""
    model = model_view(resolved)
    renderer = renderer or Renderer(resolved)
    policy = resolved.policy.policy.model
    source = f" from {resolved.metadata.model_source}" if resolved.metadata.model_source else ""
    layers = [(v, _layer_blocks(v, model, resolved, renderer)) for v in resolved.chain]
    layers = [(v, parts) for v, parts in layers if parts]
    uses = f"{escape_markdown(resolved.values.get('school_name') or '')} uses the model *{escape_markdown(policy.title)}*{escape_markdown(source)}"
    out = ["# How our policy differs from the model", ""]
    values = _values_table(resolved)
    if layers:
        out += [f"{uses}, with the changes below.", ""]
    else:
        own = " Only the names and contacts below are its own." if values else ""
        out += [f"{uses} word for word: no clause is left out, replaced or added.{own}", ""]
    for variant, parts in layers:
        if len(resolved.chain) > 1:
            out += [f"## Changes made by {variant.model.name or variant.model.id}", ""]
        out += markdown_blocks(parts, _link(resolved, public), "site", 3 if len(resolved.chain) > 1 else 2)
    out += values
    return "\n".join(out).rstrip("\n") + "\n"


def _layer_blocks(variant: Located[Layer], model: Resolved, resolved: Resolved, renderer: Renderer) -> list[Block]:
    school = variant.model
    names = clause_names(model) | clause_names(resolved)

    def label(cid: str) -> str:
        return names.get(cid, cid)

    def model_text(cid: str) -> str:
        located = resolved.policy.clauses.get(cid)
        return renderer.plain(located.doc.body) if located else ""

    omitted = tuple(Entry(label(c), "left out; the model says: " + _short(model_text(c)), None, c) for c in school.omit)
    replaced = tuple(Entry(label(c), "wording replaced (model text struck through)", c, c, tuple(redline_tokens(model_text(c), renderer.plain(t)))) for c, t in school.replace.items())
    appended = tuple(Entry(label(c), "text added after the model's", c, c, (("+", renderer.plain(t)),)) for c, t in school.append.items())
    inserted = tuple(Entry(label(i.clause.id), f"a clause of our own, after {label(i.after)}", i.clause.id, i.clause.id) for i in school.insert)
    parts = [Block("Clauses left out", omitted), Block("Wording replaced", replaced), Block("Text added", appended), Block("Clauses added", inserted)]
    return [b for b in parts if b.entries]


def _values_table(resolved: Resolved) -> list[str]:
    specs = resolved.policy.policy.model.variables
    rows = []
    for name, spec in specs.items():
        set_by = next((v.model.name or v.model.id for v in reversed(resolved.chain) if name in v.model.variables or name in v.model.facts), None)
        if set_by is None:
            continue
        rows.append(f"| {_cell(spec.description)} | {_cell(resolved.values[name])} |")
    if not rows:
        return []
    return ["## Names and contacts filled in", "", "| What | Value |", "|---|---|", *rows, ""]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _short(text: str, limit: int = 120) -> str:
    plain = " ".join(text.split())
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


