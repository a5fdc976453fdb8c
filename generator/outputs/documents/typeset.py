"""Typst typesetting: compiling the packaged templates, and the data of the whole-policy PDF,
the whole-handbook PDF and the poster.

Content reaches Typst only as JSON (`sys.inputs.data`), so no source text is ever parsed as
Typst markup. Output is reproducible: embedded fonts only, and a document date only when
SOURCE_DATE_EPOCH is set.
"""
from __future__ import annotations

import json
import os
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, cast

from generator import TEMPLATES
from generator.dates import display_date
from generator.sources.model import DoDont
from generator.core.render import HANDBOOK_SUMMARY_NOTE, TOPIC_ORDER, Renderer, in_policy_document, policy_facts, policy_heading
from generator.core.resolve import Resolved
from generator.outputs.documents.nodes import MarkdownNodes, source_text

if TYPE_CHECKING:
    import typst

DEFAULT_COLOUR = "#3f51b5"

FormData = Callable[[str, "MarkdownNodes"], dict[str, Any]]


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None


def compile_pdf(template: str, data: Mapping[str, Any]) -> bytes:
    """Typeset `templates/<template>` with `data` as its JSON input, as PDF/UA-1 when Typst's
    checks pass (they always do for the current templates), else as a plain tagged PDF."""
    import typst  # imported only when a document is made: a build whose documents all come from the cache needs none

    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return _compile(template, payload, ["ua-1"])
    except typst.TypstError as error:
        if "PDF/UA" not in str(error):
            raise
        return _compile(template, payload, [])


def _compile(template: str, payload: str, standards: list[Any]) -> bytes:
    pdf = _compiler(template).compile(sys_inputs={"data": payload}, timestamp=source_date_epoch(), pdf_standards=standards)
    return cast(bytes, pdf)  # a PDF without an output path: its bytes


_COMPILERS = threading.local()


def _compiler(template: str) -> typst.Compiler:
    """One compiler per template and thread, kept for the process, so that its fonts are loaded
    once (Typst resets its files and date before every compile). Per thread: `serve` makes
    documents in the background while a build may make them too."""
    import typst

    compilers: dict[str, typst.Compiler] = _COMPILERS.__dict__.setdefault("by_template", {})
    if template not in compilers:
        compilers[template] = typst.Compiler(str(TEMPLATES / template), root=str(TEMPLATES), ignore_system_fonts=True)
    return compilers[template]


def school_name(resolved: Resolved) -> str:
    school = resolved.school.model
    return resolved.values.get("school_name") or school.name or school.id


def document_meta(resolved: Resolved, title: str) -> dict[str, Any]:
    """The page set-up every template shares: document title, footer facts, colour."""
    branding = resolved.school.model.branding
    meta = resolved.metadata
    facts = (meta.status == "draft" and "Draft", meta.version and f"Version {meta.version}", meta.adopted and f"Adopted {display_date(meta.adopted)}")
    note = " · ".join(fact for fact in facts if fact)
    return {
        "title": title,
        "school": school_name(resolved),
        "policy": resolved.policy.policy.model.title,
        "note": note,
        "colour": branding.primary_color if branding else DEFAULT_COLOUR,
        "dated": source_date_epoch() is not None,
    }


# Markdown → nodes ---------------------------------------------------------------------


# Do's & Don'ts, poster and the whole policy -------------------------------------------

def _topic_key(topic: str) -> tuple[int, str]:
    return (TOPIC_ORDER.index(topic) if topic in TOPIC_ORDER else len(TOPIC_ORDER), topic)


def _item_refs(resolved: Resolved, renderer: Renderer, item: DoDont, anchors: frozenset[str]) -> list[dict[str, Any]]:
    refs = []
    for clause_id in item.clauses:
        target = renderer.targets.get(clause_id)
        if target is None:
            continue
        clause = resolved.clause(clause_id)
        text = clause.number if clause and clause.number else target.label
        refs.append({"text": text, "target": clause_id if clause_id in anchors else None})
    return refs


def dos_donts_data(resolved: Resolved, renderer: Renderer, md: MarkdownNodes, grouped: bool = True) -> dict[str, Any] | None:
    """The quick reference grouped by topic (topic order as on the site), each group split into Do / Don't;
    `grouped=False` keeps the policy's own two columns without the handbook's topic headings or
    clause references, as the whole-policy page prints them."""
    dd = resolved.dos_donts
    if dd is None:
        return None
    items = dd.model.items
    topics = sorted({i.topic for i in items if i.topic and grouped}, key=_topic_key)
    groups: list[tuple[str | None, list[DoDont]]] = [(t, [i for i in items if i.topic == t]) for t in topics]
    untagged = [i for i in items if not (i.topic and grouped)]
    if untagged:
        groups.append(("Other" if topics else None, untagged))

    def item(i: DoDont) -> dict[str, Any]:
        refs = _item_refs(resolved, renderer, i, md.anchors) if grouped else []
        return {"id": i.id, "text": md.inline(source_text(renderer, i.text, md.anchors)), "refs": refs}

    return {
        "title": renderer.plain(dd.model.title),
        "note": HANDBOOK_SUMMARY_NOTE if dd.model.source == "handbook" else None,
        "intro": md.source(renderer, dd.model.intro),
        "outro": md.source(renderer, dd.model.outro),
        "groups": [
            {
                "topic": topic[0].upper() + topic[1:] if topic else None,
                "do": [item(i) for i in chosen if i.kind == "do"],
                "dont": [item(i) for i in chosen if i.kind == "dont"],
            }
            for topic, chosen in groups
        ],
    }


