"""A school's variant chain (model → trust → school) applied to its model: one resolved policy."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from generator.errors import Problem, did_you_mean
from generator.load import LoadedPolicy, Located, Project
from generator.model import ClauseEntry, DosDonts, Form, Metadata, School


@dataclass(frozen=True)
class Clause:
    id: str
    number: str | None
    title: str | None
    body: str
    depth: int
    section: str
    path: str
    line: int
    topics: tuple[str, ...] = ()
    staff_only: bool = False
    label: str | None = None
    """The handbook's finding aid, never printed as part of the policy (see ClauseMeta.label)."""


@dataclass(frozen=True)
class Section:
    id: str
    number: str | None
    appendix: str | None
    title: str
    clauses: tuple[Clause, ...]
    dos_donts: bool
    forms: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.appendix:
            return f"Appendix {self.appendix}: {self.title}"
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Resolved:
    school: Located[School]
    chain: tuple[Located[School], ...]
    policy: LoadedPolicy
    metadata: Metadata
    values: dict[str, str]
    sections: tuple[Section, ...]
    dos_donts: Located[DosDonts] | None
    forms: dict[str, Located[Form]]
    edition: str = "staff"
    withheld: frozenset[str] = frozenset()
    """Variables whose values the public edition leaves out."""

    def clauses(self) -> list[Clause]:
        return [c for s in self.sections for c in s.clauses]

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses() if c.id == clause_id), None)


def clause_names(resolved: Resolved) -> dict[str, str]:
    """What links and reports call each clause: its number and the policy's own title ("9.9.1
    Introduction"); an unnumbered clause by where it stands (the number of the clause it sits in,
    else its section) and its title, or its label in square brackets as the handbook's words
    ("1. Introduction – [What ICT covers]"). Never a number the policy does not print."""
    names: dict[str, str] = {}
    for section in resolved.sections:
        numbers: list[str | None] = []  # per depth: the number printed for the clause that encloses the next ones
        for clause in section.clauses:
            del numbers[clause.depth :]
            names[clause.id] = _name(clause, next((n for n in reversed(numbers) if n), None) or section.label)
            numbers.append(clause.number)
    return names


def _name(clause: Clause, where: str) -> str:
    if clause.number:
        return f"{clause.number} {clause.title}" if clause.title else clause.number
    own = clause.title or (f"[{clause.label}]" if clause.label else None)
    return f"{where} – {own}" if own else where


@dataclass
class _Node:
    id: str
    children: list[_Node] = field(default_factory=list)


@dataclass
class _Content:
    title: str | None
    body: str
    numbered: bool
    path: str
    line: int
    topics: tuple[str, ...] = ()
    staff_only: bool = False
    label: str | None = None


def variant_chain(project: Project, school_id: str) -> tuple[list[Located[School]], str | None, list[Problem]]:
    """The variants from the policy's side to the school, and the policy they rest on."""
    chain: list[Located[School]] = []
    current = school_id
    while current in project.schools:
        variant = project.schools[current]
        if any(v.model.id == current for v in chain):
            loop = " → ".join([v.model.id for v in reversed(chain)] + [current])
            return [], None, [Problem(variant.path, variant.doc.line(("adopts",)), f"variant chain loops: {loop}; expected it to end at a policy")]
        chain.insert(0, variant)
        current = variant.model.adopts
    if current in project.policies:
        return chain, current, []
    if f"policies/{current}/policy.yml" in project.unreadable:
        return [], None, []  # the policy's own problem is reported; this school cannot be checked further
    last = chain[0]
    known = list(project.policies) + list(project.schools)
    return [], None, [Problem(last.path, last.doc.line(("adopts",)), f"adopts '{current}', which is neither a policy nor a variant{did_you_mean(current, known)}; expected a policy ID or a school ID")]


def _tree(entries: list[ClauseEntry]) -> list[_Node]:
    nodes = []
    for entry in entries:
        if isinstance(entry, str):
            nodes.append(_Node(entry))
        else:
            nodes += [_Node(parent, _tree(children)) for parent, children in entry.items()]
    return nodes


def _find(nodes: list[_Node], clause_id: str) -> tuple[list[_Node], int] | None:
    for i, node in enumerate(nodes):
        if node.id == clause_id:
            return nodes, i
        found = _find(node.children, clause_id)
        if found:
            return found
    return None


def _locate(trees: dict[str, list[_Node]], clause_id: str) -> tuple[list[_Node], int] | None:
    for nodes in trees.values():
        found = _find(nodes, clause_id)
        if found:
            return found
    return None


