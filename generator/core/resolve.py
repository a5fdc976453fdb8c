"""A school's layers (model → local authority → trust → school) applied to the models it adopts:
one resolved policy per adoption, and the school's handbook holding them all."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from generator.dates import years_later
from generator.errors import Problem, did_you_mean
from generator.sources.load import LoadedPolicy, Located, Project
from generator.sources.model import ClauseEntry, DosDonts, Form, Layer, Metadata, School
from generator.sources.reading import Doc


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
    """One policy resolved for one school: its model with each layer's adoption applied."""

    school: Located[Layer]
    chain: tuple[Located[Layer], ...]
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


def layer_chain(project: Project, school_id: str) -> tuple[list[Located[School]], list[Problem]]:
    """The layers from the outermost (a local authority's or trust's) to the school."""
    chain: list[Located[School]] = []
    current: str | None = school_id
    while current is not None:
        if current not in project.schools:
            last = chain[0]
            return [], [Problem(last.path, last.doc.line(("extends",)), f"extends '{current}', which is not a school or layer{did_you_mean(current, project.schools)}; expected the ID of a file in policies/schools/")]
        layer = project.schools[current]
        if any(v.model.id == current for v in chain):
            loop = " → ".join([v.model.id for v in reversed(chain)] + [current])
            return [], [Problem(layer.path, layer.doc.line(("extends",)), f"layers loop: {loop}; expected the chain of `extends` to end at a layer that extends nothing")]
        chain.insert(0, layer)
        current = layer.model.extends
    return chain, []


def adopted_ids(chain: list[Located[School]]) -> list[str]:
    """Every policy adopted along the chain, each once, in the order first adopted."""
    return list(dict.fromkeys(pid for layer in chain for pid in layer.model.policies))


def layer_view(layer: Located[School], policy_id: str) -> Located[Layer]:
    """`layer` as it bears on one policy: its own facts and its adoption of that policy, with the
    adoption's keys at the top so that `doc.line(("omit", 0))` finds the line in the school file."""
    school, adoption = layer.model, layer.model.policies.get(policy_id)
    own = {k: getattr(adoption, k) for k in type(adoption).model_fields} if adoption else {}
    model = Layer(id=school.id, publish=school.publish, name=school.name, short_name=school.short_name, site_url=school.site_url,
                  branding=school.branding, facts=school.facts, adopted=adoption is not None, **own)
    lines = {loc: n for loc, n in layer.doc.lines.items() if not loc or loc[0] != "policies"}
    lines.update({loc[2:]: n for loc, n in layer.doc.lines.items() if loc[:2] == ("policies", policy_id)})
    return Located(model, Doc(layer.path, {}, lines))


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


def _located(trees: dict[str, list[_Node]], clause_id: str) -> tuple[list[_Node], int]:
    """Where a clause known to be in the trees sits (callers have checked it is not missing)."""
    found = _locate(trees, clause_id)
    assert found is not None, clause_id
    return found


def _apply(variant: Located[Layer], policy_id: str, trees: dict[str, list[_Node]], content: dict[str, _Content]) -> list[Problem]:
    school, problems = variant.model, []

    def missing(key: tuple, clause_id: str) -> bool:
        if _locate(trees, clause_id):
            return clause_id not in content  # listed, but its file failed to load: that problem is reported
        problems.append(Problem(variant.path, variant.doc.line(key), f"{key[0]} names clause '{clause_id}', which is not in the policy '{policy_id}'{did_you_mean(clause_id, content)}; expected an existing clause ID"))
        return True

    for i, clause_id in enumerate(school.omit):
        if not missing(("omit", i), clause_id):
            siblings, at = _located(trees, clause_id)
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
        siblings, at = _located(trees, ins.after)
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


def _merge_metadata(base: Metadata, variants: list[Located[Layer]]) -> Metadata:
    model = base
    for variant in variants:
        if variant.model.metadata:
            base = base.model_copy(update=variant.model.metadata.model_dump(exclude_none=True, exclude_unset=True))
    records = [v.model.metadata for v in reversed(variants) if v.model.metadata] + [model]
    nearest = next((m for m in records if m.review_due or m.review_cycle_years), None)
    if nearest is not None and nearest.review_due is None and base.review_cycle_years and base.adopted:
        base = base.model_copy(update={"review_due": years_later(base.adopted, base.review_cycle_years)})  # the nearest record gives a cycle, not a date
    return base


