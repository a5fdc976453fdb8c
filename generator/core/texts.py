"""Every piece of source text a school's handbook prints, with where it starts: what the checks read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from generator.core.resolve import layer_view
from generator.sources.load import LoadedPolicy, Located, Project
from generator.sources.model import Layer


@dataclass(frozen=True)
class Text:
    """A piece of source text and where its first line is."""

    text: str
    path: str
    line: int


def policy_texts(policy: LoadedPolicy) -> Iterable[Text]:
    for clause in policy.clauses.values():
        yield Text(clause.doc.body, clause.path, clause.doc.body_line)
    if policy.dos_donts:
        dd = policy.dos_donts
        for i, item in enumerate(dd.model.items):
            yield Text(item.text, dd.path, dd.doc.line(("items", i, "text")))
        for key in ("intro", "outro"):
            if getattr(dd.model, key):
                yield Text(getattr(dd.model, key), dd.path, dd.doc.line((key,)))
    for form in policy.forms.values():
        for key in ("intro", "declaration", "outro", "title"):
            if getattr(form.model, key):
                yield Text(getattr(form.model, key), form.path, form.doc.line((key,)))
        for i, f in enumerate(form.model.fields):
            if f.value:
                yield Text(f.value, form.path, form.doc.line(("fields", i, "value")))


def overlay_texts(variant: Located[Layer]) -> Iterable[Text]:
    school, doc = variant.model, variant.doc
    for key in ("replace", "append"):
        for clause_id, text in getattr(school, key).items():
            yield Text(text, variant.path, doc.line((key, clause_id)))
    for i, ins in enumerate(school.insert):
        yield Text(ins.clause.text, variant.path, doc.line(("insert", i, "clause", "text")))


def project_texts(project: Project) -> Iterable[Text]:
    for policy in project.policies.values():
        yield from policy_texts(policy)
    for layer in project.schools.values():
        for policy_id in layer.model.policies:
            yield from overlay_texts(layer_view(layer, policy_id))
