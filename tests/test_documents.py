"""Downloadable documents: form PDFs (tagged, fillable) and Word files, the poster, the whole policy."""
from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from generator.outputs.documents.downloads import POLICY, POSTER, build_downloads
from generator.outputs.documents.forms import form_data
from generator.core.render import Renderer, download_name, in_policy_document
from generator.sources.reading import FolderReader
from generator.outputs.documents.nodes import MarkdownNodes
from generator.core.validate import check
from generator.core.resolve import Resolved

ROOT = Path(__file__).resolve().parent.parent
PDFINFO = shutil.which("pdfinfo")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module")
def schools() -> dict[str, Resolved]:
    checked = check(FolderReader(ROOT))
    assert checked.ok, checked.problems
    return {school: handbook.policies[0] for school, handbook in checked.schools.items()}


@pytest.fixture(scope="module")
def downloads(schools: dict[str, Resolved]) -> dict[str, dict[str, bytes]]:
    return {school_id: build_downloads(resolved) for school_id, resolved in schools.items()}


def _forms(schools: dict[str, Resolved]) -> list[tuple[str, str]]:
    return [(school_id, form_id) for school_id, resolved in schools.items() for form_id in resolved.forms]


def _words(text: str) -> str:
    return " ".join(text.replace("\u2060", "").split())


def _first_words(text: str, n: int = 6) -> str:
    return " ".join(text.split()[:n])


def _pdf_text(pdf: bytes) -> str:
    return _words(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages))


