"""A form as a Word .docx, with python-docx: heading, intro, declaration, its fields as label |
blank, its tables with repeating header rows; reproducible (fixed dates in the zip)."""
from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from io import BytesIO
from typing import Any, Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import _Row
from docx.text.paragraph import Paragraph

from generator.outputs.documents.nodes import Node
from generator.outputs.documents.typeset import source_date_epoch

BLANK_HEIGHT = {"signature": Cm(1.5), "textarea": Cm(3.0)}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
TEXT_WIDTH_CM = 17.0
CHECK_WIDTH_CM = 1.2


def _inline(paragraph: Paragraph, nodes: Iterable[Node], bold: bool = False, italic: bool = False) -> None:
    for node in nodes:
        if isinstance(node, str):
            run = paragraph.add_run(node)
            run.bold, run.italic = bold or None, italic or None
        elif node["t"] == "br":
            paragraph.add_run().add_break()
        elif node["t"] == "a" and node.get("href", "").startswith(("http", "mailto:")):
            _inline(paragraph, node["c"], bold, italic)
            text = "".join(c for c in node["c"] if isinstance(c, str))
            if node["href"].removeprefix("mailto:") != text:
                paragraph.add_run(f" ({node['href'].removeprefix('mailto:')})")
        elif node["t"] == "input":
            paragraph.add_run("☑ " if node.get("checked") else "☐ ")
        else:
            _inline(paragraph, node["c"], bold or node["t"] in ("strong", "b"), italic or node["t"] in ("em", "i"))


def _list(doc: DocxDocument, node: dict[str, Any], level: int) -> None:
    style = ("List Number" if node["t"] == "ol" else "List Bullet") + (f" {min(level, 3)}" if level > 1 else "")
    for item in node["c"]:
        if not isinstance(item, dict):
            continue
        inline = [k for k in item["c"] if isinstance(k, str) or k["t"] not in ("ul", "ol", "p")]
        paragraphs = [k for k in item["c"] if isinstance(k, dict) and k["t"] == "p"]
        paragraph = doc.add_paragraph(style=style)
        _inline(paragraph, inline or (paragraphs[0]["c"] if paragraphs else []))
        for extra in paragraphs[0 if inline else 1:]:
            _inline(doc.add_paragraph(style="List Continue"), extra["c"])
        for sub in item["c"]:
            if isinstance(sub, dict) and sub["t"] in ("ul", "ol"):
                _list(doc, sub, level + 1)


def _md_table(doc: DocxDocument, node: dict[str, Any]) -> None:
    rows = [row for part in node["c"] for row in (part["c"] if part["t"] in ("thead", "tbody") else [part])]
    width = max((len(r["c"]) for r in rows), default=1)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, source in zip(cells, row["c"]):
            _inline(cell.paragraphs[0], source["c"], bold=source["t"] == "th")
        if all(c["t"] == "th" for c in row["c"]):
            _repeat_header(table.rows[-1])
    doc.add_paragraph()


def _blocks(doc: DocxDocument, nodes: list[Node] | None, style: str | None = None) -> None:
    for node in nodes or []:
        if isinstance(node, str):
            _inline(doc.add_paragraph(style=style), [node])
        elif node["t"] in ("ul", "ol"):
            _list(doc, node, 1)
        elif node["t"] == "table":
            _md_table(doc, node)
        elif node["t"] == "blockquote":
            _blocks(doc, node["c"], "Quote")
        elif node["t"] in ("h1", "h2", "h3", "h4", "h5", "h6"):
            _inline(doc.add_paragraph(style=style), node["c"], bold=True)
        else:
            _inline(doc.add_paragraph(style=style), node["c"] if node["t"] in ("p", "pre", "div") else [node])


