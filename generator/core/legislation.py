"""The register of legislation and guidance the policies cite (`policies/references.yml`), and a
scan of the policy text for citations of superseded ones.

Each entry has `patterns` (regular expressions, matched case-insensitively) that find it in
text. A `superseded` entry names the entry that replaced it (`superseded_by`). An entry with a
`current_edition` year is a dated publication (Keeping Children Safe in Education): its
patterns capture the cited edition's year in a group named `year`, and an older year is a
citation of a superseded edition. The scan only warns: the policy's wording stays as adopted;
the warning tells the editor which reference is out of date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Literal

from pydantic import field_validator, model_validator

from generator.errors import Problem, did_you_mean
from generator.core.texts import Text, project_texts
from generator.sources.load import Located, Project, to_model
from generator.sources.model import Id, Strict
from generator.sources.reading import Reader, load_yaml


PATH = "policies/references.yml"
ADVICE = "expected the current reference (the wording stays; this is for the editor)"


class Reference(Strict):
    """One piece of legislation or guidance."""

    id: Id
    title: str
    """As it should be cited, e.g. Data Protection Act 2018."""
    url: str
    """Where to read it (legislation.gov.uk, gov.uk)."""
    status: Literal["current", "superseded"]
    superseded_by: Id | None = None
    """The entry that replaced it; required when status is superseded."""
    current_edition: int | None = None
    """For guidance republished each year: the current edition's year; older editions are superseded."""
    patterns: list[str] = []
    """Regular expressions (case-insensitive) that find a citation in text; with current_edition,
    a group named `year` captures the edition cited."""

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a regular expression ({exc})") from None
        return patterns

    @model_validator(mode="after")
    def _consistent(self) -> Reference:
        if self.status == "superseded" and not self.superseded_by:
            raise ValueError("a superseded reference needs superseded_by")
        if self.status == "current" and self.superseded_by:
            raise ValueError("a current reference cannot have superseded_by")
        if self.current_edition and not all("(?P<year>" in p for p in self.patterns):
            raise ValueError("with current_edition, every pattern needs a (?P<year>…) group")
        return self


class Registry(Strict):
    """`policies/references.yml`: legislation and guidance, and how to recognise each in text."""

    references: list[Reference]


@dataclass(frozen=True)
class Citation:
    reference: Reference
    cited: str
    """The title as cited, e.g. 'Keeping Children Safe in Education 2022'."""
    replacement: str
    """The title of what replaced it."""
    offset: int
    """Characters into the text."""


def load_registry(reader: Reader) -> tuple[Located[Registry] | None, list[Problem]]:
    """The registry and its problems with path:line; (None, []) when the file does not exist."""
    if PATH not in reader.list("policies"):
        return None, []
    doc, problem = load_yaml(reader, PATH)
    if doc is None:
        return None, [problem] if problem else []
    located, problems = to_model(Registry, doc)
    if located is None:
        return None, problems
    return located, problems + _links(located)


def _links(registry: Located[Registry]) -> list[Problem]:
    problems, seen = [], set()
    ids = [r.id for r in registry.model.references]
    for i, ref in enumerate(registry.model.references):
        if ref.id in seen:
            problems.append(Problem(PATH, registry.doc.line(("references", i, "id")), f"duplicate reference ID '{ref.id}'; expected each ID once"))
        seen.add(ref.id)
        if ref.superseded_by and ref.superseded_by not in ids:
            problems.append(Problem(PATH, registry.doc.line(("references", i, "superseded_by")), f"superseded_by names '{ref.superseded_by}', which is not in the register{did_you_mean(ref.superseded_by, ids)}; expected a reference ID"))
    return problems


def current_of(registry: Registry, ref: Reference) -> Reference:
    """Follow superseded_by to the reference in force now."""
    by_id = {r.id: r for r in registry.references}
    seen = {ref.id}
    while ref.superseded_by and ref.superseded_by in by_id and ref.superseded_by not in seen:
        ref = by_id[ref.superseded_by]
        seen.add(ref.id)
    return ref


def outdated(registry: Registry, text: str) -> Iterator[Citation]:
    """Citations in `text` of superseded legislation or of an old edition of dated guidance."""
    for ref in registry.references:
        for pattern in ref.patterns:
            for match in re.finditer(pattern, text, re.IGNORECASE):
                citation = _outdated(registry, ref, match)
                if citation:
                    yield citation


def _outdated(registry: Registry, ref: Reference, match: re.Match[str]) -> Citation | None:
    if ref.current_edition:
        year = match.groupdict().get("year")
        if not year or int(year) >= ref.current_edition:
            return None
        return Citation(ref, f"{ref.title} {year}", f"{ref.title} {ref.current_edition}", match.start())
    if ref.status != "superseded":
        return None
    now = current_of(registry, ref)
    return Citation(ref, ref.title, now.title, match.start())


BLOCK_SCALAR = re.compile(r":\s*[|>][+-]?[0-9]?\s*(#.*)?$")


def _first_line(reader: Reader, text: Text, cache: dict[str, list[str]]) -> int:
    """Where a YAML value's text starts: the line after its key when it is a `|` or `>` block."""
    if text.path.endswith(".md"):
        return text.line
    if text.path not in cache:
        try:
            cache[text.path] = reader.read(text.path).decode("utf-8", errors="replace").splitlines()
        except (OSError, ValueError):
            cache[text.path] = []
    lines = cache[text.path]
    key = lines[text.line - 1] if 0 < text.line <= len(lines) else ""
    return text.line + 1 if BLOCK_SCALAR.search(key) else text.line


def scan(project: Project, reader: Reader) -> list[Problem]:
    """Warnings for every citation of superseded legislation or guidance in clause bodies, Do's &
    Don'ts, forms and school overlays, plus the register's own problems."""
    registry, problems = load_registry(reader)
    if registry is None:
        return problems
    cache: dict[str, list[str]] = {}
    for text in project_texts(project):
        for c in outdated(registry.model, text.text):
            line = _first_line(reader, text, cache) + text.text.count("\n", 0, c.offset)
            problems.append(Problem(text.path, line, f"cites '{c.cited}', superseded by '{c.replacement}'; {ADVICE}", "warning"))
    return sorted(set(problems))
