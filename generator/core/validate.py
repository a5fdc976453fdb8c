"""Every check across files, collected: a policy's structure, its text, and each school variant."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from collections.abc import Set
from typing import Iterable, Protocol

from generator.core.branding import check_branding
from generator.errors import Problem, did_you_mean
from generator.sources.limits import MAX_CHARS, limits
from generator.sources.load import LoadedPolicy, Located, Project, load_project
from generator.sources.model import VARIABLE, Layer, Variable, clause_ids
from generator.core.legislation import scan
from generator.core.texts import Text, overlay_texts, policy_texts
from generator.core.safety import unsafe
from generator.sources.reading import Reader
from generator.core.text import BUILT_IN, variables_in, xrefs_in
from generator.core.resolve import Handbook, Resolved, adopted_ids, layer_chain, layer_view, resolve_handbook

MAX_ROWS = 500
MAX_COLUMNS = 20
FORMATS = {
    "phone": (re.compile(r"^\+?[0-9 ()-]{6,20}$"), "a phone number such as 020 8000 0000"),
    "email": (re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), "an email address such as office@school.sch.uk"),
    "url": (re.compile(r"^https://\S+$"), "an https:// address"),
    "date": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "a date such as 2024-09-01"),
}


@dataclass
class Checked:
    project: Project
    schools: dict[str, Handbook] = field(default_factory=dict)
    """Each published school's handbook."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class Verdicts(Protocol):
    """Schools found without a problem before, from the same sources (kept by the caller)."""

    def clean(self, handbook: Handbook) -> bool: ...

    def record(self, handbook: Handbook) -> None: ...


def school_sources(handbook: Handbook) -> tuple[set[str], tuple[str, ...]]:
    """The school's files (its own and the layers it extends) and its policies' folders."""
    return {v.path for v in handbook.chain}, tuple(f"policies/{r.policy.policy.path.split('/')[1]}/" for r in handbook.policies)


def _untroubled(handbook: Handbook, problems: list[Problem]) -> bool:
    files, folders = school_sources(handbook)
    return not any(p.path in files or p.path.startswith(folders) for p in problems)


def check(reader: Reader, school: str | None = None, verdicts: Verdicts | None = None) -> Checked:
    """Every problem of the project (of `school` and what it adopts, when given). With `verdicts`,
    a school found without a problem before from the same sources is resolved but not judged again."""
    project, problems = load_project(reader)
    checked = Checked(project, problems=problems)
    judged = _judged_policies(project, school)
    for policy_id, policy in list(project.policies.items()):
        if judged is not None and policy_id not in judged:
            continue
        if bounded := [*limits(policy_texts(policy)), *_table_sizes(policy)]:
            checked.problems += [*bounded, *_structure(policy, project.unreadable)]
            _set_aside(project, policy_id)
        else:
            checked.problems += check_policy(policy, project.unreadable)
    for school_id, variant in project.schools.items():
        if school and school_id != school:
            continue
        handbook, found = resolve_handbook(project, school_id)
        checked.problems += found
        if handbook is None:
            continue
        if verdicts is not None and not found and verdicts.clean(handbook) and _untroubled(handbook, checked.problems):
            checked.problems += check_branding(variant, reader)  # reads the logo, which the verdict does not cover
            if variant.model.publish:
                checked.schools[school_id] = handbook
            continue
        before = len(checked.problems)
        limited: list[Problem] = []
        for resolved in handbook.policies:
            view = layer_view(variant, resolved.policy.id)
            found = limits(overlay_texts(view)) or _filled_limits(resolved)
            checked.problems += found or check_school(resolved, view)
            limited += found
        checked.problems += [] if limited or not variant.model.publish else cross_policy_refs(handbook)  # a trust's policies may cite ones its schools add
        checked.problems += check_branding(variant, reader)
        if variant.model.publish and not limited:
            checked.schools[school_id] = handbook
        if verdicts is not None and not found and len(checked.problems) == before and _untroubled(handbook, checked.problems):
            verdicts.record(handbook)
    if not project.policies and not project.unreadable:
        checked.problems.append(Problem("policies", 1, "no policy found; expected a folder policies/<policy-id>/ holding a policy.yml"))
    elif not project.schools and not any(p.path.startswith("policies/schools/") for p in checked.problems):
        checked.problems.append(Problem("policies/schools", 1, "no school found; expected a file policies/schools/<school-id>.yml (see README: Adding a school)"))
    if school and school not in project.schools and not _school_file_failed(school, checked.problems):
        checked.problems.append(Problem("policies/schools", 1, f"no school '{school}'{did_you_mean(school, project.schools)}; expected one of: {', '.join(project.schools)}"))
    checked.problems += scan(checked.project, reader)
    if judged is not None:
        checked.problems = [p for p in checked.problems if _judged_path(p.path, judged, project)]
    checked.problems = sorted(set(checked.problems))
    return checked