POSTER_TEXT_PT = 13
"""The poster's body text size: readable from a wall, its clause references (0.85em) too (at least 11pt)."""


def poster_data(resolved: Resolved, renderer: Renderer) -> dict[str, Any] | None:
    """All `poster.typ` is given; None when the policy has no Do's & Don'ts."""
    data = dos_donts_data(resolved, renderer, MarkdownNodes())
    if data is None:
        return None
    meta = document_meta(resolved, f"{data['title']} – {school_name(resolved)}")
    return {"meta": meta, "dd": data, "size": POSTER_TEXT_PT}


def policy_anchors(resolved: Resolved, forms: Iterable[str]) -> frozenset[str]:
    """The IDs the whole-policy PDF labels: sections, clauses and forms, each used once."""
    uses = Counter([s.id for s in resolved.sections] + [c.id for c in resolved.clauses()] + list(forms))
    return frozenset(item_id for item_id, count in uses.items() if count == 1)


def _facts(resolved: Resolved, renderer: Renderer) -> list[dict[str, str]]:
    return [{"label": label, "value": renderer.plain(value)} for label, value in policy_facts(resolved.metadata)]


def _anchor(item_id: str, md: MarkdownNodes) -> str | None:
    return item_id if item_id in md.anchors else None


def _sections(resolved: Resolved, renderer: Renderer, md: MarkdownNodes, form_data: FormData) -> list[dict[str, Any]]:
    dd = dos_donts_data(resolved, renderer, md, grouped=False)
    return [
        {
            "anchor": _anchor(s.id, md),
            "label": s.label,
            "appendix": bool(s.appendix),
            "clauses": [
                {"anchor": _anchor(c.id, md), "depth": c.depth, "heading": policy_heading(c), "body": md.source(renderer, c.body)}
                for c in s.clauses
            ],
            "dos_donts": dd if s.dos_donts else None,
            "forms": [form_data(form_id, md) for form_id in s.forms],
        }
        for s in resolved.sections
        if in_policy_document(s, resolved.dos_donts.model if resolved.dos_donts else None)
    ]


def policy_pdf(resolved: Resolved, renderer: Renderer, form_data: FormData) -> bytes:
    """The whole policy as one tagged PDF; `form_data(form_id, md)` supplies each form's content."""
    return compile_pdf("policy.typ", policy_data(resolved, renderer, form_data))


def handbook_data(title: str, meta: dict[str, Any], policies: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """All `handbook.typ` is given: every policy of a school in one tagged PDF. `policies` are
    (policy ID, `policy_data`) in the handbook's order; each policy's labels take its ID as a
    prefix, so that two policies may use the same clause ID."""
    return {"meta": {**meta, "title": title, "policy": "Policy handbook", "note": ""},
            "policies": [_prefixed(data, f"{policy_id}--") for policy_id, data in policies]}


def _prefixed(node: Any, prefix: str) -> Any:
    """The policy's data with every label it sets or links to (`anchor`, `target`, a form's
    `label`, a `#` link) prefixed."""
    if isinstance(node, list):
        return [_prefixed(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if isinstance(value, str) and (key in ("anchor", "target") or (key == "label" and "fields" in node)):
            out[key] = prefix + value
        elif key == "href" and isinstance(value, str) and value.startswith("#"):
            out[key] = "#" + prefix + value[1:]
        else:
            out[key] = _prefixed(value, prefix)
    return out


def policy_data(resolved: Resolved, renderer: Renderer, form_data: FormData) -> dict[str, Any]:
    """What policy.typ typesets (and handbook.typ, for each policy)."""
    placed = [form_id for s in resolved.sections for form_id in s.forms]
    unplaced = [form_id for form_id in resolved.forms if form_id not in placed]
    md = MarkdownNodes(policy_anchors(resolved, placed + unplaced))
    sections = _sections(resolved, renderer, md, form_data)
    if unplaced:
        sections.append({"anchor": None, "label": "Forms", "appendix": True, "clauses": [], "dos_donts": None, "forms": [form_data(form_id, md) for form_id in unplaced]})
    policy = resolved.policy.policy.model
    meta = resolved.metadata
    return {
        "meta": document_meta(resolved, f"{policy.title} – {school_name(resolved)}"),
        "title": policy.title,
        "subtitle": policy.subtitle,
        "draft": meta.status == "draft",
        "facts": _facts(resolved, renderer),
        "signatories": [{"role": s.role, "name": s.name or "", "date": display_date(s.date) if s.date else ""} for s in meta.signatories or []],
        "sections": sections,
    }
