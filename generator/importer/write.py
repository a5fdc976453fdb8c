"""A draft policy → the project's own sources: policy.yml, clauses/<id>.md, forms/<id>.yml, and the
school's adoption. Every file is plain YAML or Markdown an editor can change by hand."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.importer.structure import Draft, DraftClause, walk


@dataclass
class Written:
    folder: Path
    clause_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """Clause ID → (file, line where its body starts)."""
    policy_lines: dict[str, int] = field(default_factory=dict)
    """Section ID → line in policy.yml."""
    school_file: Path | None = None
    school_note: str = ""
    deleted: list[str] = field(default_factory=list)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _entries(clauses: list[DraftClause]) -> list[Any]:
    return [{c.id: _entries(c.children)} if c.children else c.id for c in clauses]


def policy_data(policy_id: str, draft: Draft, metadata: dict[str, Any], forms: dict[str, dict]) -> dict[str, Any]:
    sections = []
    for s in draft.sections:
        entry: dict[str, Any] = {"id": s.id, "title": s.title}
        if s.appendix:
            entry["appendix"] = s.appendix
        elif not s.numbered:
            entry["numbered"] = False
        if s.clauses:
            entry["clauses"] = _entries(s.clauses)
        if s.forms:
            entry["forms"] = list(s.forms)
        sections.append(entry)
    data: dict[str, Any] = {"id": policy_id, "title": draft.title}
    if metadata:
        data["metadata"] = metadata
    data["sections"] = sections
    return data


def clause_file(clause: DraftClause) -> tuple[str, int]:
    front: dict[str, Any] = {"id": clause.id}
    if clause.title:
        front["title"] = clause.title
    if not clause.numbered:
        front["numbered"] = False
    head = "---\n" + dump(front) + "---\n"
    return head + clause.body, head.count("\n") + 1


def write_policy(root: Path, policy_id: str, draft: Draft, metadata: dict[str, Any], forms: dict[str, dict], replace: bool) -> Written:
    folder = root / "policies" / policy_id
    (folder / "clauses").mkdir(parents=True, exist_ok=True)
    written = Written(folder)
    text = dump(policy_data(policy_id, draft, metadata, forms))
    (folder / "policy.yml").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    for s in draft.sections:
        written.policy_lines[s.id] = next((i for i, l in enumerate(lines, 1) if l.strip() == f"- id: {s.id}"), 1)
    keep: set[str] = set()
    for s in draft.sections:
        for clause in walk(s.clauses):
            body, line = clause_file(clause)
            path = folder / "clauses" / f"{clause.id}.md"
            path.write_text(body, encoding="utf-8")
            written.clause_lines[clause.id] = (path, line)
            keep.add(path.name)
    if replace:
        for old in sorted((folder / "clauses").glob("*.md")):
            if old.name not in keep:
                old.unlink()
                written.deleted.append(old.stem)
    if forms:
        (folder / "forms").mkdir(exist_ok=True)
        for form_id, form in forms.items():
            (folder / "forms" / f"{form_id}.yml").write_text(dump(form), encoding="utf-8")
    return written


def write_adoption(root: Path, school: str, policy_id: str) -> tuple[Path, str]:
    """The school adopts the policy: the first import makes `<school>.yml`; later ones add the
    policy under its `policies:` (one handbook holding them all), keeping the file's comments."""
    schools = root / "policies" / "schools"
    schools.mkdir(parents=True, exist_ok=True)
    main = schools / f"{school}.yml"
    if not main.exists():
        main.write_text(dump({"id": school, "publish": True, "name": _title(school), "policies": {policy_id: {}}}), encoding="utf-8")
        return main, f"wrote {main.name}: {school} adopts {policy_id}; set its name and short_name"
    text = main.read_text(encoding="utf-8")
    existing = yaml.safe_load(text) or {}
    if policy_id in (existing.get("policies") or {}):
        return main, f"{main.name} already adopts {policy_id}"
    main.write_text(_with_policy(text, policy_id), encoding="utf-8")
    return main, f"added {policy_id} to the policies {main.name} adopts"


def _with_policy(text: str, policy_id: str) -> str:
    """`text` with `policy_id: {}` added under its top-level `policies:` key (made if missing)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip() == "policies:":
            end = next((j for j in range(i + 1, len(lines)) if lines[j] and not lines[j].startswith((" ", "#"))), len(lines))
            lines.insert(end, f"  {policy_id}: {{}}")
            return "\n".join(lines) + "\n"
        if line.rstrip() == "policies: {}":
            lines[i] = f"policies:\n  {policy_id}: {{}}"
            return "\n".join(lines) + "\n"
    return text.rstrip("\n") + f"\npolicies:\n  {policy_id}: {{}}\n"


def _title(school: str) -> str:
    return " ".join(w.capitalize() for w in school.split("-"))
