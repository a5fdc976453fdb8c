"""Typst typesetting: compiling the packaged templates, Markdown → JSON nodes for them,
fillable AcroForm fields laid over a typeset PDF, and the whole-policy PDF and poster.

Content reaches Typst only as JSON (`sys.inputs.data`), so no source text is ever parsed as
Typst markup. Output is reproducible: embedded fonts only, and a document date only when
SOURCE_DATE_EPOCH is set.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence, Union, cast

import markdown
import typst
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from generator import TEMPLATES
from generator.dates import display_date
from generator.sources.model import DoDont, XREF
from generator.core.render import HANDBOOK_SUMMARY_NOTE, TOPIC_ORDER, Renderer, in_policy_document, policy_facts, policy_heading
from generator.core.resolve import Resolved

FIELD_SCHEME = "field:"
DEFAULT_COLOUR = "#3f51b5"

Node = Union[str, dict[str, Any]]
FormData = Callable[[str, "MarkdownNodes"], dict[str, Any]]
BLOCKS = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div"}
CONTAINERS = {"ul", "ol", "table", "thead", "tbody", "tr"}
VOID = {"br", "hr", "img", "input"}


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None


def compile_pdf(template: str, data: Mapping[str, Any]) -> bytes:
    """Typeset `templates/<template>` with `data` as its JSON input, as PDF/UA-1 when Typst's
    checks pass (they always do for the current templates), else as a plain tagged PDF."""
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

class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, Any] = {"t": "root", "c": []}
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: dict[str, Any] = {"t": tag, "c": []}
        found = dict(attrs)
        if tag == "a":
            node["href"] = found.get("href") or ""
        elif tag == "ol" and (start := found.get("start") or "").isdigit():
            node["start"] = int(start)
        elif tag == "input":
            node["checked"] = "checked" in found
        self.stack[-1]["c"].append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth]["t"] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1]["c"].append(data)


def _tidy(node: dict[str, Any], anchors: frozenset[str], pre: bool = False) -> dict[str, Any]:
    pre = pre or node["t"] == "pre"
    if node["t"] == "a" and node["href"].startswith("#") and node["href"][1:] not in anchors:
        node["href"] = ""
    kids: list[Node] = []
    for kid in node["c"]:
        if isinstance(kid, dict):
            kids.append(_tidy(kid, anchors, pre))
        elif pre:
            kids.append(kid)
        else:
            kids.append(re.sub(r"\s+", " ", kid))
    if not pre:
        has_blocks = node["t"] in CONTAINERS or node["t"] == "root" or any(isinstance(k, dict) and k["t"] in BLOCKS for k in kids)
        if has_blocks:
            kids = [k for k in kids if not (isinstance(k, str) and not k.strip())]
        if node["t"] in BLOCKS or node["t"] == "root":
            if kids and isinstance(kids[0], str):
                kids[0] = kids[0].lstrip()
            if kids and isinstance(kids[-1], str):
                kids[-1] = kids[-1].rstrip()
            kids = [k for k in kids if k != ""]
    node["c"] = kids
    return node


_CONVERTERS = threading.local()


@functools.lru_cache(maxsize=8192)
def _html(text: str) -> str:
    """Markdown → HTML, remembered: most clauses read the same in every school a worker builds."""
    if not hasattr(_CONVERTERS, "md"):
        _CONVERTERS.md = markdown.Markdown(extensions=["tables", "attr_list"])
    return _CONVERTERS.md.reset().convert(text)


class MarkdownNodes:
    """Converts Markdown to the JSON nodes `common.typ` renders, for one document: `anchors`
    are the IDs labelled in it, so `#id` links to anything else become plain text."""

    def __init__(self, anchors: Iterable[str] = ()) -> None:
        self.anchors = frozenset(anchors)

    def blocks(self, text: str | None) -> list[Node] | None:
        if not text or not text.strip():
            return None
        tree = _Tree()
        tree.feed(_html(text))
        tree.close()
        return _tidy(tree.root, self.anchors)["c"]

    def source(self, renderer: Renderer, source: str | None) -> list[Node] | None:
        """Source text (variables, references) → nodes, references linked when labelled here."""
        return self.blocks(source_text(renderer, source, self.anchors)) if source else None

    def inline(self, text: str) -> list[Node]:
        nodes = self.blocks(text) or []
        if len(nodes) == 1 and isinstance(nodes[0], dict) and nodes[0]["t"] == "p":
            return nodes[0]["c"]
        return nodes


def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)


def source_text(renderer: Renderer, source: str, anchors: Iterable[str] = ()) -> str:
    """Variables filled; a reference becomes a `#id` link when its target is in the document, else its label."""
    anchored = set(anchors)

    def ref(target_id: str) -> str:
        target = renderer.targets.get(target_id)
        if target is None:
            return f"[[{target_id}]]"
        return f"[{_escape_label(target.label)}](#{target_id})" if target_id in anchored else target.label

    return renderer.plain(XREF.sub(lambda m: ref(m.group(1)), source))


# Fillable fields ----------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """One fillable field: the template draws its box, `add_form_fields` makes it a widget."""

    name: str
    kind: Literal["text", "check"]
    tooltip: str
    multiline: bool = False
    value: str = ""
    """A prefilled text field's value: the widget holds it and shows it, and it can be changed."""