def _judged_path(path: str, judged: set[str], project: Project) -> bool:
    """A problem in a policy the school does not adopt is not the school's (`--school X`)."""
    parts = path.split("/")
    return not (len(parts) > 2 and parts[0] == "policies" and parts[1] != "schools" and parts[1] not in judged)


def _judged_policies(project: Project, school: str | None) -> set[str] | None:
    """With `--school X`, only the policies X adopts are judged (what X publishes)."""
    if not school or school not in project.schools:
        return None
    chain, _ = layer_chain(project, school)
    return set(adopted_ids(chain)) if chain else None


def _school_file_failed(school: str, problems: list[Problem]) -> bool:
    """The school's own file could not be read: its error says why, not a misleading 'no school'."""
    return any(p.severity == "error" and p.path in (f"policies/schools/{school}.yml", f"policies/schools/{school}.yaml") for p in problems)


def _filled_limits(resolved: Resolved) -> list[Problem]:
    """The same bounds once the school's values are filled in: a value used many times multiplies."""
    problems = []
    for text in _resolved_texts(resolved):
        if VARIABLE.search(text.text):
            filled = _fill_within(text.text, resolved.values, MAX_CHARS)
            found = limits([replace(text, text=filled)]) if filled is not None else [Problem(text.path, text.line, f"text is more than {MAX_CHARS:,} characters; expected at most {MAX_CHARS:,} in one clause or item")]
            problems += [replace(p, message=f"with school '{resolved.school.model.id}' variables filled in, {p.message}") for p in found]
    return problems


def _fill_within(text: str, values: dict[str, str], budget: int) -> str | None:
    """The text with its variables filled in, or None as soon as it would exceed the budget."""
    parts, size, at = [], 0, 0
    for use in VARIABLE.finditer(text):
        value = values.get(use.group(1), "")
        parts += [text[at : use.start()], value]
        size, at = size + use.start() - at + len(value), use.end()
        if size > budget:
            return None
    parts.append(text[at:])
    return "".join(parts)


def _set_aside(project: Project, policy_id: str) -> None:
    """A policy with text no renderer should be given (history and diffs included): not resolved for any school."""
    project.unreadable.add(project.policies.pop(policy_id).policy.path)


def _table_sizes(policy: LoadedPolicy) -> list[Problem]:
    problems = []
    for form in policy.forms.values():
        for i, table in enumerate(form.model.tables):
            rows = table.rows if isinstance(table.rows, int) else len(table.rows)
            if not 0 <= rows <= MAX_ROWS:
                problems.append(Problem(form.path, form.doc.line(("tables", i, "rows")), f"table '{table.id}' has {rows:,} rows; expected 0 to {MAX_ROWS} (split it into several tables)"))
            if len(table.columns) > MAX_COLUMNS:
                problems.append(Problem(form.path, form.doc.line(("tables", i, "columns")), f"table '{table.id}' has {len(table.columns):,} columns; expected at most {MAX_COLUMNS}"))
    return problems


def check_policy(policy: LoadedPolicy, unreadable: Set[str] = frozenset()) -> list[Problem]:
    return [*_structure(policy, unreadable), *_texts(policy), *unsafe(policy_texts(policy))]