def _long_pdf_text(pdf: bytes) -> str:
    """pdftotext when poppler is installed (much faster on a long policy), else pypdf."""
    if PDFTOTEXT is None:
        return _pdf_text(pdf)
    out = subprocess.run([PDFTOTEXT, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return _words(out.decode())


def _pdfinfo(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def test_every_school_gets_its_documents(schools, downloads) -> None:
    for school_id, resolved in schools.items():
        files = downloads[school_id]
        expected = {download_name(f, ext) for f in resolved.forms for ext in ("pdf", "docx")} | {POLICY}
        if resolved.dos_donts:
            expected.add(POSTER)
        assert set(files) == expected, school_id
        assert all(isinstance(data, bytes) and data for data in files.values())


def test_form_pdfs_have_title_text_declaration_and_fields(schools, downloads) -> None:
    forms = _forms(schools)
    assert forms, "the project has no forms to test"
    for school_id, form_id in forms:
        resolved = schools[school_id]
        form = resolved.forms[form_id].model
        pdf = downloads[school_id][download_name(form_id, "pdf")]
        reader = PdfReader(BytesIO(pdf))
        assert reader.metadata.title and form.title in reader.metadata.title, (school_id, form_id)
        assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)
        text = _pdf_text(pdf)
        assert _words(form.title) in text, (school_id, form_id)
        renderer = Renderer(resolved)
        if form.declaration:
            assert _first_words(renderer.plain(form.declaration)) in text, (school_id, form_id)
        _, specs = form_data(form, renderer, MarkdownNodes())
        fields = reader.get_fields() or {}
        assert set(fields) == {spec.name for spec in specs}, (school_id, form_id)
        if any(f.value is None for f in form.fields) or form.tables:
            assert fields, (school_id, form_id)
        for spec in specs:
            assert fields[spec.name]["/FT"] == ("/Btn" if spec.kind == "check" else "/Tx")
            assert fields[spec.name]["/TU"] == spec.tooltip


def test_fillable_widgets_sit_on_the_page_and_are_tagged_as_form_fields(schools, downloads) -> None:
    school_id, form_id = _forms(schools)[0]
    reader = PdfReader(BytesIO(downloads[school_id][download_name(form_id, "pdf")]))
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"]
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert widgets and all(w["/Subtype"] == "/Widget" for w in widgets)
    for widget in widgets:
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        assert 0 < x0 < x1 < 595.3 and 0 < y0 < y1 < 841.9
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    elements = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    assert all(elements[int(w["/StructParent"])]["/S"] == "/Form" for w in widgets)


@pytest.mark.skipif(PDFINFO is None, reason="pdfinfo (poppler-utils) is not installed")
def test_every_typeset_pdf_is_tagged_with_a_title(downloads, tmp_path) -> None:
    for school_id, files in downloads.items():
        for name, data in files.items():
            if name.endswith(".pdf"):
                info = _pdfinfo(data, tmp_path)
                assert info.get("Tagged") == "yes", (school_id, name)
                assert info.get("Title"), (school_id, name)
                assert info.get("Page size", "").endswith("(A4)"), (school_id, name)


def test_typeset_pdfs_declare_pdf_ua(downloads) -> None:
    for school_id, files in downloads.items():
        for name, data in files.items():
            if name.endswith(".pdf"):
                xmp = PdfReader(BytesIO(data)).trailer["/Root"]["/Metadata"].get_data()
                assert b"pdfuaid:part" in xmp, (school_id, name)


def test_form_docx_has_labels_declaration_and_columns(schools, downloads) -> None:
    for school_id, form_id in _forms(schools):
        resolved = schools[school_id]
        form = resolved.forms[form_id].model
        renderer = Renderer(resolved)
        doc = Document(BytesIO(downloads[school_id][download_name(form_id, "docx")]))
        paragraphs = _words(" ".join(p.text for p in doc.paragraphs))
        cells = [_words(cell.text) for table in doc.tables for row in table.rows for cell in row.cells]
        assert doc.paragraphs[0].text == form.title and doc.paragraphs[0].style.name == "Heading 1"
        assert doc.core_properties.title.startswith(form.title)
        if form.declaration:
            assert _first_words(renderer.plain(form.declaration)) in paragraphs, (school_id, form_id)
        for field in form.fields:
            assert _words(field.label) in cells, (school_id, form_id, field.id)
        for table in form.tables:
            assert all(_words(column) in cells for column in table.columns), (school_id, form_id, table.id)
        headers = [t for t in doc.tables if t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")]
        assert len(headers) >= len(form.tables)
        footer = doc.sections[0].footer.paragraphs[0].text
        assert resolved.school.model.name in footer and resolved.policy.policy.model.title in footer


def test_poster_has_every_item_on_a4_pages(schools, downloads) -> None:
    for school_id, resolved in schools.items():
        if not resolved.dos_donts:
            continue
        pdf = downloads[school_id][POSTER]
        pages = PdfReader(BytesIO(pdf)).pages
        assert 1 <= len(pages) <= 4 and all(page.mediabox.width == pytest.approx(595.28, abs=0.5) for page in pages), school_id
        assert resolved.school.model.name in (pages[0].extract_text() or "")
        text = _pdf_text(pdf)
        for item in resolved.dos_donts.model.items:
            assert _first_words(Renderer(resolved).plain(item.text), 4) in text, (school_id, item.id)


def test_policy_pdf_has_every_section_and_clause_number(schools, downloads) -> None:
    for school_id, resolved in schools.items():
        pdf = downloads[school_id][POLICY]
        reader = PdfReader(BytesIO(pdf))
        assert resolved.policy.policy.model.title in reader.metadata.title
        text = _long_pdf_text(pdf)
        assert "Contents" in text
        dd = resolved.dos_donts.model if resolved.dos_donts else None
        for section in resolved.sections:
            # the handbook's own Do's & Don'ts summary is not printed as part of the policy
            assert (_words(section.label) in text) == in_policy_document(section, dd), (school_id, section.id)
        for clause in resolved.clauses():
            if clause.number:
                heading = f"{clause.number} {clause.title}" if clause.title else clause.number
                assert _words(heading) in text, (school_id, clause.id)
        for form_id in resolved.forms:
            assert _words(resolved.forms[form_id].model.title) in text, (school_id, form_id)


def test_policy_pdf_links_cross_references_inside_the_document(schools, downloads) -> None:
    reader = PdfReader(BytesIO(downloads["curzon-crescent"][POLICY]))
    internal = [a.get_object() for page in reader.pages for a in page.get("/Annots", []) if "/Dest" in a.get_object() or a.get_object().get("/A", {}).get("/S") == "/GoTo"]
    assert internal, "expected internal links for [[references]] and Do's & Don'ts sources"


def test_documents_are_reproducible(schools, downloads) -> None:
    again = build_downloads(schools["curzon-crescent"])
    assert again == downloads["curzon-crescent"]


def test_source_date_epoch_dates_the_documents(schools, monkeypatch, tmp_path) -> None:
    from generator.outputs.documents.forms import form_docx, form_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    resolved = schools["parklands"]
    form = resolved.forms["acceptable-use-agreement"].model
    pdf = form_pdf(resolved, Renderer(resolved), form)
    if PDFINFO:
        assert "2023" in _pdfinfo(pdf, tmp_path).get("CreationDate", "")
    doc = Document(BytesIO(form_docx(resolved, Renderer(resolved), form)))
    assert doc.core_properties.created.year == 2023


def test_markdown_becomes_nodes() -> None:
    md = MarkdownNodes()
    nodes = md.blocks("Some **bold**, *italic* and [a link](https://example.org).\n\n- one\n    - nested\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    assert [n["t"] for n in nodes] == ["p", "ul", "table"]
    assert nodes[0]["c"][1] == {"t": "strong", "c": ["bold"]}
    assert nodes[0]["c"][3] == {"t": "em", "c": ["italic"]}
    assert nodes[0]["c"][5] == {"t": "a", "c": ["a link"], "href": "https://example.org"}
    assert nodes[1]["c"][0]["c"] == ["one", {"t": "ul", "c": [{"t": "li", "c": ["nested"]}]}]
    assert md.inline("just *text*") == ["just ", {"t": "em", "c": ["text"]}]
    assert md.blocks("   ") is None
    linked = MarkdownNodes({"known"}).blocks("[a](#known) [b](#unknown)")
    assert [n["href"] for n in linked[0]["c"] if isinstance(n, dict)] == ["#known", ""]


def test_cross_references_and_variables_in_source_text(schools) -> None:
    from generator.outputs.documents.nodes import source_text

    resolved = schools["curzon-crescent"]
    renderer = Renderer(resolved)
    text = source_text(renderer, "See [[esp-appendix-incident-log]] at {{ school_name }}.", {"esp-appendix-incident-log"})
    assert text.startswith("See [Appendix 4") and "](#esp-appendix-incident-log)" in text
    assert text.endswith("at Curzon Crescent Children's Centre.")
    assert source_text(renderer, "See [[esp-appendix-incident-log]].").startswith("See Appendix 4")


def test_every_field_type_becomes_a_fillable_field(schools, tmp_path) -> None:
    from generator.outputs.documents.forms import form_docx, form_pdf
    from generator.sources.model import Form

    form = Form.model_validate({
        "id": "all-fields",
        "title": "All the field types",
        "intro": "Fill in **every** field.",
        "fields": [
            {"id": "name", "label": "Name"},
            {"id": "when", "label": "Date", "type": "date"},
            {"id": "sign", "label": "Signature", "type": "signature"},
            {"id": "notes", "label": "Notes", "type": "textarea"},
            {"id": "agree", "label": "I agree", "type": "checkbox"},
            {"id": "role", "label": "Role", "type": "choice", "options": ["Teacher", "Governor"]},
            {"id": "school", "label": "School", "value": "{{ school_name }}"},
        ],
        "tables": [{"id": "log", "columns": ["Date", "What happened", "✓"], "rows": 2}],
        "declaration": "I confirm the above.",
    })
    resolved = schools["curzon-crescent"]
    renderer = Renderer(resolved)
    pdf = form_pdf(resolved, renderer, form)
    fields = PdfReader(BytesIO(pdf)).get_fields()
    kinds = {name: field["/FT"] for name, field in fields.items()}
    assert kinds == {
        "name": "/Tx", "when": "/Tx", "sign": "/Tx", "notes": "/Tx", "agree": "/Btn", "role-1": "/Btn", "role-2": "/Btn",
        "log-1-1": "/Tx", "log-1-2": "/Tx", "log-1-3": "/Btn", "log-2-1": "/Tx", "log-2-2": "/Tx", "log-2-3": "/Btn",
        "school": "/Tx",
    }
    assert fields["role-2"]["/TU"] == "Role: Governor"
    assert fields["school"]["/V"] == "Curzon Crescent Children's Centre" and fields["name"]["/V"] == ""
    assert b"(Curzon Crescent Children's Centre) Tj" in pdf
    if PDFINFO:
        assert _pdfinfo(pdf, tmp_path)["Form"] == "AcroForm"
    doc = Document(BytesIO(form_docx(resolved, renderer, form)))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "☐ Teacher    ☐ Governor" in cells and "Curzon Crescent Children's Centre" in cells


@pytest.mark.parametrize("school_id", ["curzon-crescent", "fawood"])
def test_values_the_school_has_not_given_are_blank_fillable_fields(schools, downloads, school_id) -> None:
    pdf = downloads[school_id][download_name("esl-contact-details", "pdf")]
    fields = PdfReader(BytesIO(pdf)).get_fields() or {}
    assert {name: (f["/FT"], f["/V"]) for name, f in fields.items()} == {
        "name": ("/Tx", ""), "address": ("/Tx", ""), "contact-number": ("/Tx", ""),
    }
    assert "confirmed" not in _pdf_text(pdf).casefold()
    doc = Document(BytesIO(downloads[school_id][download_name("esl-contact-details", "docx")]))
    rows = {row.cells[0].text: row.cells[1].text for table in doc.tables for row in table.rows}
    assert rows == {"Name": "", "School & Children's Centre address": "", "Contact number": ""}
    policy = _long_pdf_text(downloads[school_id][POLICY]).casefold()
    assert "to be confirmed" not in policy and "contact details for the partnership" in policy


def test_fields_are_an_incremental_update_that_keeps_the_typeset_pdf_and_its_trailer(schools) -> None:
    from generator.outputs.documents.fields import add_form_fields
    from generator.outputs.documents.forms import form_pdf_data
    from generator.outputs.documents.typeset import compile_pdf

    resolved = schools["parklands"]
    document, specs = form_pdf_data(resolved, Renderer(resolved), resolved.forms["acceptable-use-agreement"].model)
    typeset = compile_pdf("form.typ", document)
    pdf = add_form_fields(typeset, specs)
    assert pdf.startswith(typeset) and add_form_fields(typeset, specs) == pdf
    # an update's trailer repeats every entry of the one before it (ISO 32000-1 7.5.6); poppler reads /Info from it
    update = pdf[len(typeset):]
    assert b"/Info" in update and b"/Prev" in update
    before, after = PdfReader(BytesIO(typeset)).trailer["/ID"], PdfReader(BytesIO(pdf)).trailer["/ID"]
    assert after[0] == before[0] and after[1] != before[1]