class _Revision:
    """An incremental update: changed and new objects appended after the original bytes,
    so a long PDF is never re-parsed or re-written as a whole."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.reader = PdfReader(BytesIO(pdf))
        self.size = int(cast(NumberObject, self.reader.trailer["/Size"]))
        self.objects: dict[int, PdfObject] = {}

    def change(self, ref: IndirectObject) -> DictionaryObject:
        obj = cast(DictionaryObject, ref.get_object())
        self.objects[ref.idnum] = obj
        return obj

    def add(self, obj: PdfObject) -> IndirectObject:
        ref = IndirectObject(self.size, 0, self.reader)
        self.objects[self.size] = obj
        self.size += 1
        return ref

    def write(self) -> bytes:
        out = BytesIO()
        out.write(self.pdf if self.pdf.endswith(b"\n") else self.pdf + b"\n")
        offsets: dict[int, int] = {}
        for idnum in sorted(self.objects):
            offsets[idnum] = out.tell()
            out.write(b"%d 0 obj\n" % idnum)
            self.objects[idnum].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n")
        for run in _runs(sorted(offsets)):
            out.write(b"%d %d\n" % (run[0], len(run)))
            out.writelines(b"%010d 00000 n\r\n" % offsets[idnum] for idnum in run)
        trailer = self.reader.trailer
        update = DictionaryObject({
            NameObject("/Size"): NumberObject(self.size),
            NameObject("/Root"): trailer.raw_get("/Root"),
            NameObject("/Prev"): NumberObject(int(self.pdf[self.pdf.rindex(b"startxref") + 9:].split()[0])),
        })
        if "/Info" in trailer:
            update[NameObject("/Info")] = trailer.raw_get("/Info")
        if "/ID" in trailer:
            first = cast(ArrayObject, trailer["/ID"])[0]
            update[NameObject("/ID")] = ArrayObject([first, ByteStringObject(hashlib.md5(out.getvalue()).digest())])
        out.write(b"trailer\n")
        update.write_to_stream(out)
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref)
        return out.getvalue()


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _font(base: str) -> DictionaryObject:
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject(base),
    })
    if base == "/Helvetica":
        font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return font


def _appearance(revision: _Revision, width: float, height: float, content: bytes, fonts: DictionaryObject) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(round(width, 3)), FloatObject(round(height, 3))]),
        NameObject("/Resources"): DictionaryObject({NameObject("/Font"): fonts}),
    })
    return revision.add(stream)


def _checkbox_appearances(revision: _Revision, rect: Sequence[float], fonts: DictionaryObject) -> DictionaryObject:
    width, height = float(rect[2]) - float(rect[0]), float(rect[3]) - float(rect[1])
    size = min(width, height) * 0.8
    tick = b"q 0 g BT /ZaDb %.2f Tf %.2f %.2f Td (4) Tj ET Q" % (size, (width - size * 0.78) / 2, (height - size * 0.7) / 2)
    return DictionaryObject({
        NameObject("/N"): DictionaryObject({
            NameObject("/Yes"): _appearance(revision, width, height, tick, fonts),
            NameObject("/Off"): _appearance(revision, width, height, b"", fonts),
        }),
    })


def _struct_parents(root: DictionaryObject) -> dict[int, IndirectObject]:
    out: dict[int, IndirectObject] = {}
    tree = root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return out

    def walk(node: DictionaryObject) -> None:
        nums = node.get("/Nums", ArrayObject())
        for i in range(0, len(nums) - 1, 2):
            value = nums[i + 1]
            if isinstance(value, IndirectObject):
                out[int(nums[i])] = value
        for kid in node.get("/Kids", ArrayObject()):
            walk(kid.get_object())

    walk(tree["/ParentTree"].get_object())
    return out


def _make_widget(annot: DictionaryObject, spec: FieldSpec, page: IndirectObject, revision: _Revision, fonts: DictionaryObject) -> None:
    for key in ("/A", "/Border", "/Contents", "/H"):
        annot.pop(key, None)
    annot.update({
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/T"): TextStringObject(spec.name),
        NameObject("/TU"): TextStringObject(spec.tooltip),
        NameObject("/F"): NumberObject(4),
        NameObject("/P"): page,
    })
    if spec.kind == "check":
        annot.update({
            NameObject("/FT"): NameObject("/Btn"),
            NameObject("/V"): NameObject("/Off"),
            NameObject("/AS"): NameObject("/Off"),
            NameObject("/MK"): DictionaryObject({NameObject("/CA"): TextStringObject("4")}),
            NameObject("/DA"): TextStringObject("/ZaDb 0 Tf 0 g"),
            NameObject("/AP"): _checkbox_appearances(revision, cast(ArrayObject, annot["/Rect"]), fonts),
        })
    else:
        annot.update({
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/V"): TextStringObject(spec.value),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g" if spec.multiline or spec.value else "/Helv 0 Tf 0 g"),
        })
        if spec.multiline:
            annot[NameObject("/Ff")] = NumberObject(4096)
        if spec.value:
            annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): _text_appearance(revision, cast(ArrayObject, annot["/Rect"]), spec.value, fonts)})


def _text_appearance(revision: _Revision, rect: Sequence[float], value: str, fonts: DictionaryObject) -> IndirectObject:
    """The prefilled value drawn in the field, so that it shows in viewers that do not make appearances."""
    width, height = float(rect[2]) - float(rect[0]), float(rect[3]) - float(rect[1])
    size = min(10.0, height * 0.7)
    text = value.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"/Tx BMC q BT /Helv %.2f Tf 0 g 2 %.2f Td (%s) Tj ET Q EMC" % (size, (height - size * 0.7) / 2, text)
    return _appearance(revision, width, height, content, fonts)


def add_form_fields(pdf: bytes, specs: Sequence[FieldSpec]) -> bytes:
    """Turn each `field:<name>` link the template drew into an AcroForm widget tagged /Form,
    written as an incremental update of the typeset PDF."""
    if not specs:
        return pdf
    wanted = {spec.name: spec for spec in specs}
    revision = _Revision(pdf)
    root = revision.change(revision.reader.trailer.raw_get("/Root"))
    parents = _struct_parents(root)
    fonts = DictionaryObject({
        NameObject("/Helv"): revision.add(_font("/Helvetica")),
        NameObject("/ZaDb"): revision.add(_font("/ZapfDingbats")),
    })
    fields = ArrayObject()
    for page in revision.reader.pages:
        for ref in page.get("/Annots", ArrayObject()):
            if not isinstance(ref, IndirectObject):
                continue
            annot = cast(DictionaryObject, ref.get_object())
            uri = str(cast(DictionaryObject, annot.get("/A", DictionaryObject())).get("/URI", ""))
            spec = wanted.get(uri.removeprefix(FIELD_SCHEME)) if uri.startswith(FIELD_SCHEME) else None
            if spec is None:
                continue
            _make_widget(revision.change(ref), spec, cast(IndirectObject, page.indirect_reference), revision, fonts)
            fields.append(ref)
            element = parents.get(int(annot.get("/StructParent", -1)))
            if element is not None:
                revision.change(element)[NameObject("/S")] = NameObject("/Form")
    root[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): fields,
        NameObject("/NeedAppearances"): BooleanObject(True),
        NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): fonts}),
    })
    return revision.write()


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


def poster_pdf(resolved: Resolved, renderer: Renderer) -> bytes | None:
    """The Do's & Don'ts as an A4 poster, a band per topic, over as many pages as it needs;
    None when the policy has none."""
    data = poster_data(resolved, renderer)
    return None if data is None else compile_pdf("poster.typ", data)


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