def _structure(policy: LoadedPolicy, unreadable: Set[str]) -> list[Problem]:
    p, problems = policy.policy, []
    folder = p.path.rsplit("/", 1)[0]
    placed: dict[str, str] = {}
    ids = set(policy.clauses) | set(policy.forms)
    for si, section in enumerate(p.model.sections):
        if section.id in ids or section.id in placed:
            problems.append(Problem(p.path, p.doc.line(("sections", si, "id")), f"section ID '{section.id}' is already used by a clause or form; expected a unique ID"))
        ids.add(section.id)
        for ci, clause_id in enumerate(clause_ids(section.clauses)):
            line = p.doc.line(("sections", si, "clauses", ci)) if all(isinstance(e, str) for e in section.clauses) else p.doc.line(("sections", si, "clauses"))
            if clause_id not in policy.clauses and f"{folder}/clauses/{clause_id}.md" in unreadable:
                pass
            elif clause_id not in policy.clauses:
                problems.append(Problem(p.path, line, f"section '{section.id}' lists clause '{clause_id}', which has no file{did_you_mean(clause_id, policy.clauses)}; expected clauses/{clause_id}.md"))
            elif clause_id in placed:
                problems.append(Problem(p.path, line, f"clause '{clause_id}' is listed twice (also in section '{placed[clause_id]}'); expected each clause once"))
            placed[clause_id] = section.id
        for fi, form_id in enumerate(section.forms):
            if form_id not in policy.forms:
                problems.append(Problem(p.path, p.doc.line(("sections", si, "forms", fi)), f"section '{section.id}' shows form '{form_id}', which does not exist{did_you_mean(form_id, policy.forms)}; expected forms/{form_id}.yml"))
    for clause_id, clause in policy.clauses.items():
        if clause_id not in placed:
            problems.append(Problem(clause.path, clause.doc.line(("id",)), f"clause '{clause_id}' is not listed in any section of {p.path}; expected it in a section's clauses", "warning"))
    if policy.dos_donts:
        problems += _refs_exist(policy, policy.dos_donts, "items", "clauses")
    for form in policy.forms.values():
        for i, clause_id in enumerate(form.model.required_by):
            if clause_id not in policy.clauses:
                problems.append(Problem(form.path, form.doc.line(("required_by", i)), f"required_by names clause '{clause_id}', which does not exist{did_you_mean(clause_id, policy.clauses)}; expected a clause ID"))
    return problems


def _refs_exist(policy: LoadedPolicy, located: Located, list_key: str, ref_key: str) -> list[Problem]:
    problems, seen = [], set()
    for i, item in enumerate(getattr(located.model, list_key)):
        if item.id in seen:
            problems.append(Problem(located.path, located.doc.line((list_key, i, "id")), f"duplicate item ID '{item.id}'; expected each item ID to be unique"))
        seen.add(item.id)
        for j, clause_id in enumerate(getattr(item, ref_key)):
            if clause_id not in policy.clauses:
                problems.append(Problem(located.path, located.doc.line((list_key, i, ref_key, j)), f"item '{item.id}' cites clause '{clause_id}', which does not exist{did_you_mean(clause_id, policy.clauses)}; expected a clause ID"))
    return problems


def _targets(policy: LoadedPolicy) -> set[str]:
    return set(policy.clauses) | set(policy.forms) | {s.id for s in policy.policy.model.sections}


def _texts(policy: LoadedPolicy) -> list[Problem]:
    declared = set(policy.policy.model.variables) | set(BUILT_IN)
    targets = _targets(policy)
    problems = []
    for text in policy_texts(policy):
        for use in variables_in(text.text):
            if use.name not in declared:
                problems.append(Problem(text.path, text.line + use.line_offset, f"unknown variable '{use.name}'{did_you_mean(use.name, declared)}; expected one declared in {policy.policy.path} or built in ({', '.join(BUILT_IN)})"))
        for use in xrefs_in(text.text):
            if ":" not in use.name and use.name not in targets:
                problems.append(Problem(text.path, text.line + use.line_offset, f"cross-reference to '{use.name}', which does not exist{did_you_mean(use.name, targets)}; expected a clause, section or form ID"))
    return problems


