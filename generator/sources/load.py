"""Find every source file under `policies/` and turn each into typed models with locations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Mapping, TypeVar

from pydantic import BaseModel, ValidationError

from generator.errors import Problem, did_you_mean
from generator.sources.model import MOVED_TO_ADOPTION, ClauseMeta, DosDonts, Form, Policy, School
from generator.sources.reading import Doc, Reader, load_markdown, load_yaml

M = TypeVar("M", bound=BaseModel)
ROOT = "policies"
MAX_PROBLEMS_PER_FILE = 25


@dataclass(frozen=True)
class Located(Generic[M]):
    model: M
    doc: Doc

    @property
    def path(self) -> str:
        return self.doc.path


@dataclass
class LoadedPolicy:
    policy: Located[Policy]
    clauses: dict[str, Located[ClauseMeta]] = field(default_factory=dict)
    dos_donts: Located[DosDonts] | None = None
    forms: dict[str, Located[Form]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.policy.model.id


@dataclass
class Project:
    policies: dict[str, LoadedPolicy] = field(default_factory=dict)
    schools: dict[str, Located[School]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    """Paths that failed to load: their problems are reported, and nothing that depends on them is."""


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at `loc` in `model`, for 'did you mean' and 'expected one of'."""
    current: object = model
    for part in loc:
        if isinstance(part, int) or not isinstance(current, type) or not issubclass(current, BaseModel):
            continue
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _describe(model: type[BaseModel], doc: Doc, err: Mapping[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _field_names(model, loc[:-1])
        if model is School and len(loc) == 1 and key in MOVED_TO_ADOPTION:
            return Problem(doc.path, doc.line(loc), _moved(key, doc.data.get("adopts")))
        return Problem(doc.path, doc.line(loc), f"unknown key '{key}'{did_you_mean(key, allowed)}; expected one of: {', '.join(allowed)}")
    if kind == "missing":
        return Problem(doc.path, doc.line(loc[:-1]), f"missing required key '{loc[-1]}'; expected it in {where.rsplit('.', 1)[0] if len(loc) > 1 else 'the top level'}")
    got = err.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    msg = err["msg"].replace("Value error, ", "")
    if kind == "string_pattern_mismatch":
        msg = "not a valid ID; expected lowercase letters, digits and hyphens, e.g. my-clause-id" if "a-z0-9" in str(err.get("ctx", {}).get("pattern", "")) else msg
    return Problem(doc.path, doc.line(loc), f"{where}: {msg}; got {shown}")


def _moved(key: str, adopts: object) -> str:
    policy = adopts if isinstance(adopts, str) else "<policy-id>"
    example = f"policies: {{{policy}: {{}}}}" if key == "adopts" else f"policies: {{{policy}: {{{key}: …}}}}"
    return (f"unknown key '{key}': a school file now lists each policy it adopts under 'policies:' (did you mean {example}?); "
            "expected one of: " + ", ".join(School.model_fields))


def to_model(model: type[M], doc: Doc) -> tuple[Located[M] | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem(doc.path, 1, f"expected a mapping of keys (key: value), got {type(doc.data).__name__}")]
    try:
        return Located(model.model_validate(doc.data), doc), []
    except ValidationError as exc:
        seen: set[tuple] = set()
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if loc[:2] in seen and err["type"] != "extra_forbidden":
                continue  # a union reports each failed branch; one message per place is enough
            seen.add(loc[:2])
            problems.append(_describe(model, doc, err))
        return None, _at_most(problems)


def _at_most(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    rest = problems[MAX_PROBLEMS_PER_FILE]
    return problems[:MAX_PROBLEMS_PER_FILE] + [Problem(rest.path, rest.line, f"{len(problems) - MAX_PROBLEMS_PER_FILE:,} more problems in this file, not listed; expected the ones above fixed first, then check again")]


def _load(reader: Reader, path: str, model: type[M]) -> tuple[Located[M] | None, list[Problem]]:
    loader = load_markdown if path.endswith(".md") else load_yaml
    doc, problem = loader(reader, path)
    if doc is None:
        return None, [problem] if problem else []
    return to_model(model, doc)


def load_project(reader: Reader) -> tuple[Project, list[Problem]]:
    project, problems = Project(), []
    files = reader.list(ROOT)
    for path in files:
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "schools" and parts[2].endswith((".yml", ".yaml")):
            school, found = _load(reader, path, School)
            problems += found
            if school:
                _add_unique(project.schools, school.model.id, school, problems, "school")
    for path in files:
        parts = path.split("/")
        if len(parts) == 3 and parts[2] == "policy.yml":
            problems += _load_policy(reader, parts[1], files, project)
    for path in files:
        problems += _misplaced(path)
    return project, problems


def _load_policy(reader: Reader, folder: str, files: list[str], project: Project) -> list[Problem]:
    base = f"{ROOT}/{folder}"
    policy, problems = _load(reader, f"{base}/policy.yml", Policy)
    if policy is None:
        project.unreadable.add(f"{base}/policy.yml")
        return problems
    loaded = LoadedPolicy(policy)
    if policy.model.id in project.policies or policy.model.id in project.schools:
        problems.append(Problem(policy.path, policy.doc.line(("id",)), f"duplicate ID '{policy.model.id}'; expected policy and school IDs to be unique"))
    project.policies[policy.model.id] = loaded
    for path in files:
        if path.startswith(f"{base}/clauses/") and path.endswith(".md"):
            clause, found = _load(reader, path, ClauseMeta)
            problems += found
            if clause is None:
                project.unreadable.add(path)
            if clause:
                _add_unique(loaded.clauses, clause.model.id, clause, problems, "clause")
        elif path.startswith(f"{base}/forms/") and path.endswith((".yml", ".yaml")):
            form, found = _load(reader, path, Form)
            problems += found
            if form:
                _add_unique(loaded.forms, form.model.id, form, problems, "form")
    if f"{base}/dos-donts.yml" in files:
        loaded.dos_donts, found = _load(reader, f"{base}/dos-donts.yml", DosDonts)
        problems += found
    return problems


def _add_unique(table: dict[str, Located], key: str, item: Located, problems: list[Problem], kind: str) -> None:
    if key in table:
        first = table[key]
        problems.append(Problem(item.path, item.doc.line(("id",)), f"duplicate {kind} ID '{key}', already used by {first.path}:{first.doc.line(('id',))}; expected each {kind} ID to be unique"))
        return
    table[key] = item


KNOWN = ("policy.yml", "dos-donts.yml")


def _misplaced(path: str) -> list[Problem]:
    parts = path.split("/")
    if len(parts) == 3 and (parts[1] == "schools" or parts[2] in KNOWN):
        return []
    if path in (f"{ROOT}/references.yml", f"{ROOT}/search-synonyms.yml"):
        return []
    if len(parts) == 4 and parts[2] == "clauses" and parts[3].endswith(".md"):
        return []
    if len(parts) == 4 and parts[2] == "forms" and parts[3].endswith((".yml", ".yaml")):
        return []
    if parts[-1].startswith(".") or parts[-1].lower() in ("readme.md", "import-report.md"):
        return []
    return [Problem(path, 1, "file is not read by the generator; expected policies/<policy>/{policy.yml,dos-donts.yml,clauses/*.md,forms/*.yml} or policies/schools/*.yml", "warning")]