def _repeat_header(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _blank_row(row: _Row, height: Length) -> None:
    row.height = height
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _fields_table(doc: DocxDocument, fields: list[dict[str, Any]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for field in fields:
        row = table.add_row()
        row.cells[0].paragraphs[0].add_run(field["label"]).bold = True
        row.cells[0].width, row.cells[1].width = Cm(5), Cm(12)
        if field["value"] is not None:
            row.cells[1].paragraphs[0].add_run(field["value"])
        elif field["type"] == "checkbox":
            row.cells[1].paragraphs[0].add_run("☐")
        elif field["type"] == "choice":
            row.cells[1].paragraphs[0].add_run("    ".join(f"☐ {o['label']}" for o in field["options"]))
        _blank_row(row, BLANK_HEIGHT.get(field["type"], Cm(0.9)))
    doc.add_paragraph()


def _column_widths(checks: list[bool]) -> list[Length]:
    text_columns = max(len(checks) - sum(checks), 1)
    text_width = (TEXT_WIDTH_CM - CHECK_WIDTH_CM * sum(checks)) / text_columns
    return [Cm(CHECK_WIDTH_CM if check else text_width) for check in checks]


def _form_table(doc: DocxDocument, table_data: dict[str, Any]) -> None:
    if table_data["title"]:
        doc.add_paragraph(table_data["title"], style="Heading 2")
    widths = _column_widths(table_data["checks"])
    table = doc.add_table(rows=1, cols=len(table_data["columns"]))
    table.style = "Table Grid"
    table.autofit = False
    for cell, heading, width in zip(table.rows[0].cells, table_data["columns"], widths):
        cell.paragraphs[0].add_run(heading).bold = True
        cell.width = width
    _repeat_header(table.rows[0])
    for source in table_data["rows"]:
        row = table.add_row()
        for cell, value, width in zip(row.cells, source, widths):
            cell.width = width
            paragraph = cell.paragraphs[0]
            if isinstance(value, str):
                paragraph.add_run(value)
            elif value["check"]:
                paragraph.add_run("☐")
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if not table_data["checklist"]:
            _blank_row(row, Cm(1.0))
    doc.add_paragraph()


def _page_number(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _setup(doc: DocxDocument, meta: dict[str, Any]) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    properties = normal.element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "en-GB")
    colour = RGBColor.from_string(meta["colour"].lstrip("#").upper())
    for level in (1, 2):
        doc.styles[f"Heading {level}"].font.color.rgb = colour
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    footer = section.footer.paragraphs[0]
    note = f" · {meta['note']}" if meta["note"] else ""
    footer.add_run(f"{meta['school']} · {meta['policy']}{note} · Page ")
    _page_number(footer)
    footer.style.font.size = Pt(8)
    _core_properties(doc, meta)


def _core_properties(doc: DocxDocument, meta: dict[str, Any]) -> None:
    """Title, author and subject; dated only when SOURCE_DATE_EPOCH is set."""
    core = doc.core_properties
    core.title, core.author, core.subject = meta["title"], meta["school"], meta["policy"]
    core.comments, core.last_modified_by = "", ""
    stamp = source_date_epoch()
    if stamp is None:
        for name in ("dcterms:created", "dcterms:modified"):
            for element in core._element.findall(qn(name)):
                core._element.remove(element)
    else:
        core.created = core.modified = datetime.fromtimestamp(stamp, timezone.utc).replace(tzinfo=None)


def _reproducible(docx: bytes) -> bytes:
    stamp = source_date_epoch()
    when = datetime.fromtimestamp(max(stamp, 315532800), timezone.utc).timetuple()[:6] if stamp else ZIP_EPOCH
    source, out = zipfile.ZipFile(BytesIO(docx)), BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=when), source.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def word_form(document: dict[str, Any]) -> bytes:
    data = document["form"]
    doc = Document()
    _setup(doc, document["meta"])
    doc.add_heading(data["title"], level=1)
    _blocks(doc, data["intro"])
    _blocks(doc, data["declaration"])
    if data["fields"]:
        _fields_table(doc, data["fields"])
    for table_data in data["tables"]:
        _form_table(doc, table_data)
    _blocks(doc, data["outro"])
    out = BytesIO()
    doc.save(out)
    return _reproducible(out.getvalue())