def _values(policy: LoadedPolicy, chain: list[Located[Layer]]) -> dict[str, str]:
    """The model's defaults, then each layer's facts and its values for this policy (nearest wins)."""
    school = chain[-1].model
    values = {name: spec.default for name, spec in policy.policy.model.variables.items() if spec.default is not None}
    for variant in chain:
        values.update(variant.model.facts)
        values.update(variant.model.variables)
    values.setdefault("school_name", school.name or school.id)
    values.setdefault("school_short_name", school.short_name or school.name or school.id)
    values.setdefault("policy_title", policy.policy.model.title)
    return values


def resolve_layers(policy: LoadedPolicy, chain: list[Located[Layer]], overlays: bool = True) -> tuple[Resolved, list[Problem]]:
    """The policy for the last layer of `chain`; `overlays=False`: its clauses as the model has
    them (no layer omits, replaces, appends or inserts), with the chain's facts and record."""
    problems: list[Problem] = []
    content = {
        cid: _Content(c.model.title, c.doc.body, c.model.numbered, c.path, c.doc.body_line, tuple(c.model.topics), c.model.staff_only, c.model.label)
        for cid, c in policy.clauses.items()
    }
    sections = [s for s in policy.policy.model.sections]
    trees = {s.id: _tree(s.clauses) for s in sections}
    for variant in chain if overlays else ():
        problems += _apply(variant, policy.id, trees, content)
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


def model_view(resolved: Resolved) -> Resolved:
    """The school's policy exactly as its model has it, numbered, with no overlay applied."""
    return resolve_layers(resolved.policy, list(resolved.chain), overlays=False)[0]


@dataclass(frozen=True)
class Handbook:
    """A school's handbook: every policy it adopts, each resolved for it, in a stable order."""

    school: Located[School]
    chain: tuple[Located[School], ...]
    policies: tuple[Resolved, ...]
    edition: str = "staff"

    @property
    def id(self) -> str:
        return self.school.model.id

    @property
    def name(self) -> str:
        return self.school.model.name or self.school.model.id

    @property
    def short_name(self) -> str:
        return self.school.model.short_name or self.name

    def policy(self, policy_id: str) -> Resolved | None:
        return next((r for r in self.policies if r.policy.id == policy_id), None)

    @property
    def values(self) -> dict[str, str]:
        """The values every page of the handbook may use: the school's facts and names."""
        values: dict[str, str] = {}
        for layer in self.chain:
            values.update(layer.model.facts)
        values.setdefault("school_name", self.name)
        values.setdefault("school_short_name", self.short_name)
        return values


def policy_order(resolved: Resolved) -> tuple[str, str]:
    model = resolved.policy.policy.model
    return (model.category.casefold(), model.title.casefold())


def resolve_handbook(project: Project, school_id: str) -> tuple[Handbook | None, list[Problem]]:
    """Every policy the school adopts, resolved; a policy that does not exist is a path:line error."""
    chain, problems = layer_chain(project, school_id)
    if not chain:
        return None, problems
    policies: list[Resolved] = []
    for policy_id in adopted_ids(chain):
        if f"policies/{policy_id}/policy.yml" in project.unreadable:
            return None, problems  # the policy's own problem is reported; the school cannot be checked against it
        if policy_id not in project.policies:
            layer = next(v for v in chain if policy_id in v.model.policies)
            problems.append(Problem(layer.path, layer.doc.line(("policies", policy_id)), f"adopts policy '{policy_id}', which does not exist{did_you_mean(policy_id, project.policies)}; expected the ID of a policy in policies/<policy-id>/policy.yml"))
            continue
        resolved, found = resolve_layers(project.policies[policy_id], [layer_view(v, policy_id) for v in chain])
        problems += found
        policies.append(resolved)
    if not adopted_ids(chain) and chain[-1].model.publish:
        school = chain[-1]
        problems.append(Problem(school.path, school.doc.line(("policies",)), f"school '{school_id}' adopts no policy; expected at least one under policies:, e.g. policies: {{{next(iter(project.policies), 'policy-id')}: {{}}}}"))
    return Handbook(chain[-1], tuple(chain), tuple(sorted(policies, key=policy_order))), problems