def check_school(resolved: Resolved, variant: Located[Layer]) -> list[Problem]:
    return [*_school_variables(resolved), *_omitted_refs(resolved), *unsafe(overlay_texts(variant))]


def _school_variables(resolved: Resolved) -> list[Problem]:
    specs = resolved.policy.policy.model.variables
    problems = []
    for variant in resolved.chain:
        for name, value in variant.model.variables.items():
            line = variant.doc.line(("variables", name))
            if name not in specs and name not in BUILT_IN:
                problems.append(Problem(variant.path, line, f"unknown variable '{name}' for policy '{resolved.policy.id}'{did_you_mean(name, specs)}; expected one declared in {resolved.policy.policy.path} (a fact every policy may use goes under facts:)"))
            elif name in specs:
                problems += _format(variant.path, line, name, value, specs[name])
        for name, value in variant.model.facts.items():
            if name in specs:
                problems += _format(variant.path, variant.doc.line(("facts", name)), name, value, specs[name])
    used = {u.name: t for t in _resolved_texts(resolved) for u in variables_in(t.text)}
    for name, spec in specs.items():
        if spec.required and name not in resolved.values and name in used:
            school = resolved.school
            problems.append(Problem(school.path, school.doc.line(("variables",)), f"required variable '{name}' ({spec.description}) has no value; staff see a blank and 'ask the school office' (used at {used[name].path}:{used[name].line}); expected a value under facts: or under the policy's variables:", "warning"))
    return problems


def _format(path: str, line: int, name: str, value: str, spec: Variable) -> list[Problem]:
    rule = FORMATS.get(spec.type)
    if rule and not rule[0].match(value.strip()):
        return [Problem(path, line, f"variable '{name}' is {value!r}; expected {rule[1]}")]
    return []


def _resolved_texts(resolved: Resolved) -> Iterable[Text]:
    for clause in resolved.clauses():
        yield Text(clause.body, clause.path, clause.line)
    yield from (t for t in policy_texts(resolved.policy) if "/clauses/" not in t.path)


def _omitted_refs(resolved: Resolved) -> list[Problem]:
    present = {c.id for c in resolved.clauses()} | {s.id for s in resolved.sections} | set(resolved.forms)
    omitted = _targets(resolved.policy) - present
    problems = []
    school = resolved.school.model.id
    for text in _resolved_texts(resolved):
        for use in xrefs_in(text.text):
            if use.name in omitted:
                problems.append(Problem(text.path, text.line + use.line_offset, f"cross-reference to '{use.name}', which school '{school}' omits; expected a clause the school keeps (or omit this one too)"))
    dd = resolved.dos_donts
    if dd:
        for i, item in enumerate(dd.model.items):
            for j, clause_id in enumerate(item.clauses):
                if clause_id in omitted:
                    problems.append(Problem(dd.path, dd.doc.line(("items", i, "clauses", j)), f"item '{item.id}' cites clause '{clause_id}', which school '{school}' omits; expected the school to keep it (or to replace it instead)"))
    return problems


def cross_policy_refs(handbook: Handbook) -> list[Problem]:
    """`[[policy:id]]` names a policy the school adopts and a clause, section or form the school keeps in it."""
    present = {r.policy.id: {c.id for c in r.clauses()} | {s.id for s in r.sections} | set(r.forms) for r in handbook.policies}
    problems = []
    for resolved in handbook.policies:
        for text in _resolved_texts(resolved):
            for use in xrefs_in(text.text):
                if ":" not in use.name:
                    continue
                policy_id, target = use.name.split(":", 1)
                where = text.line + use.line_offset
                if policy_id not in present:
                    problems.append(Problem(text.path, where, f"cross-reference to policy '{policy_id}', which school '{handbook.id}' does not adopt{did_you_mean(policy_id, present)}; expected one of its policies: {', '.join(sorted(present))}"))
                elif target not in present[policy_id]:
                    problems.append(Problem(text.path, where, f"cross-reference to '{target}' in policy '{policy_id}', which has no such clause, section or form for school '{handbook.id}'{did_you_mean(target, present[policy_id])}; expected an ID that policy keeps"))
    return problems