def _apply(variant: Located[School], trees: dict[str, list[_Node]], content: dict[str, _Content]) -> list[Problem]:
    school, problems = variant.model, []

    def missing(key: tuple, clause_id: str) -> bool:
        if _locate(trees, clause_id):
            return clause_id not in content  # listed, but its file failed to load: that problem is reported
        problems.append(Problem(variant.path, variant.doc.line(key), f"{key[0]} names clause '{clause_id}', which is not in the policy it adopts{did_you_mean(clause_id, content)}; expected an existing clause ID"))
        return True

    for i, clause_id in enumerate(school.omit):
        if not missing(("omit", i), clause_id):
            siblings, at = _locate(trees, clause_id)
            del siblings[at]
    for clause_id, text in school.replace.items():
        if not missing(("replace", clause_id), clause_id):
            content[clause_id] = replace(content[clause_id], body=text, path=variant.path, line=variant.doc.line(("replace", clause_id)))
    for clause_id, text in school.append.items():
        if not missing(("append", clause_id), clause_id):
            content[clause_id] = replace(content[clause_id], body=f"{content[clause_id].body}\n\n{text}")
    for i, ins in enumerate(school.insert):
        if missing(("insert", i, "after"), ins.after):
            continue
        if ins.clause.id in content:
            problems.append(Problem(variant.path, variant.doc.line(("insert", i, "clause", "id")), f"inserted clause ID '{ins.clause.id}' is already used; expected a new ID"))
            continue
        siblings, at = _locate(trees, ins.after)
        siblings.insert(at + 1, _Node(ins.clause.id))
        c = ins.clause
        content[c.id] = _Content(c.title, c.text, c.numbered, variant.path, variant.doc.line(("insert", i, "clause", "text")), tuple(c.topics), c.staff_only, c.label)
    return problems


def _number(nodes: list[_Node], prefix: str | None, depth: int, section: str, content: dict[str, _Content]) -> list[Clause]:
    out, n = [], 0
    for node in nodes:
        c = content.get(node.id)
        if c is None:
            continue  # reported by validate: listed in policy.yml but no clause file
        number = None
        if c.numbered and prefix is not None:
            n += 1
            number = f"{prefix}.{n}" if prefix else str(n)
        out.append(Clause(node.id, number, c.title, c.body, depth, section, c.path, c.line, c.topics, c.staff_only, c.label))
        out += _number(node.children, number or prefix, depth + 1, section, content)
    return out


def _merge_metadata(base: Metadata, variants: list[Located[School]]) -> Metadata:
    for variant in variants:
        if variant.model.metadata:
            base = base.model_copy(update=variant.model.metadata.model_dump(exclude_none=True, exclude_unset=True))
    return base


def _values(policy: LoadedPolicy, chain: list[Located[School]]) -> dict[str, str]:
    school = chain[-1].model
    values = {name: spec.default for name, spec in policy.policy.model.variables.items() if spec.default is not None}
    for variant in chain:
        values.update(variant.model.variables)
    values.setdefault("school_name", school.name or school.id)
    values.setdefault("school_short_name", school.short_name or school.name or school.id)
    values.setdefault("policy_title", policy.policy.model.title)
    return values


def resolve(project: Project, school_id: str) -> tuple[Resolved | None, list[Problem]]:
    chain, policy_id, problems = variant_chain(project, school_id)
    if policy_id is None:
        return None, problems
    policy = project.policies[policy_id]
    content = {
        cid: _Content(c.model.title, c.doc.body, c.model.numbered, c.path, c.doc.body_line, tuple(c.model.topics), c.model.staff_only, c.model.label)
        for cid, c in policy.clauses.items()
    }
    sections = [s for s in policy.policy.model.sections]
    trees = {s.id: _tree(s.clauses) for s in sections}
    for variant in chain:
        problems += _apply(variant, trees, content)
    resolved_sections, n = [], 0
    for s in sections:
        number = None
        if s.numbered and not s.appendix:
            n += 1
            number = str(n)
        clauses = _number(trees[s.id], number, 0, s.id, content)
        resolved_sections.append(Section(s.id, number, s.appendix, s.title, tuple(clauses), s.dos_donts, tuple(s.forms)))
    resolved = Resolved(
        school=chain[-1],
        chain=tuple(chain),
        policy=policy,
        metadata=_merge_metadata(policy.policy.model.metadata, chain),
        values=_values(policy, chain),
        sections=tuple(resolved_sections),
        dos_donts=policy.dos_donts,
        forms=dict(policy.forms),
    )
    return resolved, problems
