"""One form → its content for the templates, a fillable A4 PDF and a Word .docx.

Field and table-cell names are made here (unique within the form) and shared by the PDF's
AcroForm widgets, every field fillable (a prefilled one holds its value, one whose value the
school has not given is blank); the Word file prints the same fields as values or blanks.
"""
from __future__ import annotations

from typing import Any, Literal

from generator.sources.model import Form, FormField, FormTable
from generator.core import placeholders
from generator.core.render import CHECK_HEADINGS, Renderer
from generator.outputs.documents.fieldspec import FieldSpec
from generator.outputs.documents.nodes import MarkdownNodes
from generator.outputs.documents.typeset import compile_pdf, document_meta, school_name
from generator.core.resolve import Resolved


def is_check_column(heading: str) -> bool:
    return heading.strip().casefold() in CHECK_HEADINGS


class _Names:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, wanted: str) -> str:
        name, n = wanted, 1
        while name in self.used:
            n += 1
            name = f"{wanted}-{n}"
        self.used.add(name)
        return name


def _field(field: FormField, renderer: Renderer, names: _Names, specs: list[FieldSpec]) -> dict[str, Any]:
    """Every field gets a fillable widget (one per choice option); a prefilled text field's widget
    holds its value, and a value the school has not given leaves the field blank."""
    label = renderer.plain(field.label)
    value = renderer.plain(placeholders.without_missing(renderer.r, field.value)).strip() if field.value else ""
    out: dict[str, Any] = {"label": label, "type": field.type, "value": value or None, "name": None, "options": []}
    if field.type == "choice":
        for option in field.options:
            name = names(f"{field.id}-{len(out['options']) + 1}")
            specs.append(FieldSpec(name, "check", f"{label}: {renderer.plain(option)}"))
            out["options"].append({"name": name, "label": renderer.plain(option)})
        return out
    out["name"] = names(field.id)
    kind: Literal["text", "check"] = "check" if field.type == "checkbox" else "text"
    specs.append(FieldSpec(out["name"], kind, label, multiline=field.type == "textarea", value=value if kind == "text" else ""))
    return out


def _table(table: FormTable, renderer: Renderer, names: _Names, specs: list[FieldSpec]) -> dict[str, Any]:
    columns = [renderer.plain(c) for c in table.columns]
    checks = [is_check_column(c) for c in columns]
    checklist = isinstance(table.rows, list)
    firsts: list[str | None] = [renderer.plain(t) for t in table.rows] if isinstance(table.rows, list) else [None] * table.rows
    rows = []
    for r, first in enumerate(firsts, start=1):
        cells: list[Any] = [] if first is None else [first]
        for c in range(len(cells), len(columns)):
            name = names(f"{table.id}-{r}-{c + 1}")
            tooltip = (first if checks[c] else f"{first}: {columns[c]}") if first else f"{columns[c]}, row {r}"
            specs.append(FieldSpec(name, "check" if checks[c] else "text", tooltip, multiline=not checks[c] and not checklist))
            cells.append({"name": name, "check": checks[c]})
        rows.append(cells)
    return {"title": renderer.plain(table.title) if table.title else None, "columns": columns, "checks": checks, "checklist": checklist, "rows": rows}


def form_data(form: Form, renderer: Renderer, md: MarkdownNodes) -> tuple[dict[str, Any], list[FieldSpec]]:
    """The form as template JSON, and the fillable fields it draws."""
    names, specs = _Names(), list[FieldSpec]()
    data = {
        "title": renderer.plain(form.title),
        "label": form.id if form.id in md.anchors else None,
        "intro": md.source(renderer, form.intro),
        "declaration": md.source(renderer, form.declaration),
        "fields": [_field(f, renderer, names, specs) for f in form.fields],
        "tables": [_table(t, renderer, names, specs) for t in form.tables],
        "outro": md.source(renderer, form.outro),
    }
    return data, specs


def form_pdf(resolved: Resolved, renderer: Renderer, form: Form) -> bytes:
    """A4, tagged, with an AcroForm widget over every blank field and table cell."""
    return fillable_pdf(*form_pdf_data(resolved, renderer, form))


def form_pdf_data(resolved: Resolved, renderer: Renderer, form: Form) -> tuple[dict[str, Any], list[FieldSpec]]:
    """All `fillable_pdf` is given: the template's JSON and the fields it draws."""
    data, specs = form_data(form, renderer, MarkdownNodes())
    meta = document_meta(resolved, f"{data['title']} – {school_name(resolved)}")
    return {"meta": meta, "form": data, "fillable": True}, specs


def fillable_pdf(document: dict[str, Any], specs: list[FieldSpec]) -> bytes:
    from generator.outputs.documents.fields import add_form_fields  # pypdf, imported only when a form is made

    return add_form_fields(compile_pdf("form.typ", document), specs)


def form_docx(resolved: Resolved, renderer: Renderer, form: Form) -> bytes:
    """The form as Word: heading, intro, declaration, fields as label | blank, tables with repeating headers."""
    from generator.outputs.documents.word import word_form  # python-docx, imported only when a form is made

    return word_form(form_docx_data(resolved, renderer, form))


def form_docx_data(resolved: Resolved, renderer: Renderer, form: Form) -> dict[str, Any]:
    """All `word_form` is given."""
    data, _ = form_data(form, renderer, MarkdownNodes())
    return {"meta": document_meta(resolved, f"{data['title']} – {school_name(resolved)}"), "form": data}
